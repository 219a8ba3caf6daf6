package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.dataplane.config.DeviceConfig;
import jwg.dataplane.config.PeerConfig;
import jwg.noise.Counters;
import jwg.noise.Drop;
import jwg.noise.PrivateKey;
import jwg.noise.crypto.Blake2s;
import jwg.tun.ip.IpPrefix;
import org.junit.jupiter.api.Test;

/**
 * A burst of initiations waits in the handshake workers' queue below the under-load mark: the
 * worker takes them in batches ({@link jwg.noise.InitiationFilter#admitsAll}) and every one is
 * still judged and counted as alone — each junk one refused after its Diffie-Hellman, none
 * answered with a cookie, nothing accepted.
 */
class HandshakeWorkerBatchTest {
    @Test
    void aBurstBelowTheMarkIsAdmittedInBatchesEachCountedOnce() throws Exception {
        SecureRandom random = new SecureRandom();
        PrivateKey key = PrivateKey.generate(random), peerKey = PrivateKey.generate(random);
        int burst = 100, bursts = 20;
        // 1,024 slots: the mark is 128 waiting, so a burst of 100 never puts the device under load
        try (Device d = Device.start(
                        new DeviceOptions(0, 1024, 100, 1),
                        new DeviceAllocationTest.CountingTun("hsbatch", new byte[0]),
                        LinuxUdpBind::new);
                DatagramChannel ch = DatagramChannel.open()) {
            d.configure(new DeviceConfig(
                    key,
                    0,
                    0,
                    List.of(new PeerConfig(
                            peerKey.publicKey(), null, null, List.of(IpPrefix.parse("192.0.2.1/32")), 0))));
            ch.connect(new InetSocketAddress("127.0.0.1", d.boundPort()));
            byte[] mac1Key = Blake2s.hash(
                    "mac1----".getBytes(StandardCharsets.US_ASCII),
                    key.publicKey().rawBytes());
            Counters c = d.protocolCounters();
            byte[] msg = new byte[HandshakeFloodAllocationTest.INITIATION];
            long sent = 0;
            for (int b = 0; b < bursts; b++) {
                for (int i = 0; i < burst; i++) {
                    random.nextBytes(msg);
                    msg[0] = 1;
                    msg[1] = 0;
                    msg[2] = 0;
                    msg[3] = 0;
                    Blake2s.mac(
                            mac1Key, msg, 0, HandshakeFloodAllocationTest.MAC1, msg, HandshakeFloodAllocationTest.MAC1);
                    java.util.Arrays.fill(msg, HandshakeFloodAllocationTest.MAC1 + 16, msg.length, (byte) 0);
                    ch.write(ByteBuffer.wrap(msg));
                    sent++;
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (handled(c, d) < sent && System.nanoTime() < deadline) Thread.sleep(1);
            }
            long dropped = d.stats().get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL);
            assertEquals(0, dropped, "the queue never filled: " + c);
            assertEquals(0, c.get(Drop.COOKIE_REQUIRED), "never under load: " + c);
            // loopback may lose a datagram under load; each one that arrived is refused exactly once
            long refused = c.get(Drop.INVALID_INITIATION);
            assertTrue(refused > sent * 0.95 && refused <= sent, refused + " of " + sent + " refused: " + c);
            assertEquals(0, c.get(Counters.Event.INITIATION_RECEIVED), "no junk initiation was accepted");
        }
    }

    private static long handled(Counters c, Device d) {
        return c.get(Drop.INVALID_INITIATION)
                + c.get(Drop.COOKIE_REQUIRED)
                + d.stats().get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL);
    }
}
