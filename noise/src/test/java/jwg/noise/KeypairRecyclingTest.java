package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Replay windows of retired keypairs are reused only after a delay, and only fully reset. */
class KeypairRecyclingTest {
    static final long MS = 1_000_000L;

    private static Keypair responderKeypair(ReplayWindow w, long now) {
        return new Keypair(null, new byte[32], new byte[32], 0, 0, now, false, w);
    }

    @Test
    void aRetiredWindowIsReusedOnlyAfterTheDelayAndEmpty() {
        Keypairs ks = new Keypairs(new IndexTable(new SecureRandom()));
        ReplayWindow w1 = ks.freshWindow(0);
        Keypair k1 = responderKeypair(w1, 0);
        ks.install(k1);
        for (long c = 0; c < 20_000; c += 3) assertTrue(w1.accept(c, Long.MAX_VALUE)); // a used window
        ks.install(responderKeypair(ks.freshWindow(10 * MS), 10 * MS)); // retires k1 (the unconfirmed next)
        assertTrue(k1.isWiped(), "the retired keypair's keys are wiped");

        ReplayWindow tooSoon = ks.freshWindow(10 * MS + Keypairs.RECYCLE_AFTER_NANOS - 1);
        assertNotSame(w1, tooSoon, "not before the delay: a receive thread may still hold the retired keypair");
        ReplayWindow reused = ks.freshWindow(10 * MS + Keypairs.RECYCLE_AFTER_NANOS);
        assertSame(w1, reused, "after the delay the spare is reused");
        for (long c = 0; c < 20_000; c++)
            assertTrue(reused.accept(c, Long.MAX_VALUE), "recycled window forgot counter " + c);
        assertNotSame(w1, ks.freshWindow(20 * Keypairs.RECYCLE_AFTER_NANOS), "one spare is handed out once");
    }

    @Test
    void clearForgetsTheSpare() {
        Keypairs ks = new Keypairs(new IndexTable(new SecureRandom()));
        ReplayWindow w1 = ks.freshWindow(0);
        ks.install(responderKeypair(w1, 0));
        ks.install(responderKeypair(ks.freshWindow(0), 0));
        ks.clear();
        assertNotSame(w1, ks.freshWindow(10 * Keypairs.RECYCLE_AFTER_NANOS));
    }
}
