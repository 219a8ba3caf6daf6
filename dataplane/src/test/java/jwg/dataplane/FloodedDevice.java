package jwg.dataplane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.dataplane.config.DeviceConfig;
import jwg.dataplane.config.PeerConfig;
import jwg.noise.Counters;
import jwg.noise.Drop;
import jwg.noise.PrivateKey;
import jwg.noise.crypto.Blake2s;
import jwg.tun.ip.IpPrefix;

/**
 * The flood tests' setup: a real device (counting TUN, loopback UDP) with one configured peer, and
 * a channel connected to it that sends junk handshake initiations — random contents, with a valid
 * MAC1 for the device's key or without one.
 */
final class FloodedDevice implements AutoCloseable {
    static final int INITIATION = 148, MAC1 = 116;

    final Device device;
    final DatagramChannel channel;
    final Counters counters;
    private final byte[] mac1Key;

    private FloodedDevice(Device device, DatagramChannel channel, byte[] mac1Key) {
        this.device = device;
        this.channel = channel;
        this.counters = device.protocolCounters();
        this.mac1Key = mac1Key;
    }

    static FloodedDevice start(String name, DeviceOptions options) throws Exception {
        SecureRandom random = new SecureRandom();
        PrivateKey key = PrivateKey.generate(random), peerKey = PrivateKey.generate(random);
        Device d = Device.start(options, new DeviceAllocationTest.CountingTun(name, new byte[0]), LinuxUdpBind::new);
        try {
            d.configure(new DeviceConfig(
                    key,
                    0,
                    0,
                    List.of(new PeerConfig(
                            peerKey.publicKey(), null, null, List.of(IpPrefix.parse("192.0.2.1/32")), 0))));
            DatagramChannel ch = DatagramChannel.open();
            ch.connect(new InetSocketAddress("127.0.0.1", d.boundPort()));
            byte[] mac1Key = Blake2s.hash(
                    "mac1----".getBytes(StandardCharsets.US_ASCII),
                    key.publicKey().rawBytes());
            return new FloodedDevice(d, ch, mac1Key);
        } catch (Exception e) {
            d.close();
            throw e;
        }
    }

    /** Sends one initiation of random contents: with a valid MAC1 (and a zero MAC2) or a random MAC1. */
    void sendJunk(byte[] msg, SecureRandom random, boolean validMac1) throws IOException {
        random.nextBytes(msg);
        msg[0] = 1;
        msg[1] = 0;
        msg[2] = 0;
        msg[3] = 0;
        if (validMac1) Blake2s.mac(mac1Key, msg, 0, MAC1, msg, MAC1);
        Arrays.fill(msg, MAC1 + 16, INITIATION, (byte) 0);
        channel.write(ByteBuffer.wrap(msg));
    }

    /** Valid-MAC1 junk the device has dealt with: refused after its DH, answered with a cookie, or dropped for a full queue. */
    long handled() {
        return counters.get(Drop.INVALID_INITIATION)
                + counters.get(Drop.COOKIE_REQUIRED)
                + device.stats().get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL);
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            device.close();
        }
    }
}
