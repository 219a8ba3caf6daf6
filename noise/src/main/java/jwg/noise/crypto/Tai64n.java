package jwg.noise.crypto;

/**
 * TAI64N timestamps (12 bytes, big-endian: seconds + 2^62, then nanoseconds), as carried in
 * WireGuard initiations. WireGuard compares them bytewise: a later timestamp is bytewise greater.
 */
public final class Tai64n {
    public static final int LENGTH = 12;
    private static final long BASE = 0x400000000000000aL; // 2^62 + 10 (TAI - UTC offset used by wireguard-go)

    private Tai64n() {}

    /** Encodes {@code unixNanos} into out[off..off+12]. */
    public static void encode(long unixNanos, byte[] out, int off) {
        long secs = BASE + Math.floorDiv(unixNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(unixNanos, 1_000_000_000L);
        for (int i = 0; i < 8; i++) out[off + i] = (byte) (secs >>> (56 - 8 * i));
        for (int i = 0; i < 4; i++) out[off + 8 + i] = (byte) (nanos >>> (24 - 8 * i));
    }

    /** Decodes to Unix nanoseconds. */
    public static long decode(byte[] in, int off) {
        long secs = 0;
        for (int i = 0; i < 8; i++) secs = (secs << 8) | (in[off + i] & 0xff);
        long nanos = 0;
        for (int i = 0; i < 4; i++) nanos = (nanos << 8) | (in[off + 8 + i] & 0xff);
        return (secs - BASE) * 1_000_000_000L + nanos;
    }

    /** Bytewise unsigned comparison: positive if a is later than b. */
    public static int compare(byte[] a, int aOff, byte[] b, int bOff) {
        for (int i = 0; i < LENGTH; i++) {
            int d = (a[aOff + i] & 0xff) - (b[bOff + i] & 0xff);
            if (d != 0) return d;
        }
        return 0;
    }
}
