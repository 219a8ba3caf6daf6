package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import jwg.tun.MemoryTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hook a connectivity layer (ICE, lazy connections) uses: a packet for a peer with no
 * endpoint is staged and the listener told once; when the layer sets the endpoint the handshake
 * starts and the waking packet arrives; clearing the endpoint makes the next packet ask again.
 */
class PathListenerTest {
    private final SecureRandom random = new SecureRandom();
    private final MemoryTun tunA = new MemoryTun("memA", 1420);
    private final MemoryTun tunB = new MemoryTun("memB", 1420);
    private TwoDevices devices;

    @AfterEach
    void close() {
        if (devices != null) devices.close();
    }

    @Test
    void waitingPacketIsDeliveredOnceThePathIsSet() throws Exception {
        devices = TwoDevices.between(tunA, tunB)
                .endpoints(TwoDevices.Endpoints.NONE)
                .start();
        Device a = devices.a(), b = devices.b();
        PublicKey bKey = devices.keyB().publicKey();

        // Without a listener a packet for a peer with no endpoint is dropped and counted.
        tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", "lost".getBytes()));
        waitFor(() -> a.stats().get(DeviceStats.Drop.NO_ENDPOINT) == 1);

        LinkedBlockingQueue<PublicKey> wanted = new LinkedBlockingQueue<>();
        a.setPathListener(wanted::add);
        byte[] first = Packets.ipv4("192.0.2.1", "192.0.2.2", "wake".getBytes());
        tunA.inject(first);
        tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", "second".getBytes()));
        assertEquals(bKey, wanted.poll(5, TimeUnit.SECONDS));
        assertNull(tunB.take(300), "nothing leaves before there is a path");
        assertNull(wanted.poll(100, TimeUnit.MILLISECONDS), "the listener is told once, not per packet");
        assertEquals(1, a.stats().get(DeviceStats.Drop.NO_ENDPOINT), "the waiting packets were not dropped");

        long startedAt = System.nanoTime();
        assertTrue(a.setEndpoint(bKey, new InetSocketAddress(InetAddress.getLoopbackAddress(), b.boundPort())));
        assertArrayEquals(first, tunB.take(5000), "the waking packet is delivered after the handshake");
        assertEquals("second", new String(tunB.take(5000), 28, 6));
        assertTrue(
                System.nanoTime() - startedAt < 2_000_000_000L, "the handshake starts at once, not on a retry timer");
        assertEquals(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), b.boundPort()),
                a.stats(bKey).endpoint());
        assertEquals(2, b.activity(devices.keyA().publicKey()).rxDataPackets(), "data packets delivered are counted");

        // Cleared (the peer went idle): the next packet asks again, and is kept.
        a.setEndpoint(bKey, null);
        tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", "again".getBytes()));
        assertEquals(bKey, wanted.poll(5, TimeUnit.SECONDS));
        a.setEndpoint(bKey, new InetSocketAddress(InetAddress.getLoopbackAddress(), b.boundPort()));
        assertEquals("again", new String(tunB.take(5000), 28, 5), "the session still stands: the packet is flushed");
        assertFalse(a.setEndpoint(PrivateKey.generate(random).publicKey(), null), "unknown peer");
    }

    /**
     * The lazy relayed wake-up's race (IceLabIT's 6.3-7.8 s outliers): A, with the waking packet
     * staged, gets its path first and sends its initiation through the relay before B's side of
     * the relay is set up, so the relay drops it (a TURN Data indication, or ChannelData on a
     * channel B has no route for yet). B then sets its path and asks for a handshake itself: the
     * session is made at once and A's staged packet follows B's keepalive, instead of waiting for
     * A's REKEY_TIMEOUT retry 5 s later.
     */
    @Test
    void initiationLostBeforeThePeersPathIsUpIsNotWaitedFor() throws Exception {
        devices = TwoDevices.between(tunA, tunB)
                .endpoints(TwoDevices.Endpoints.NONE)
                .start();
        Device a = devices.a(), b = devices.b();
        PublicKey aKey = devices.keyA().publicKey(), bKey = devices.keyB().publicKey();
        try (Relay relay = new Relay(a.boundPort(), b.boundPort())) {
            LinkedBlockingQueue<PublicKey> wanted = new LinkedBlockingQueue<>();
            a.setPathListener(wanted::add);
            assertFalse(b.handshakeUnlessSession(aKey), "no endpoint yet: nothing to send to");
            byte[] wake = Packets.ipv4("192.0.2.1", "192.0.2.2", "wake".getBytes());
            tunA.inject(wake);
            assertEquals(bKey, wanted.poll(5, TimeUnit.SECONDS), "staged");
            assertTrue(a.setEndpoint(bKey, relay.address()));
            waitFor(() -> relay.dropped.get() >= 1); // A's initiation: B's side of the relay is not up yet
            relay.open = true;
            long startedAt = System.nanoTime();
            assertTrue(b.setEndpoint(aKey, relay.address()));
            assertTrue(b.handshakeUnlessSession(aKey), "no session: B initiates");
            assertArrayEquals(wake, tunB.take(4000), "the waking packet arrives without A's 5 s retry");
            assertTrue(System.nanoTime() - startedAt < 2_000_000_000L);
            assertFalse(b.handshakeUnlessSession(aKey), "a session stands: no new handshake");
        }
    }

    /** A loopback stand-in for a TURN relay between A's and B's ports that drops everything until opened. */
    private static final class Relay implements AutoCloseable {
        final java.net.DatagramSocket socket;
        final java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean open;
        private final Thread pump;

        Relay(int portA, int portB) throws java.io.IOException {
            socket = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
            pump = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    java.net.DatagramPacket d = new java.net.DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(d);
                        if (!open) {
                            dropped.incrementAndGet();
                            continue;
                        }
                        d.setPort(d.getPort() == portA ? portB : portA);
                        socket.send(d);
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            pump.join(2000);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("condition not met in 5 s");
            Thread.sleep(10);
        }
    }
}
