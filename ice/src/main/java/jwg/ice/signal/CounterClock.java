package jwg.ice.signal;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Envelope counters: microseconds since the Unix epoch, forced strictly increasing. Because the
 * counter follows the wall clock, a restarted sender starts above what it sent before.
 */
final class CounterClock {
    private final LongSupplier nowMicros;
    private final AtomicLong last = new AtomicLong();

    CounterClock(LongSupplier nowMicros) {
        this.nowMicros = nowMicros;
    }

    static long systemMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    long nowMicros() {
        return nowMicros.getAsLong();
    }

    /** The next counter: the clock, or one above the previous if the clock has not moved on. */
    long next() {
        long now = nowMicros.getAsLong();
        return last.updateAndGet(prev -> Math.max(prev + 1, now));
    }
}
