package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The process-wide mark of the handshake workers' last initiation, as the warm-up reads it. */
class HandshakeActivityTest {
    /** Each test's marks lie later than every earlier mark (the state is process-wide). */
    private static final AtomicLong LATER = new AtomicLong();

    private static long later() {
        return System.nanoTime() + LATER.addAndGet(10_000_000_000L);
    }

    @Test
    void busyWithinTheWindowAfterAWorkerSawAnInitiationAndQuietAfterIt() {
        long t = later();
        HandshakeActivity.saw(t);
        assertTrue(HandshakeActivity.within(t + 100_000_000L, 500_000_000L));
        assertFalse(HandshakeActivity.within(t + 600_000_000L, 500_000_000L));
    }

    @Test
    void writesAtMostOnceAMillisecond() {
        long t = later();
        HandshakeActivity.saw(t);
        HandshakeActivity.saw(t + 500_000L); // within the same millisecond: not written
        assertFalse(HandshakeActivity.within(t + 100_400_000L, 100_000_000L), "the mark stayed at t");
        HandshakeActivity.saw(t + 2_000_000L);
        assertTrue(HandshakeActivity.within(t + 100_400_000L, 100_000_000L), "a later mark is written");
    }
}
