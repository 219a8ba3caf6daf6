package jwg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up's handshake part really handshakes (a break in it would warm nothing), and
 * its later parts wait while handshake traffic is busy, with the time waited added to the deadline.
 */
class WarmupTest {
    @Test
    void handshakesCompleteEveryRound() {
        assertEquals(25, Warmup.handshakes(25, System.nanoTime() + 60_000_000_000L));
    }

    @Test
    void handshakesStopAtTheDeadline() {
        assertTrue(Warmup.handshakes(1_000_000, System.nanoTime() + 200_000_000L) < 1_000_000);
    }

    @Test
    void budgetWaitsWhileBusyAndMovesTheDeadlineOn() {
        long start = System.nanoTime();
        long busyUntil = start + 300_000_000L;
        // the deadline (100 ms) would pass during the busy 300 ms; the wait moves it on
        Warmup.Budget b = new Warmup.Budget(start + 100_000_000L, start + 10_000_000_000L, now -> now - busyUntil < 0);
        assertTrue(b.left(), "time left after waiting: the wait moved the deadline on");
        long after = System.nanoTime();
        assertTrue(after - busyUntil >= 0, "returned only once no longer busy");
        assertTrue(b.waited() >= 250_000_000L, "waited about the busy time: " + b.waited());
    }

    @Test
    void budgetWithoutTrafficNeitherWaitsNorOutlivesItsDeadline() {
        long start = System.nanoTime();
        Warmup.Budget b = new Warmup.Budget(start + 50_000_000L, start + 10_000_000_000L, now -> false);
        assertTrue(b.left());
        assertEquals(0, b.waited());
        while (System.nanoTime() - start < 60_000_000L) Thread.onSpinWait();
        assertFalse(b.left(), "past the deadline");
    }

    @Test
    void budgetStopsWaitingAtItsLatestEnd() {
        long start = System.nanoTime();
        Warmup.Budget b = new Warmup.Budget(start + 50_000_000L, start + 200_000_000L, now -> true);
        assertFalse(b.left(), "busy beyond the latest end: no time left");
        long took = System.nanoTime() - start;
        assertTrue(took >= 190_000_000L && took < 5_000_000_000L, "waited until the latest end: " + took);
    }
}
