package jwg.noise;

/**
 * A peer's keypairs: previous, current and next (whitepaper 6.3, wireguard-go keypairs).
 * <ul>
 * <li>Initiator, on consuming the response: previous ← current (or the unconfirmed next),
 *     current ← new. It may send at once.</li>
 * <li>Responder, on sending the response: next ← new. It must not send with it until the
 *     initiator proves it has it: the first authenticated data packet received on {@code next}
 *     makes it current (previous ← current) — {@link #confirm}.</li>
 * </ul>
 * Reads are lock-free (volatile); changes take this object's lock (control path and the rare
 * confirmation). Keypairs that fall off the end are wiped and removed from the index table.
 *
 * <p>Replay windows are recycled (issue 11 item 6: 1,040 of a handshake's 1,753 bytes were the new
 * keypair's window): the window of a keypair retired by {@link #install} is kept as a spare and
 * given, reset, to a keypair made at least {@link #RECYCLE_AFTER_NANOS} later. The delay is what
 * makes this safe: a receive thread that looked the retired keypair up just before it was removed
 * from the index table finishes with it within one batch (microseconds), long before its window
 * serves another session; a recycled window is fully cleared.
 */
final class Keypairs {
    volatile Keypair previous;
    volatile Keypair current;
    volatile Keypair next;
    private final IndexTable indices;
    /** A retired keypair's replay window (or null), and when it was retired (caller's nanos). */
    private ReplayWindow spare;

    private long spareRetiredAt;
    static final long RECYCLE_AFTER_NANOS = 1_000_000_000L;

    Keypairs(IndexTable indices) {
        this.indices = indices;
    }

    /** A new keypair from a completed handshake. */
    synchronized void install(Keypair kp) {
        if (kp.initiator) {
            retire(previous, kp.createdAt);
            if (next != null) {
                previous = next;
                next = null;
            } else {
                previous = current;
            }
            current = kp;
        } else {
            retire(next, kp.createdAt);
            retire(previous, kp.createdAt);
            previous = null;
            next = kp;
        }
    }

    /** Drops {@code kp} and keeps its replay window as the spare (if there is none yet). */
    private void retire(Keypair kp, long now) {
        if (kp == null) return;
        drop(kp);
        if (spare == null && kp.replay != null) {
            spare = kp.replay;
            spareRetiredAt = now;
        }
    }

    /**
     * An empty replay window for a keypair made at {@code now}: the spare, reset, if it was
     * retired at least {@link #RECYCLE_AFTER_NANOS} ago; else a new one.
     */
    synchronized ReplayWindow freshWindow(long now) {
        ReplayWindow w = spare;
        if (w == null || now - spareRetiredAt < RECYCLE_AFTER_NANOS) return new ReplayWindow();
        spare = null;
        w.reset();
        return w;
    }

    /**
     * Called when authenticated data arrived on {@code kp}. Returns true if that confirmed the
     * responder's {@code next} keypair (which is now current).
     */
    boolean confirm(Keypair kp) {
        if (kp != next) return false; // fast path: lock-free
        synchronized (this) {
            if (kp != next) return false;
            drop(previous);
            previous = current;
            current = kp;
            next = null;
            return true;
        }
    }

    /** Wipes everything (REJECT_AFTER_TIME × 3 without a new session, or peer removal). */
    synchronized void clear() {
        drop(previous);
        drop(current);
        drop(next);
        previous = current = next = null;
        spare = null;
    }

    private void drop(Keypair kp) {
        if (kp == null) return;
        indices.remove(kp.localIndex, kp);
        kp.wipe();
    }
}
