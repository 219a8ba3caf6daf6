package jwg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The start-up warm-up's handshake part really handshakes (a break in it would warm nothing). */
class WarmupTest {
    @Test
    void handshakesCompleteEveryRound() {
        assertEquals(25, Warmup.handshakes(25, System.nanoTime() + 60_000_000_000L));
    }

    @Test
    void handshakesStopAtTheDeadline() {
        assertTrue(Warmup.handshakes(1_000_000, System.nanoTime() + 200_000_000L) < 1_000_000);
    }
}
