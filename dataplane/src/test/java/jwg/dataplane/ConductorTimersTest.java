package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.dataplane.config.DeviceConfig;
import jwg.dataplane.config.PeerConfig;
import jwg.dataplane.config.PeerEndpoint;
import jwg.noise.Action;
import jwg.noise.Constants;
import jwg.noise.Messages;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.noise.ProtocolCore;
import jwg.noise.Result;
import jwg.tun.MemoryTun;
import jwg.tun.ip.IpPrefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The conductor's timer wheel in a running device: its only peer is a protocol core on a plain
 * loopback socket in this test, which first stays silent (a packet from the TUN starts a handshake
 * at once; the device retransmits its initiation 5 s + jitter later) and then answers (the staged
 * packet follows; with a persistent keepalive configured, a keepalive every second).
 */
class ConductorTimersTest {
    private static final long MS = 1_000_000L;
    /** Scheduling slack on a busy 2-core machine; the wheel itself fires at the deadline. */
    private static final long SLACK = 150 * MS;
    /** Arrival times are taken by this thread when it wakes up (the first send of a cold JVM is slow too). */
    private static final long MEASUREMENT = 100 * MS;

    private final SecureRandom random = new SecureRandom();
    private final PrivateKey deviceKey = PrivateKey.generate(random);
    private final PrivateKey peerKey = PrivateKey.generate(random);
    private Device device;

    @AfterEach
    void close() {
        if (device != null) device.close();
    }

    private record Arrival(long at, byte[] data) {
        int type() {
            return data[0];
        }
    }

    private static Arrival receive(DatagramSocket s, long timeoutMillis) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.setSoTimeout((int) timeoutMillis);
        try {
            s.receive(p);
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
        return new Arrival(System.nanoTime(), java.util.Arrays.copyOf(buf, p.getLength()));
    }

