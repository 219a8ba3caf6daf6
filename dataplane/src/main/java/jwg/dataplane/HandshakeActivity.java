package jwg.dataplane;

/**
 * When a handshake worker (or the conductor) last had a handshake message to handle, process-wide: background work that
 * is only worth doing with CPU the traffic leaves (the daemon's start-up warm-up) asks it and
 * waits while initiations arrive. A flood of them is exactly when the handshake workers need
 * every cycle: the warm-up, although its thread runs at nice 19, makes the JVM compile code on
 * compiler threads that are not niced and, while its Vector API code is not yet compiled,
 * allocates so fast that the collector stops every thread about every 3 ms (measured:
 * docs/benchmarks.md, issue 12 item 3, fourth pass).
 *
 * <p>One volatile long, written at most once a millisecond by whichever thread sees work (a lost
 * update only makes it a millisecond older); reading it costs a volatile read. Allocates nothing.
 */
public final class HandshakeActivity {
    /** Written at most this often (ns). */
    private static final long RESOLUTION_NANOS = 1_000_000L;

    /** When a worker or the conductor last had a handshake message (System.nanoTime; long ago at first). */
    private static volatile long last = System.nanoTime() - (1L << 62);

    private HandshakeActivity() {}

    /** From a handshake worker or the conductor: it has a handshake message to handle at {@code now} (System.nanoTime). */
    static void saw(long now) {
        if (now - last > RESOLUTION_NANOS) last = now;
    }

    /** True if a handshake worker or the conductor had a handshake message within {@code nanos} before {@code now}. */
    public static boolean within(long now, long nanos) {
        return now - last < nanos;
    }
}
