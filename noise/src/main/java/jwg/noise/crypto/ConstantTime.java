package jwg.noise.crypto;

/** Comparisons whose time does not depend on where the inputs differ. */
public final class ConstantTime {
    private ConstantTime() {}

    public static boolean equals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) diff |= a[aOff + i] ^ b[bOff + i];
        return diff == 0;
    }

    public static boolean equals(byte[] a, byte[] b) {
        if (a.length != b.length) return false;
        return equals(a, 0, b, 0, a.length);
    }

    /** True if all {@code len} bytes are zero. */
    public static boolean isZero(byte[] a, int off, int len) {
        int acc = 0;
        for (int i = 0; i < len; i++) acc |= a[off + i];
        return acc == 0;
    }
}
