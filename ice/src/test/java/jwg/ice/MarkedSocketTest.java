package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link MarkedSocket} as ice4j uses a {@link java.net.DatagramSocket}, on loopback with no mark (no privileges needed). */
class MarkedSocketTest {
    private static final InetSocketAddress LO = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void carriesDatagramsBothWaysWithTheirAddresses() throws Exception {
        try (MarkedSocket a = MarkedSocket.openNative(LO, 0);
                MarkedSocket b = MarkedSocket.openNative(LO, 0)) {
            assertNotEquals(0, a.getLocalPort());
            assertEquals(InetAddress.getLoopbackAddress(), a.getLocalAddress());
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            a.send(new DatagramPacket(hello, 1, 4, b.getLocalSocketAddress()));
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            b.setSoTimeout(2000);
            b.receive(p);
            assertEquals("ello", new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
            assertEquals(a.getLocalSocketAddress(), p.getSocketAddress());
            b.send(new DatagramPacket(new byte[] {7}, 1, p.getSocketAddress()));
            DatagramPacket q = new DatagramPacket(new byte[10], 2, 8);
            a.setSoTimeout(2000);
            a.receive(q);
            assertEquals(1, q.getLength());
            assertEquals(7, q.getData()[2]);
        }
    }

    @Test
    void aDatagramLargerThanThePacketIsCutToIt() throws Exception {
        try (MarkedSocket a = MarkedSocket.openNative(LO, 0);
                MarkedSocket b = MarkedSocket.openNative(LO, 0)) {
            a.send(new DatagramPacket(new byte[1000], 1000, b.getLocalSocketAddress()));
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            b.setSoTimeout(2000);
            b.receive(p);
            assertEquals(64, p.getLength());
        }
    }

    @Test
    void receiveTimesOutAsSoTimeoutSays() throws Exception {
        try (MarkedSocket a = MarkedSocket.openNative(LO, 0)) {
            a.setSoTimeout(250);
            long t0 = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> a.receive(new DatagramPacket(new byte[10], 10)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 240, "timed out after " + ms + " ms");
        }
    }

    @Test
    void closeEndsABlockedReceiveAndLaterCallsFail() throws Exception {
        MarkedSocket a = MarkedSocket.openNative(LO, 0);
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                a.receive(new DatagramPacket(new byte[10], 10));
                ended.complete(null);
            } catch (Throwable t) {
                ended.complete(t);
            }
        });
        Thread.sleep(200);
        a.close();
        assertInstanceOf(SocketException.class, ended.get(2, TimeUnit.SECONDS));
        assertTrue(a.isClosed());
        assertThrows(
                SocketException.class,
                () -> a.send(new DatagramPacket(new byte[1], 1, new InetSocketAddress(LO.getAddress(), 9))));
        a.close(); // twice is harmless
    }

    /**
     * Receivers waiting on virtual threads do not hold their carriers: with more of them waiting
     * than there are carriers, another virtual thread still gets its round trip through (the
     * doctor runs its lookups on virtual threads; a native poll would pin each carrier).
     */
    @Test
    void waitingVirtualThreadsLeaveTheirCarriersFree() throws Exception {
        int waiting = Runtime.getRuntime().availableProcessors() * 2 + 2;
        java.util.List<MarkedSocket> idle = new java.util.ArrayList<>();
        try (java.util.concurrent.ExecutorService ex =
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < waiting; i++) {
                MarkedSocket s = MarkedSocket.openNative(LO, 0);
                idle.add(s);
                s.setSoTimeout(3000);
                ex.submit(() -> {
                    try {
                        s.receive(new DatagramPacket(new byte[10], 10));
                    } catch (java.io.IOException expected) {
                        // timed out or closed
                    }
                    return null;
                });
            }
            Thread.sleep(100);
            long t0 = System.nanoTime();
            var roundTrip = ex.submit(() -> {
                try (MarkedSocket a = MarkedSocket.openNative(LO, 0);
                        MarkedSocket b = MarkedSocket.openNative(LO, 0)) {
                    a.send(new DatagramPacket(new byte[] {5}, 1, b.getLocalSocketAddress()));
                    DatagramPacket p = new DatagramPacket(new byte[10], 10);
                    b.setSoTimeout(2000);
                    b.receive(p);
                    return p.getData()[0];
                }
            });
            assertEquals((byte) 5, roundTrip.get(2, TimeUnit.SECONDS));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "round trip beside " + waiting + " waiting receivers took " + ms + " ms");
            idle.forEach(MarkedSocket::close);
        }
    }

    @Test
    void withoutAMarkOpenGivesTheJdksOwnSocket() throws Exception {
        try (java.net.DatagramSocket s = MarkedSocket.open(LO, 0)) {
            assertFalse(s instanceof MarkedSocket, "no native socket without a mark");
            assertNotEquals(0, s.getLocalPort());
        }
    }

    @Test
    void aBindFailureNamesTheAddress() throws Exception {
        try (MarkedSocket a = MarkedSocket.openNative(LO, 0)) {
            SocketException e = assertThrows(
                    SocketException.class,
                    () -> MarkedSocket.openNative((InetSocketAddress) a.getLocalSocketAddress(), 0));
            assertTrue(e.getMessage().contains(String.valueOf(a.getLocalPort())), e.getMessage());
        }
    }
}