    @Test
    void retransmittedInitiationThenPersistentKeepalivesOnTime() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                Arena arena = Arena.ofConfined()) {
            ProtocolCore core = new ProtocolCore(peerKey, random);
            core.addPeer(deviceKey.publicKey(), PresharedKey.none());
            MemoryTun tun = new MemoryTun("memT", 1420);
            device = Device.start(DeviceOptions.defaults(), tun, LinuxUdpBind::new);
            PeerConfig pc = new PeerConfig(
                    peerKey.publicKey(),
                    null,
                    PeerEndpoint.parse("127.0.0.1:" + peer.getLocalPort()),
                    List.of(IpPrefix.parse("192.0.2.0/24")),
                    0);
            device.configure(new DeviceConfig(deviceKey, 0, 0, List.of(pc)));
            assertNull(receive(peer, 300), "no traffic, no persistent keepalive: nothing sent");

            // a packet with no session: staged, the conductor woken, an initiation at once
            long injected = System.nanoTime();
            tun.inject(Packets.ipv4("192.0.2.100", "192.0.2.1", "staged".getBytes()));
            Arrival first = receive(peer, 3000);
            assertNotNull(first, "an initiation for the staged packet");
            assertEquals(Messages.TYPE_INITIATION, first.type());
            // (a cold JVM: the first X25519, BLAKE2s and socket calls run interpreted; well under 5 s still
            // shows it is not waiting for a timer)
            assertTrue(first.at() - injected < 2000 * MS, "promptly: " + (first.at() - injected) / MS + " ms");
            long ticksBefore = device.conductor.peerTicks;
            Arrival second = receive(peer, 7000);
            assertNotNull(second, "the retransmission");
            assertEquals(Messages.TYPE_INITIATION, second.type());
            long gap = second.at() - first.at();
            assertTrue(
                    gap >= Constants.REKEY_TIMEOUT - MEASUREMENT
                            && gap <= Constants.REKEY_TIMEOUT + Constants.REKEY_TIMEOUT_JITTER_MAX + SLACK,
                    "retransmitted after 5 s + up to 334 ms jitter: " + gap / MS + " ms");
            long ticks = device.conductor.peerTicks - ticksBefore;
            // a 20 ms tick loop would have ticked the peer ~250 times in these 5 s; the wheel ticks it
            // at its deadline only
            assertTrue(ticks <= 3, "ticks while waiting: " + ticks);

            // now answer: the device completes the handshake and sends the staged packet; then, with a
            // persistent keepalive configured, a keepalive every second
            Result out = new Result(arena.allocate(2048), 0, 2048);
            MemorySegment in = arena.allocate(2048);
            InetSocketAddress deviceAddr = new InetSocketAddress(InetAddress.getLoopbackAddress(), device.boundPort());
            MemorySegment.copy(MemorySegment.ofArray(second.data()), 0, in, 0, second.data().length);
            assertEquals(
                    Action.WRITE_TO_NETWORK,
                    core.decapsulate(System.nanoTime(), in, 0, second.data().length, deviceAddr, out)
                            .action());
            byte[] response = out.toArray();
            peer.send(new DatagramPacket(response, response.length, deviceAddr));
            Arrival data = receive(peer, 3000);
            assertNotNull(data, "the staged packet");
            assertEquals(Messages.TYPE_TRANSPORT, data.type());
            assertTrue(data.data().length > Messages.TRANSPORT_MIN_LENGTH, "data, not a keepalive");
            MemorySegment.copy(MemorySegment.ofArray(data.data()), 0, in, 0, data.data().length);
            assertEquals(
                    Action.WRITE_TO_TUNNEL_V4,
                    core.decapsulate(System.nanoTime(), in, 0, data.data().length, deviceAddr, out)
                            .action());
            device.configure(new DeviceConfig(
                    deviceKey, 0, 0, List.of(new PeerConfig(pc.publicKey(), null, pc.endpoint(), pc.allowedIps(), 1))));
            List<Long> keepalives = new ArrayList<>();
            long until = System.nanoTime() + 5_000 * MS;
            while (keepalives.size() < 4 && System.nanoTime() < until) {
                Arrival a = receive(peer, 3000);
                if (a == null) break;
                if (a.type() == Messages.TYPE_TRANSPORT && a.data().length == Messages.TRANSPORT_MIN_LENGTH) {
                    MemorySegment.copy(MemorySegment.ofArray(a.data()), 0, in, 0, a.data().length);
                    assertEquals(
                            Action.DONE,
                            core.decapsulate(System.nanoTime(), in, 0, a.data().length, deviceAddr, out)
                                    .action(),
                            "a valid keepalive");
                    keepalives.add(a.at());
                }
            }
            System.out.printf(
                    "wheel: retransmission after %d ms, %d peer ticks meanwhile; keepalives at %s ms%n",
                    gap / MS,
                    ticks,
                    keepalives.stream().map(t -> (t - keepalives.get(0)) / MS).toList());
            assertEquals(4, keepalives.size(), "persistent keepalives: " + keepalives);
            for (int i = 1; i < keepalives.size(); i++) {
                long g = keepalives.get(i) - keepalives.get(i - 1);
                assertTrue(
                        g >= 1000 * MS - MEASUREMENT && g <= 1000 * MS + SLACK,
                        "persistent keepalive 1 s after the last packet: " + g / MS + " ms");
            }
        }
    }

    @Test
    void peersAddedAndRemovedAreScheduledAndUnscheduled() throws Exception {
        try (DatagramSocket sink = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            device = Device.start(DeviceOptions.defaults(), new MemoryTun("memS", 1420), LinuxUdpBind::new);
            List<PrivateKey> keys =
                    List.of(PrivateKey.generate(random), PrivateKey.generate(random), PrivateKey.generate(random));
            List<PeerConfig> three = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                three.add(new PeerConfig(
                        keys.get(i).publicKey(),
                        null,
                        PeerEndpoint.parse("127.0.0.1:" + sink.getLocalPort()),
                        List.of(IpPrefix.parse("192.0.2." + (i + 1) + "/32")),
                        25));
            }
            IntSupplier scheduled = device.conductor::scheduledPeers;
            device.configure(new DeviceConfig(deviceKey, 0, 0, three));
            awaitEquals(3, scheduled, "three peers with persistent keepalive are on the wheel");
            device.configure(new DeviceConfig(deviceKey, 0, 0, List.of(three.get(1))));
            awaitEquals(1, scheduled, "removed peers are unscheduled");
            device.configure(new DeviceConfig(PrivateKey.generate(random), 0, 0, List.of(three.get(1))));
            awaitEquals(1, scheduled, "a new interface key: the peer's new tunnel is scheduled");
            device.configure(new DeviceConfig(null, 0, 0, List.of(three.get(1))));
            awaitEquals(0, scheduled, "no interface key, no tunnels, no timers");
            device.configure(new DeviceConfig(deviceKey, 0, 0, three));
            awaitEquals(3, scheduled, "back");
        }
    }

    private static void awaitEquals(int expected, IntSupplier actual, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (actual.getAsInt() != expected && System.nanoTime() < until) Thread.sleep(5);
        assertEquals(expected, actual.getAsInt(), what);
    }
}
