package jwg.ice.signal;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import jwg.noise.PublicKey;

/**
 * Refuses replays: per sender, the highest counter accepted; a new envelope must be above it.
 * Counters are microsecond timestamps, so an envelope further than the freshness window from the
 * local clock (either way) is refused too: a restarted receiver forgets the highest counters but
 * cannot be replayed anything older than the window.
 */
final class ReplayGuard {
    /** 120 s: long enough for a message to wait out a short server outage, short enough to bound replays. */
    static final long DEFAULT_WINDOW_MICROS = 120_000_000L;

    private final long windowMicros;
    private final ConcurrentHashMap<PublicKey, Long> highest = new ConcurrentHashMap<>();

    ReplayGuard(long windowMicros) {
        this.windowMicros = windowMicros;
    }

    long windowMicros() {
        return windowMicros;
    }

    /** Checks and, if accepted, records the counter. Call only for authenticated envelopes. */
    Optional<Rejection> accept(PublicKey sender, long counter, long nowMicros) {
        // not Math.abs(now - counter): for a counter 2^63 away the difference overflows to Long.MIN_VALUE,
        // whose absolute value is negative, and a stale counter passed
        if (counter < nowMicros - windowMicros || counter > nowMicros + windowMicros)
            return Optional.of(Rejection.STALE);
        AtomicReference<Rejection> verdict = new AtomicReference<>();
        highest.compute(sender, (k, prev) -> {
            if (prev != null && counter <= prev) {
                verdict.set(Rejection.REPLAYED);
                return prev;
            }
            return counter;
        });
        return Optional.ofNullable(verdict.get());
    }
}
