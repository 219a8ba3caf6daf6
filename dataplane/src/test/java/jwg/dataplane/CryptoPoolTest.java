package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import jwg.noise.crypto.ChaCha20Poly1305;
import org.junit.jupiter.api.Test;

class CryptoPoolTest {
    static final class Count extends CryptoPool.Job {
        final boolean explode;
        int result = -1;
        String ranOn;

        Count(boolean explode) {
            this.explode = explode;
        }

        @Override
        void run(ChaCha20Poly1305 aead) {
            if (explode) throw new IllegalStateException("boom (expected by the test)");
            ranOn = Thread.currentThread().getName();
            result = 1;
        }

        @Override
        void failed() {
            result = 0;
        }
    }

    @Test
    void everyJobCompletesAndAFailingJobDoesNotKillItsWorker() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        try (CryptoPool pool = new CryptoPool(2, "t")) {
            for (int round = 0; round < 200; round++) {
                Count[] jobs = new Count[64];
                for (int i = 0; i < jobs.length; i++) pool.submit(jobs[i] = new Count(i == 7), aead);
                for (int i = 0; i < jobs.length; i++) {
                    pool.await(jobs[i], aead);
                    assertTrue(jobs[i].done);
                    assertEquals(i == 7 ? 0 : 1, jobs[i].result);
                }
            }
        }
    }

    @Test
    void withoutWorkersJobsRunOnTheCaller() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        try (CryptoPool pool = new CryptoPool(0, "t")) {
            Count c = new Count(false);
            pool.submit(c, aead);
            assertTrue(c.done, "inline: done when submit returns");
            assertEquals(Thread.currentThread().getName(), c.ranOn);
        }
    }
}
