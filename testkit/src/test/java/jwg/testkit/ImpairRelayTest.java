package jwg.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import jwg.testkit.ImpairRelay.Counts;
import jwg.testkit.ImpairRelay.Impairment;
import org.junit.jupiter.api.Test;

/** The impairment relay on loopback: what arrives is what its counters say, and a seed reproduces it. */
class ImpairRelayTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final int N = 5000;

    /** What one end saw: the sequence numbers in arrival order. */
    record Seen(List<Integer> order, Counts counts) {
        BitSet distinct() {
            BitSet b = new BitSet();
            order.forEach(b::set);
            return b;
        }

        /** Arrivals with a lower sequence number than one seen before them. */
        long lateArrivals() {
            long late = 0;
            int max = -1;
            for (int s : order) {
                if (s < max) late++;
                max = Math.max(max, s);
            }
            return late;
        }
    }

    static Seen send(Impairment imp, int count) throws IOException, InterruptedException {
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(LO, 0));
                DatagramSocket b = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            b.setReceiveBufferSize(4 << 20);
            b.setSoTimeout(300);
            try (ImpairRelay relay = ImpairRelay.start(
                    new InetSocketAddress(LO, 0),
                    (InetSocketAddress) a.getLocalSocketAddress(),
                    new InetSocketAddress(LO, 0),
                    (InetSocketAddress) b.getLocalSocketAddress(),
                    imp)) {
                // B reads while A sends (its socket need not hold them all: rmem_max may be small)
                List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
                java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                        new java.util.concurrent.atomic.AtomicReference<>();
                Thread reader = Thread.ofPlatform().start(() -> {
                    byte[] in = new byte[64];
                    DatagramPacket rp = new DatagramPacket(in, in.length);
                    try {
                        while (true) {
                            try {
                                b.receive(rp);
                            } catch (SocketTimeoutException e) {
                                if (sent.get()) return;
                                continue;
                            }
                            if (!rp.getSocketAddress().equals(relay.listenB()))
                                throw new AssertionError("B hears " + rp.getSocketAddress());
                            order.add(ByteBuffer.wrap(in).getInt(0));
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                byte[] out = new byte[64];
                for (int i = 0; i < count; i++) {
                    ByteBuffer.wrap(out).putInt(0, i);
                    a.send(new DatagramPacket(out, out.length, relay.listenA()));
                    if (i % 10 == 9) Thread.sleep(1); // paced: the relay's socket buffer never overflows
                }
                Thread.sleep(20); // the last held datagrams go out after 5 ms
                sent.set(true);
                reader.join(10_000);
                if (failure.get() != null) throw new AssertionError("B's reader failed", failure.get());
                byte[] in = new byte[64];
                DatagramPacket rp = new DatagramPacket(in, in.length);
                // and back: B answers the relay, A hears it from the relay's A-facing socket
                b.send(new DatagramPacket(out, out.length, relay.listenB()));
                a.setSoTimeout(2000);
                if (imp.loss() == 0) {
                    a.receive(rp);
                    assertEquals(relay.listenA(), rp.getSocketAddress());
                    assertEquals(1, relay.bToA().received());
                }
                return new Seen(order, relay.aToB());
            }
        }
    }

    @Test
    void unimpairedForwardsEverythingInOrder() throws Exception {
        Seen s = send(Impairment.none(), N);
        assertEquals(N, s.order().size());
        for (int i = 0; i < N; i++) assertEquals(i, s.order().get(i), "position " + i);
        assertEquals(new Counts(N, N, 0, 0, 0, 0), s.counts());
    }

    @Test
    void impairedArrivalsMatchTheCounters() throws Exception {
        Seen s = send(new Impairment(0.05, 0.02, 0.05, 42), N);
        Counts c = s.counts();
        assertEquals(N, c.received());
        assertEquals(0, c.overflow());
        assertEquals(c.received() - c.dropped() + c.duplicated(), c.forwarded(), c.toString());
        assertEquals(c.forwarded(), s.order().size(), "every forwarded datagram arrived: " + c);
        assertEquals(N - c.dropped(), s.distinct().cardinality(), "distinct arrivals: all but the dropped");
        assertEquals(c.duplicated(), s.order().size() - s.distinct().cardinality(), "duplicates seen");
        // binomial: 5 % of 5000 is 250 ± 15 (one standard deviation)
        assertTrue(c.dropped() > 175 && c.dropped() < 325, "loss near 5 %: " + c);
        assertTrue(c.reordered() > 175 && c.reordered() < 325, "reordering near 5 % of the rest: " + c);
        assertTrue(c.duplicated() > 50 && c.duplicated() < 150, "duplication near 2 %: " + c);
        // a held datagram arrives after 1-3 later ones (or alone after 5 ms, at the end of a burst)
        assertTrue(s.lateArrivals() >= c.reordered() / 2, "held datagrams arrive late: " + s.lateArrivals() + " " + c);
    }

    @Test
    void aSeedReproducesTheLosses() throws Exception {
        Impairment imp = new Impairment(0.1, 0, 0, 7);
        BitSet first = send(imp, 2000).distinct();
        BitSet again = send(imp, 2000).distinct();
        assertEquals(first, again, "the same datagrams are lost with the same seed");
        assertNotEquals(first, send(new Impairment(0.1, 0, 0, 8), 2000).distinct(), "another seed loses others");
    }

    @Test
    void probabilitiesOutsideZeroToOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Impairment(1.5, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Impairment(0, -0.1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Impairment(0, 0, Double.NaN, 1));
    }
}
