package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import jwg.noise.PresharedKey;
import jwg.noise.PublicKey;
import jwg.tun.MemoryTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two real devices joined over loopback UDP, each on an in-memory TUN. */
class DeviceTest {
    private final SecureRandom random = new SecureRandom();
    private final MemoryTun tunA = new MemoryTun("memA", 1420);
    private final MemoryTun tunB = new MemoryTun("memB", 1420);
    private TwoDevices devices;
    private Device a;
    private Device b;
    private PublicKey keyA;
    private PublicKey keyB;

    @AfterEach
    void close() {
        if (devices != null) devices.close();
    }

    /** The options both devices run with; {@link DeviceWithWorkersTest} adds crypto workers. */
    DeviceOptions options() {
        return DeviceOptions.defaults();
    }

    private void start(PresharedKey psk, boolean endpointOnBothSides) throws Exception {
        devices = TwoDevices.between(tunA, tunB)
                .options(options())
                .presharedKey(psk)
                .endpoints(endpointOnBothSides ? TwoDevices.Endpoints.BOTH : TwoDevices.Endpoints.A_KNOWS_B)
                .start();
        a = devices.a();
        b = devices.b();
        keyA = devices.keyA().publicKey();
        keyB = devices.keyB().publicKey();
    }

    @Test
    void firstPacketTriggersHandshakeAndArrives() throws Exception {
        start(null, false);
        byte[] ping = Packets.ipv4("192.0.2.1", "192.0.2.2", "hello".getBytes());
        tunA.inject(ping);
        assertArrayEquals(ping, tunB.take(5000), "the staged first packet is delivered after the handshake");
        // B learned A's endpoint from the handshake (roaming) and can answer
        byte[] pong = Packets.ipv4("192.0.2.2", "192.0.2.1", "world".getBytes());
        tunB.inject(pong);
        assertArrayEquals(pong, tunA.take(5000));
        var stats = a.stats(keyB);
        assertNotEquals(0, stats.lastHandshakeEpochNanos());
        assertTrue(stats.txBytes() > 0 && stats.rxBytes() > 0);
    }

    @Test
    void manyPacketsBothWaysInOrder() throws Exception {
        start(PresharedKey.generate(random), true);
        tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", "first".getBytes()));
        assertNotNull(tunB.take(5000), "session up");
        for (int i = 0; i < 500; i++) {
            tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", ("a" + i).getBytes()));
        }
        for (int i = 0; i < 500; i++) {
            byte[] p = tunB.take(5000);
            if (p == null)
                fail("packet " + i + " lost; A tx " + a.stats(keyB) + " B rx " + b.stats(keyA) + "; A " + a.stats()
                        + " " + a.protocolCounters() + "; B " + b.stats() + " " + b.protocolCounters());
            assertEquals("a" + i, new String(p, 28, p.length - 28), "packets of one peer arrive in order");
        }
    }

    @Test
    void packetsSentBeforeTheSessionAreStagedUpToTheLimit() throws Exception {
        start(null, true);
        for (int i = 0; i < 200; i++) tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", ("s" + i).getBytes()));
        // wireguard-go keeps the newest 128 while the handshake runs; older ones are dropped and counted.
        // Packets staged while the conductor is already flushing push out the oldest still queued,
        // so a gap may appear anywhere — but what arrives is in order.
        int last = -1, count = 0;
        for (byte[] p; (p = tunB.take(count == 0 ? 5000 : 500)) != null; count++) {
            int i = Integer.parseInt(new String(p, 29, p.length - 29));
            assertTrue(i > last, "staged packets leave in order: " + i + " after " + last);
            last = i;
        }
        assertEquals(199, last, "the newest packet is never the one dropped");
        assertTrue(count >= Peer.MAX_STAGED, "at least the staged packets arrive: " + count);
        assertEquals(200 - count, a.stats().get(DeviceStats.Drop.STAGED_OVERFLOW));
    }

    @Test
    void packetOutsideAllowedIpsIsDroppedAndCounted() throws Exception {
        start(null, true);
        tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", "x".getBytes()));
        assertNotNull(tunB.take(5000));
        // no peer routes 203.0.113.9
        tunA.inject(Packets.ipv4("192.0.2.1", "203.0.113.9", "x".getBytes()));
        // B allows only 192.0.2.1 from A: a spoofed source is dropped after decryption
        tunA.inject(Packets.ipv4("192.0.2.77", "192.0.2.2", "spoof".getBytes()));
        tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", "after".getBytes()));
        byte[] next = tunB.take(5000);
        assertEquals("after", new String(next, 28, next.length - 28));
        assertEquals(1, a.stats().get(DeviceStats.Drop.NO_ROUTE));
        assertEquals(1, b.stats().get(DeviceStats.Drop.SOURCE_NOT_ALLOWED));
    }

    @Test
    void hostileDatagramsAreCountedNeverAnsweredAndHarmless() throws Exception {
        start(null, true);
        tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", "before".getBytes()));
        assertNotNull(tunB.take(5000));
        java.util.Random rnd = new java.util.Random(42);
        try (java.net.DatagramSocket attacker =
                new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            attacker.setSoTimeout(300);
            var target = new java.net.InetSocketAddress("127.0.0.1", b.boundPort());
            int[] sizes = {0, 1, 3, 4, 31, 32, 33, 64, 92, 148, 149, 500, 1500};
            for (int i = 0; i < 2000; i++) {
                byte[] d = new byte[sizes[i % sizes.length]];
                rnd.nextBytes(d);
                if (d.length >= 4 && i % 2 == 0) d[0] = (byte) (1 + i % 4); // valid-looking types too
                if (d.length >= 4 && i % 2 == 0) d[1] = d[2] = d[3] = 0;
                attacker.send(new java.net.DatagramPacket(d, d.length, target));
            }
            byte[] reply = new byte[2048];
            assertThrows(
                    java.net.SocketTimeoutException.class,
                    () -> attacker.receive(new java.net.DatagramPacket(reply, reply.length)),
                    "nothing is ever sent back to unauthenticated input");
        }
        long counted = b.stats().get(DeviceStats.Drop.NOT_WIREGUARD)
                + b.stats().get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL)
                + b.protocolCounters().totalDrops();
        assertTrue(
                counted > 1000,
                "hostile datagrams are counted: " + counted + " " + b.stats() + " " + b.protocolCounters());
        tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", "after".getBytes()));
        byte[] p = tunB.take(5000);
        assertNotNull(p, "the tunnel still works");
        assertEquals("after", new String(p, 28, p.length - 28));
    }

    @Test
    void closingTheTunClosesTheDevice() throws Exception {
        start(null, false);
        tunA.close();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                a.awaitClosed();
            } catch (InterruptedException ignored) {
            }
        });
        t.join(5000);
        assertFalse(t.isAlive(), "the device shuts down when its TUN goes away");
    }
}
