package jwg.ice.guard;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class GuardTest {
    static final long MS = 1_000_000L;
    final long t0 = 123_456_789_000L; // an arbitrary nanoTime origin

    /** Runs the guard under a fake clock, attempting exactly when due; returns the gaps in ms. */
    static List<Double> gaps(Guard g, long from, int n) {
        List<Double> out = new ArrayList<>();
        long now = from;
        for (int i = 0; i < n; i++) {
            long d = g.nextDeadline();
            assertFalse(g.due(d - 1), "not due a nanosecond early");
            assertTrue(g.due(d));
            out.add((d - now) / (double) MS);
            now = d;
            g.attemptMade(now);
        }
        return out;
    }

    @Test
    void idleUntilStartedThenFirstCheckAfterThreeSeconds() {
        Guard g = new Guard(new SplittableRandom(1));
        assertEquals(Guard.NEVER, g.nextDeadline());
        assertFalse(g.due(Long.MAX_VALUE - 1));
        g.start(t0);
        assertEquals(t0 + 3_000 * MS, g.nextDeadline());
        assertFalse(g.due(t0 + 2_999 * MS));
        assertTrue(g.due(t0 + 3_000 * MS));
    }

    @Test
    void backoffDoublesWithTenPercentJitterUpToThePerPeerCap() {
        for (long seed = 0; seed < 50; seed++) {
            Guard g = new Guard(new SplittableRandom(seed));
            long cap = g.capNanos() / MS;
            assertTrue(cap >= 30_000 && cap <= 45_000, "cap " + cap);
            g.start(t0);
            List<Double> gaps = gaps(g, t0, 14);
            assertEquals(3_000.0, gaps.get(0));
            double nominal = 800;
            for (int i = 1; i < gaps.size(); i++, nominal *= 2) {
                double gap = gaps.get(i);
                double expected = Math.min(nominal, cap);
                assertTrue(
                        gap >= expected * 0.9 - 0.001 && gap <= Math.min(expected * 1.1, cap) + 0.001,
                        "seed " + seed + " gap " + i + " = " + gap + " ms, nominal " + expected);
            }
            assertTrue(gaps.getLast() >= cap * 0.9, "reaches the cap");
            assertTrue(gaps.stream().allMatch(x -> x <= cap), "never above the cap");
        }
    }

    @Test
    void jitterActuallyVaries() {
        Guard g = new Guard(new SplittableRandom(7));
        g.start(t0);
        List<Double> firstRetries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            g.reset(ResetReason.NETWORK_CHANGED, t0);
            firstRetries.add((g.nextDeadline() - t0) / (double) MS);
        }
        assertTrue(firstRetries.stream().distinct().count() > 10, "jittered: " + firstRetries);
    }

    @Test
    void capsDifferBetweenPeers() {
        RandomGenerator r = new SplittableRandom(3);
        long distinct = java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> new Guard(r).capNanos())
                .distinct()
                .count();
        assertTrue(distinct > 10);
    }

    @Test
    void resetRestartsFrom800ms() {
        Guard g = new Guard(new SplittableRandom(11));
        g.start(t0);
        List<Double> before = gaps(g, t0, 8);
        assertTrue(before.getLast() >= g.capNanos() / MS * 0.9, "grown to the cap: " + before);
        long now = g.nextDeadline() - 5 * MS;
        for (ResetReason r : ResetReason.values()) {
            g.reset(r, now);
            assertEquals(r, g.lastReset());
            List<Double> after = gaps(g, now, 3);
            assertEquals(800, after.get(0), 80.001, "after " + r + ": " + after);
            assertEquals(1_600, after.get(1), 160.001);
            assertEquals(3_200, after.get(2), 320.001);
            now = g.nextDeadline();
        }
    }

    @Test
    void connectedStopsRetryingUntilAReset() {
        Guard g = new Guard(new SplittableRandom(5));
        g.start(t0);
        gaps(g, t0, 5);
        g.connected();
        assertEquals(Guard.NEVER, g.nextDeadline());
        assertFalse(g.due(t0 + 3_600_000 * MS));
        g.attemptMade(t0 + 10 * MS);
        assertEquals(Guard.NEVER, g.nextDeadline(), "an attempt while connected schedules nothing");
        long later = t0 + 60_000 * MS;
        g.reset(ResetReason.ICE_DISCONNECTED, later);
        assertEquals(800, (g.nextDeadline() - later) / (double) MS, 80.001);
    }

    @Test
    void worksAcrossNanoTimeWraparound() {
        Guard g = new Guard(new SplittableRandom(9));
        long near = Long.MAX_VALUE - 1_000 * MS;
        g.start(near);
        assertFalse(g.due(near + 2_000 * MS));
        assertTrue(g.due(near + 3_000 * MS));
    }
}
