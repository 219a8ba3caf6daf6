package jwg.ice.guard;

import java.util.random.RandomGenerator;

/**
 * When to (re)try connecting one peer, after Netbird's guard: the first check {@value #FIRST_CHECK_MS} ms
 * after {@link #start}; then retries with exponential backoff from {@value #INITIAL_MS} ms, ×2 each
 * time, ±10 % jitter, never longer than a cap drawn once per guard between 30 and 45 s (so that
 * peers do not retry in lockstep). A {@link #reset} (disconnect, signaling reconnect, network
 * change) restarts from {@value #INITIAL_MS} ms; {@link #connected()} stops retrying until the
 * next reset.
 *
 * <p>Sans-I/O: time is passed in as {@link System#nanoTime()}-style nanoseconds and randomness is
 * injected. Not thread-safe: one owner drives it.
 */
public final class Guard {
    public static final long FIRST_CHECK_MS = 3_000;
    public static final long INITIAL_MS = 800;
    public static final double MULTIPLIER = 2.0;
    public static final double JITTER = 0.10;
    public static final long MIN_CAP_MS = 30_000;
    public static final long MAX_CAP_MS = 45_000;
    /** {@link #nextDeadline()} when nothing is scheduled. */
    public static final long NEVER = Long.MAX_VALUE;

    private static final long MS = 1_000_000L;

    private final RandomGenerator random;
    private final long capNanos;
    private long intervalNanos = INITIAL_MS * MS;
    private long deadline = NEVER;
    private ResetReason lastReset;

    /** A guard with its cap drawn from {@code random}; idle until {@link #start}. */
    public Guard(RandomGenerator random) {
        this.random = random;
        this.capNanos = (MIN_CAP_MS + random.nextLong(MAX_CAP_MS - MIN_CAP_MS + 1)) * MS;
    }

    /** Schedules the first check {@value #FIRST_CHECK_MS} ms from {@code now}. */
    public void start(long now) {
        intervalNanos = INITIAL_MS * MS;
        deadline = now + FIRST_CHECK_MS * MS;
    }

    /** When the next attempt is due, or {@link #NEVER}. */
    public long nextDeadline() {
        return deadline;
    }

    /** True if an attempt is due at {@code now}. */
    public boolean due(long now) {
        return deadline != NEVER && now - deadline >= 0;
    }

    /** Records an attempt at {@code now} and schedules the next one with backoff. */
    public void attemptMade(long now) {
        if (deadline == NEVER) return;
        deadline = now + jittered(intervalNanos);
        intervalNanos = Math.min(capNanos, (long) (intervalNanos * MULTIPLIER));
    }

    /** Restarts the schedule: the next attempt {@value #INITIAL_MS} ms (±10 %) from {@code now}. */
    public void reset(ResetReason reason, long now) {
        lastReset = reason;
        intervalNanos = INITIAL_MS * MS;
        deadline = now + jittered(intervalNanos);
        intervalNanos = Math.min(capNanos, (long) (intervalNanos * MULTIPLIER));
    }

    /** The peer is connected: no more attempts until the next {@link #reset}. */
    public void connected() {
        deadline = NEVER;
        intervalNanos = INITIAL_MS * MS;
    }

    /** This guard's cap on the retry interval, between 30 and 45 s. */
    public long capNanos() {
        return capNanos;
    }

    /** The reason of the last reset, or null. */
    public ResetReason lastReset() {
        return lastReset;
    }

    private long jittered(long interval) {
        double factor = 1 + JITTER * (2 * random.nextDouble() - 1);
        return Math.min(capNanos, Math.round(interval * factor));
    }

    @Override
    public String toString() {
        return "Guard[interval=" + intervalNanos / MS + "ms, cap=" + capNanos / MS + "ms, "
                + (deadline == NEVER ? "idle" : "scheduled") + ", lastReset=" + lastReset + "]";
    }
}
