package jwg.noise.crypto;

/**
 * Up to four X25519 functions under one scalar: {@code X25519(k, u_j)} for j &lt; n, the es
 * Diffie-Hellman of several queued initiations (every one under our static private key). Where
 * {@link #VECTORS} holds, the four ladders run side by side in one 256-bit vector
 * ({@link X25519Vec}: 2.3-3 times the DH/s of the scalar ladder per core; docs/benchmarks.md); elsewhere
 * one {@link X25519} after the other. A batch of fewer than four costs as much as four on the
 * vector path, so a caller with a single point should use {@link X25519} instead.
 *
 * <p>Not held back by the {@link VectorGate}: a daemon's warm-up waits while handshakes are busy,
 * so under a flood the gate stays closed, and the flood is what batches are for. The first batch
 * of a JVM runs the self-test (one batch, interpreted: ~0.1-0.9 s on a loaded 2-core machine),
 * and the first few batches run before C2 has compiled the ladder; the handshake workers reach
 * this class only once two initiations wait at once.
 *
 * <p>Constant time as {@link X25519}; an instance is not thread-safe, allocates nothing per
 * batch and wipes its scratch after each one.
 */
public final class X25519Batch {
    /** Points per batch. */
    public static final int LANES = 4;

    /**
     * True when the batch runs as one vector ladder: the incubator module is present
     * ({@code --add-modules jdk.incubator.vector}), 256-bit vectors are hardware-backed, and
     * {@link X25519Vec} agreed with the scalar ladder on its self-test. Off with
     * {@code -Djwg.crypto.noSimdX25519=true}.
     */
    public static final boolean VECTORS = vectorsAvailable();

    private final X25519Vec vec;
    private final X25519 scalar = new X25519();
    private final byte[] us = new byte[32 * LANES], outs = new byte[32 * LANES];

    public X25519Batch() {
        this(VECTORS);
    }

    /** For tests: {@code vectors} forces the vector path on (the module must be present) or off. */
    X25519Batch(boolean vectors) {
        this.vec = vectors ? new X25519Vec() : null;
    }

    private static boolean vectorsAvailable() {
        if (Boolean.getBoolean("jwg.crypto.noSimdX25519")) return false;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            return Poly1305Vec.hardwareBacked() && selfTest();
        } catch (Throwable t) { // module not readable, or a JDK without this API: stay scalar
            return false;
        }
    }

    /**
     * out_j = X25519(k, u_j) for j &lt; n (1 ≤ n ≤ 4): u_j is {@code u[uOff + 32j, +32)} and
     * out_j goes to {@code out[outOff + 32j, +32)}. Returns a bit mask: bit j set when out_j is
     * not all zeros (the check {@link X25519#agree} makes; WireGuard rejects a zero result).
     */
    public int agree(byte[] k, byte[] u, int uOff, int n, byte[] out, int outOff) {
        if (n < 1 || n > LANES) throw new IllegalArgumentException("n = " + n);
        if (vec == null) {
            for (int j = 0; j < n; j++) scalar.scalarMult(k, 0, u, uOff + 32 * j, out, outOff + 32 * j);
        } else {
            // unused lanes compute on a copy of lane 0 (their results are dropped)
            for (int j = 0; j < LANES; j++) System.arraycopy(u, uOff + 32 * (j < n ? j : 0), us, 32 * j, 32);
            vec.scalarMult(k, 0, us, outs);
            System.arraycopy(outs, 0, out, outOff, 32 * n);
            java.util.Arrays.fill(us, (byte) 0);
            java.util.Arrays.fill(outs, (byte) 0);
        }
        int nonZero = 0;
        for (int j = 0; j < n; j++) {
            int z = ConstantTime.isZero(out, outOff + 32 * j, 32) ? 0 : 1;
            nonZero |= z << j;
        }
        return nonZero;
    }

    /**
     * The vector ladder against the scalar one on one batch: a pseudo-random u, a non-canonical
     * one (2^255 - 1), u = 0 (low order: zero) and u = 9, under a pseudo-random scalar; true when
     * all four agree. One batch, because it runs before C2 has compiled anything (~0.1-0.2 s);
     * the ladder takes the same path whatever the inputs, and the unit tests cover thousands.
     */
    static boolean selfTest() {
        byte[] k = new byte[32], u = new byte[128], out = new byte[128], ref = new byte[32];
        long x = 0x2545f4914f6cdd1dL;
        for (int i = 0; i < 64; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            if (i < 32) k[i] = (byte) x;
            else u[i - 32] = (byte) x;
        }
        java.util.Arrays.fill(u, 32, 64, (byte) 0xff); // 2^256 - 1: non-canonical, top bit set
        u[96] = 9;
        new X25519Vec().scalarMult(k, 0, u, out);
        X25519 s = new X25519();
        for (int j = 0; j < LANES; j++) {
            s.scalarMult(k, 0, u, 32 * j, ref, 0);
            if (!java.util.Arrays.equals(out, 32 * j, 32 * j + 32, ref, 0, 32)) return false;
        }
        return ConstantTime.isZero(out, 64, 32) && !ConstantTime.isZero(out, 0, 32);
    }

    @Override
    public String toString() {
        return "X25519Batch[" + (vec != null ? "4-way Vector API" : "scalar") + ", scratch redacted]";
    }
}
