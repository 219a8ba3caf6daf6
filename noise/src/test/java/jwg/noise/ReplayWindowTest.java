package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Replay window edge cases (mirrors wireguard-go's replay_test.go), plus a slow reference. */
class ReplayWindowTest {
    private static final long LIMIT = Constants.REJECT_AFTER_MESSAGES;
    private static final long W = ReplayWindow.WINDOW_SIZE;

    @Test
    void windowIsAtLeast2048Bits() {
        assertEquals(8128, W);
    }

    @Test
    void inOrderAndDuplicates() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(0, LIMIT), "counter 0 once");
        assertFalse(w.accept(0, LIMIT), "duplicate 0");
        for (long c = 1; c < 3 * W; c++) assertTrue(w.accept(c, LIMIT), "in order " + c);
        assertFalse(w.accept(3 * W - 1, LIMIT), "duplicate of the newest");
        assertFalse(w.accept(3 * W - 2, LIMIT), "duplicate inside the window");
    }

    @Test
    void outOfOrderWithinWindowAndTooOld() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(W + 10, LIMIT));
        assertTrue(w.accept(10, LIMIT), "exactly WINDOW_SIZE behind: still inside");
        assertFalse(w.accept(10, LIMIT));
        assertFalse(w.accept(9, LIMIT), "WINDOW_SIZE + 1 behind: too old");
        assertTrue(w.accept(W + 5, LIMIT), "out of order, inside");
        assertTrue(w.accept(W + 11, LIMIT));
        assertFalse(w.accept(W + 5, LIMIT));
    }

    @Test
    void jumpLargerThanWindowForgetsEverythingBehind() {
        ReplayWindow w = new ReplayWindow();
        for (long c = 0; c < 100; c++) assertTrue(w.accept(c, LIMIT));
        long far = 100 + 10 * W;
        assertTrue(w.accept(far, LIMIT));
        assertFalse(w.accept(99, LIMIT), "far behind now");
        assertTrue(w.accept(far - W, LIMIT), "the new window is empty: not wrongly remembered from the old ring");
        assertTrue(w.accept(far - 1, LIMIT));
        assertFalse(w.accept(far, LIMIT));
    }

    @Test
    void limitIsExclusive() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(LIMIT - 1, LIMIT));
        assertFalse(w.accept(LIMIT, LIMIT));
        assertFalse(w.accept(-1L, LIMIT));
        assertFalse(w.mayAccept(LIMIT - 1, LIMIT), "pre-check agrees");
    }

    @Test
    void matchesSlowReferenceOnRandomSequences() {
        Random r = new Random(42);
        for (int run = 0; run < 20; run++) {
            ReplayWindow w = new ReplayWindow();
            BitSet seen = new BitSet();
            long max = -1;
            long base = 0;
            for (int i = 0; i < 20_000; i++) {
                int mode = r.nextInt(10);
                long c = mode < 6
                        ? base + r.nextInt((int) (W / 4))
                        : mode < 9 ? Math.max(0, max - r.nextInt((int) W + 200)) : base + r.nextInt((int) W * 3);
                if (r.nextInt(1000) == 0) base += W * 2;
                boolean expected;
                if (c > max) expected = true;
                else expected = max - c <= W && !seen.get((int) c);
                assertEquals(expected, w.mayAccept(c, LIMIT), "mayAccept " + c + " max " + max);
                assertEquals(expected, w.accept(c, LIMIT), "accept " + c + " max " + max);
                if (expected) {
                    seen.set((int) c);
                    max = Math.max(max, c);
                }
                base = Math.max(base, max - W / 2);
            }
        }
    }
}
