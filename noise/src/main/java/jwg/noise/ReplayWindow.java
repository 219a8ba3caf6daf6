package jwg.noise;

/**
 * The receive-side sliding window against replayed transport counters (RFC 6479 style, as in
 * wireguard-go's replay.Filter): a ring of 128 64-bit blocks; the newest block is always being
 * filled, so {@link #WINDOW_SIZE} = (128 - 1) × 64 = 8,128 counters behind the highest one seen
 * are remembered. Moving forward clears whole blocks instead of shifting bits.
 *
 * <p>Counters are unsigned 64-bit. Not thread-safe: a peer's received packets are checked in
 * order on one thread, and only AFTER their tag verified (an unauthenticated counter must never
 * move the window).
 */
final class ReplayWindow {
    private static final int BLOCK_BITS_LOG = 6; // 64 bits per block
    private static final int BLOCK_BITS = 1 << BLOCK_BITS_LOG;
    private static final int RING_BLOCKS = 128; // power of two
    private static final int BLOCK_MASK = RING_BLOCKS - 1;
    static final long WINDOW_SIZE = (long) (RING_BLOCKS - 1) * BLOCK_BITS; // 8128

    private final long[] ring = new long[RING_BLOCKS];
    private long last; // highest counter accepted so far (unsigned)

    /** True if {@code counter} is not yet seen, inside the window and below {@code limit}; marks it seen. */
    boolean accept(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) return false;
        long indexBlock = counter >>> BLOCK_BITS_LOG;
        if (Long.compareUnsigned(counter, last) > 0) {
            // move the window forward, clearing the blocks we skip (at most the whole ring)
            long current = last >>> BLOCK_BITS_LOG;
            long diff = indexBlock - current;
            if (Long.compareUnsigned(diff, RING_BLOCKS) > 0) diff = RING_BLOCKS;
            for (long i = current + 1; i <= current + diff; i++) ring[(int) (i & BLOCK_MASK)] = 0;
            last = counter;
        } else if (Long.compareUnsigned(last - counter, WINDOW_SIZE) > 0) {
            return false; // behind the window
        }
        int block = (int) (indexBlock & BLOCK_MASK);
        long bit = 1L << (counter & (BLOCK_BITS - 1));
        long old = ring[block];
        ring[block] = old | bit;
        return (old & bit) == 0;
    }

    /** A read-only pre-check (before decrypting): false for a counter surely replayed or too old. */
    boolean mayAccept(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) return false;
        if (Long.compareUnsigned(counter, last) > 0) return true;
        if (Long.compareUnsigned(last - counter, WINDOW_SIZE) > 0) return false;
        int block = (int) ((counter >>> BLOCK_BITS_LOG) & BLOCK_MASK);
        return (ring[block] & (1L << (counter & (BLOCK_BITS - 1)))) == 0;
    }

    void reset() {
        java.util.Arrays.fill(ring, 0);
        last = 0;
    }
}
