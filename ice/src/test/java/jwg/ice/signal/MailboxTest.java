package jwg.ice.signal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A restarted peer's new poll must get the next blob, not the dead process's poll that the server
 * is still holding open (seen in bench/e2e/ice-bench.sh: the first offer after a quick restart of
 * both peers went to the old poll and was lost, so the session waited for its timeout).
 */
class MailboxTest {
    @Test
    void theNewestPollWinsAndTheSupersededOneReturnsEmpty() throws Exception {
        Mailbox m = new Mailbox(16, TimeUnit.SECONDS.toNanos(120), System::nanoTime);
        CompletableFuture<List<byte[]>> old = pollOnItsOwnThread(m);
        Thread.sleep(200);
        assertFalse(old.isDone(), "a poll waits while the mailbox is empty");
        CompletableFuture<List<byte[]>> fresh = pollOnItsOwnThread(m);
        assertEquals(List.of(), old.get(2, TimeUnit.SECONDS), "the superseded poll steps aside at once");
        Thread.sleep(100);
        assertTrue(m.offer(new byte[] {7}));
        List<byte[]> got = fresh.get(2, TimeUnit.SECONDS);
        assertEquals(1, got.size());
        assertArrayEquals(new byte[] {7}, got.get(0));
    }

    /** (Not the common pool: it may have one thread on two cores, and polls block.) */
    private static CompletableFuture<List<byte[]>> pollOnItsOwnThread(Mailbox m) {
        CompletableFuture<List<byte[]>> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> f.complete(poll(m)));
        return f;
    }

    private static List<byte[]> poll(Mailbox m) {
        try {
            return m.poll(TimeUnit.SECONDS.toNanos(10), 1 << 20);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
