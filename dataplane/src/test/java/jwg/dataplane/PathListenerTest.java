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

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("condition not met in 5 s");
            Thread.sleep(10);
        }
    }
}
