package jwg.ice.signal;

import java.util.random.RandomGenerator;

/** Reconnect delays: base, ×2 each failure up to max, each delay jittered by ±{@code jitter}. */
final class Backoff {
    private final long baseMillis, maxMillis;
    private final double jitter;
    private final RandomGenerator random;
    private long current;

    Backoff(long baseMillis, long maxMillis, double jitter, RandomGenerator random) {
        this.baseMillis = baseMillis;
        this.maxMillis = maxMillis;
        this.jitter = jitter;
        this.random = random;
        this.current = baseMillis;
    }

    /** The delay before the next try, in milliseconds; the one after is twice as long (capped). */
    synchronized long next() {
        long d = Math.round(current * (1 + jitter * (2 * random.nextDouble() - 1)));
        current = Math.min(maxMillis, current * 2);
        return Math.max(1, d);
    }

    synchronized void reset() {
        current = baseMillis;
    }
}
