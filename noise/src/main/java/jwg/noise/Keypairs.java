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
 */
final class Keypairs {
    volatile Keypair previous;
    volatile Keypair current;
    volatile Keypair next;
    private final IndexTable indices;

    Keypairs(IndexTable indices) {
        this.indices = indices;
    }

    /** A new keypair from a completed handshake. */
    synchronized void install(Keypair kp) {
        if (kp.initiator) {
            drop(previous);
            if (next != null) {
                previous = next;
                next = null;
            } else {
                previous = current;
            }
            current = kp;
        } else {
            drop(next);
            drop(previous);
            previous = null;
            next = kp;
        }
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
    }

    private void drop(Keypair kp) {
        if (kp == null) return;
        indices.remove(kp.localIndex, kp);
        kp.wipe();
    }
}
