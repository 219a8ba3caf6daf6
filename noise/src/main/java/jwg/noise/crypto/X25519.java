package jwg.noise.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * X25519 (RFC 7748) on 32-byte little-endian arrays, in pure Java: the Montgomery ladder over
 * GF(2^255 - 19) with field elements as five 51-bit limbs in {@code long}s.
 *
 * <p>Products of limbs are 128 bits wide. Each one is taken as two 64-bit multiplies: the low
 * word {@code a * b} and {@code Math.multiplyHigh(a << 9, b << 4)}, which is exactly
 * {@code floor(a * b / 2^51)} (the pre-shifts add up to 13 = 64 - 51, and both shifted operands
 * stay below 2^63 for the limb bounds used here). Per output limb the floors and the low words
 * are summed separately; the sum of the low words, taken mod 2^64, fixes the small (&lt; 5) carry
 * the floors lose. So a product of two elements is 50 multiplies and 50 additions plus the carry
 * chain, with no 128-bit emulation (radix 2^25.5 needs 100 multiplies; measured slower here).
 *
 * <p>Constant time: no branch or memory index depends on the scalar, the point or the result
 * (conditional swaps by masks, inversion by a fixed addition chain, full reduction by
 * arithmetic). An instance owns its scratch arrays and is not thread-safe; it allocates nothing
 * per operation and wipes its scratch after each one. The static methods use one instance per
 * thread.
 *
 * <p>Limb bounds: outputs of {@link #mul}/{@link #sqr} are &lt; 2^51 + 2^12; sums and
 * differences of two such values (differences biased by 2p) are &lt; 2^53, which is what
 * {@code mul}/{@code sqr} accept.
 */
public final class X25519 {
    public static final int KEY_LENGTH = 32;

    private static final long M = (1L << 51) - 1;
    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<X25519> PER_THREAD = ThreadLocal.withInitial(X25519::new);

    // ladder state and temporaries (five limbs each)
    private final long[] x1 = new long[5], x2 = new long[5], z2 = new long[5], x3 = new long[5], z3 = new long[5];
    private final long[] a = new long[5], b = new long[5], c = new long[5], d = new long[5];
    private final long[] aa = new long[5], bb = new long[5], e = new long[5];
    private final long[] t0 = new long[5], t1 = new long[5], t2 = new long[5], t3 = new long[5];
    private final long[] scalar = new long[4];
    private final byte[] digits = new byte[64];
    private static final long[] ZERO = new long[5];

    public X25519() {}

    /** This thread's instance (for callers without one of their own). */
    public static X25519 perThread() {
        return PER_THREAD.get();
    }

    /** A new clamped private key from {@code random}. */
    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] k = new byte[KEY_LENGTH];
        random.nextBytes(k);
        clamp(k);
        return k;
    }

    public static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
    }

    /** Writes the public key of {@code privateKey} into {@code out}. */
    public static void publicKey(byte[] privateKey, byte[] out) {
        PER_THREAD.get().scalarMultBase(privateKey, 0, out, 0);
    }

    public static byte[] publicKey(byte[] privateKey) {
        byte[] out = new byte[KEY_LENGTH];
        publicKey(privateKey, out);
        return out;
    }

    /**
     * DH(privateKey, publicKey) into {@code out}. Returns false if the result is all zeros
     * (a low-order point), which WireGuard must reject.
     */
    public static boolean sharedSecret(byte[] privateKey, byte[] publicKey, byte[] out) {
        return PER_THREAD.get().agree(privateKey, publicKey, out);
    }

    /** Instance form of {@link #sharedSecret}: X25519(k, u) into {@code out}; false if all zeros. */
    public boolean agree(byte[] privateKey, byte[] publicKey, byte[] out) {
        scalarMult(privateKey, 0, publicKey, 0, out, 0);
        return !ConstantTime.isZero(out, 0, KEY_LENGTH);
    }

    /**
     * X25519(k, u) as RFC 7748 defines it: {@code k} is clamped (a copy; the caller's bytes are
     * not changed), the top bit of {@code u} is ignored and u may be non-canonical (≥ p).
     */
    public void scalarMult(byte[] k, int kOff, byte[] u, int uOff, byte[] out, int outOff) {
        decodeScalar(k, kOff);
        decode(u, uOff, x1);
        ladder(false);
        finish(out, outOff);
    }

    /**
     * X25519(k, 9): the public key of private key {@code k}. Computed as [k]B on the twisted
     * Edwards curve birationally equivalent to Curve25519 (ref10's ge_scalarmult_base: signed
     * radix-16 digits, a table of j * 256^i * B for j = 1..8 and i = 0..31 scanned whole for each
     * digit, 64 mixed additions and 4 doublings), then u = (1 + y) / (1 - y). About three times
     * fewer field operations than the ladder, and equally constant-time.
     */
    public void scalarMultBase(byte[] k, int kOff, byte[] out, int outOff) {
        decodeScalar(k, kOff);
        long[] s = scalar;
        byte[] e = digits;
        for (int i = 0; i < 32; i++) {
            int v = (int) (s[i >>> 3] >>> ((i & 7) << 3)) & 0xFF;
            e[2 * i] = (byte) (v & 15);
            e[2 * i + 1] = (byte) (v >>> 4);
        }
        int carry = 0;
        for (int i = 0; i < 63; i++) { // each digit in [-8, 8); the top one ≤ 8 since k < 2^255
            int v = e[i] + carry;
            carry = (v + 8) >> 4;
            e[i] = (byte) (v - (carry << 4));
        }
        e[63] = (byte) (e[63] + carry);

        long[] hX = x2, hY = z2, hZ = x3, hT = z3; // the sum, extended coordinates
        Arrays.fill(hX, 0);
        Arrays.fill(hY, 0);
        hY[0] = 1;
        Arrays.fill(hZ, 0);
        hZ[0] = 1;
        Arrays.fill(hT, 0);
        for (int i = 1; i < 64; i += 2) {
            select(i >>> 1, e[i]);
            maddP3();
        }
        // h = 16 * h: three doublings to projective (p2), the last one to extended (p3)
        dblP2();
        toP2();
        dblP2();
        toP2();
        dblP2();
        toP2();
        dblP2();
        toP3();
        for (int i = 0; i < 64; i += 2) {
            select(i >>> 1, e[i]);
            maddP3();
        }
        // u = (Z + Y) / (Z - Y)
        add(c, hZ, hY);
        sub(d, hZ, hY);
        invert(t0, d);
        mul(t0, c, t0);
        encode(t0, out, outOff);
        Arrays.fill(e, (byte) 0);
        wipe();
    }

    /** sel (aa, bb, e = y+x, y-x, 2dxy) = digit b times 256^pos * B, in constant time. */
    private void select(int pos, int b) {
        long[] yp = aa, ym = bb, xy = this.e;
        long neg = (b >>> 31) & 1L; // b < 0
        long abs = b - ((-neg & b) << 1); // |b|
        Arrays.fill(yp, 0);
        yp[0] = 1;
        Arrays.fill(ym, 0);
        ym[0] = 1;
        Arrays.fill(xy, 0);
        long[] tab = BaseTable.TABLE;
        int base = pos * 8 * 15;
        for (int j = 1; j <= 8; j++) {
            long mask = -((((abs ^ j) - 1) >>> 63) & 1L); // all ones iff |b| == j
            int o = base + (j - 1) * 15;
            for (int i = 0; i < 5; i++) {
                yp[i] ^= mask & (yp[i] ^ tab[o + i]);
                ym[i] ^= mask & (ym[i] ^ tab[o + 5 + i]);
                xy[i] ^= mask & (xy[i] ^ tab[o + 10 + i]);
            }
        }
        // negative digit: -(x, y) = (-x, y): swap y+x and y-x, negate 2dxy
        cswap(neg, yp, ym);
        sub(t1, ZERO, xy);
        long mask = -neg;
        for (int i = 0; i < 5; i++) xy[i] ^= mask & (xy[i] ^ t1[i]);
    }

    /** h (extended) += sel (ref10 ge_madd, then p1p1 to extended). */
    private void maddP3() {
        long[] hX = x2, hY = z2, hZ = x3, hT = z3, rX = a, rY = b, rZ = c, rT = d;
        add(rX, hY, hX);
        sub(rY, hY, hX);
        mul(rZ, rX, aa); // (Y + X) * (y + x)
        mul(rY, rY, bb); // (Y - X) * (y - x)
        mul(rT, e, hT); // 2dxy * T
        add(t0, hZ, hZ);
        sub(rX, rZ, rY);
        add(rY, rZ, rY);
        add(rZ, t0, rT);
        sub(rT, t0, rT);
        toP3();
    }

    /** r (p1p1: a, b, c, d) = 2 * h, h in projective coordinates (ref10 ge_p2_dbl). */
    private void dblP2() {
        long[] hX = x2, hY = z2, hZ = x3, rX = a, rY = b, rZ = c, rT = d;
        sqr(rX, hX);
        sqr(rZ, hY);
        sqr(rT, hZ);
        add(rT, rT, rT); // 2 Z^2
        add(rY, hX, hY);
        sqr(t0, rY); // (X + Y)^2
        add(rY, rZ, rX); // Y^2 + X^2
        sub(rZ, rZ, rX); // Y^2 - X^2
        sub4(rX, t0, rY);
        sub4(rT, rT, rZ);
    }

    /** h (projective) from r (p1p1). */
    private void toP2() {
        mul(x2, a, d);
        mul(z2, b, c);
        mul(x3, c, d);
    }

    /** h (extended) from r (p1p1). */
    private void toP3() {
        mul(x2, a, d);
        mul(z2, b, c);
        mul(x3, c, d);
        mul(z3, a, b);
    }

    private void decodeScalar(byte[] k, int off) {
        decodeScalar(k, off, scalar);
    }

    /** The clamped scalar of {@code k[off, off+32)} as four little-endian words into {@code s}. */
    static void decodeScalar(byte[] k, int off, long[] s) {
        s[0] = (long) LE.get(k, off) & ~7L;
        s[1] = (long) LE.get(k, off + 8);
        s[2] = (long) LE.get(k, off + 16);
        s[3] = ((long) LE.get(k, off + 24) & Long.MAX_VALUE) | (1L << 62);
    }

    /** RFC 7748 section 5, the ladder; {@code base}: x1 is 9 (multiplied as a small constant). */
    private void ladder(boolean base) {
        long[] x1 = this.x1, x2 = this.x2, z2 = this.z2, x3 = this.x3, z3 = this.z3;
        long[] a = this.a, b = this.b, c = this.c, d = this.d, aa = this.aa, bb = this.bb, e = this.e;
        Arrays.fill(x2, 0);
        x2[0] = 1;
        Arrays.fill(z2, 0);
        System.arraycopy(x1, 0, x3, 0, 5);
        Arrays.fill(z3, 0);
        z3[0] = 1;
        long swap = 0;
        for (int t = 254; t >= 0; t--) {
            long kt = (scalar[t >>> 6] >>> (t & 63)) & 1;
            swap ^= kt;
            cswap(swap, x2, x3);
            cswap(swap, z2, z3);
            swap = kt;
            add(a, x2, z2); // A = x2 + z2
            sub(b, x2, z2); // B = x2 - z2
            add(c, x3, z3); // C = x3 + z3
            sub(d, x3, z3); // D = x3 - z3
            mul(d, d, a); // DA
            mul(c, c, b); // CB
            sqr(aa, a); // AA
            sqr(bb, b); // BB
            add(x3, d, c);
            sqr(x3, x3); // x3 = (DA + CB)^2
            sub(z3, d, c);
            sqr(z3, z3); // (DA - CB)^2
            if (base) mulSmall(z3, z3, 9); // public, not secret: the same branch every step
            else mul(z3, z3, x1); // z3 = x1 * (DA - CB)^2
            mul(x2, aa, bb); // x2 = AA * BB
            sub(e, aa, bb); // E = AA - BB
            mulSmall(a, e, 121665);
            add(a, a, aa); // AA + a24 * E
            mul(z2, e, a); // z2 = E * (AA + a24 * E)
        }
        cswap(swap, x2, x3);
        cswap(swap, z2, z3);
    }

    /** out = x2 / z2, canonical, little-endian; then wipes the scratch. */
    private void finish(byte[] out, int off) {
        invert(t0, z2);
        mul(t0, x2, t0);
        encode(t0, out, off);
        wipe();
    }

    private void wipe() {
        Arrays.fill(scalar, 0);
        Arrays.fill(x1, 0);
        Arrays.fill(x2, 0);
        Arrays.fill(z2, 0);
        Arrays.fill(x3, 0);
        Arrays.fill(z3, 0);
        Arrays.fill(a, 0);
        Arrays.fill(b, 0);
        Arrays.fill(c, 0);
        Arrays.fill(d, 0);
        Arrays.fill(aa, 0);
        Arrays.fill(bb, 0);
        Arrays.fill(e, 0);
        Arrays.fill(t0, 0);
        Arrays.fill(t1, 0);
        Arrays.fill(t2, 0);
        Arrays.fill(t3, 0);
    }

    /** out = z^(p-2) = 1/z (0 for z = 0), by the addition chain of ref10's fe_invert. */
    private void invert(long[] out, long[] z) {
        long[] t0 = this.t1, t1 = this.t2, t2 = this.t3, t3 = this.aa;
        sqr(t0, z); // 2
        sqrN(t1, t0, 2); // 8
        mul(t1, z, t1); // 9
        mul(t0, t0, t1); // 11
        sqr(t2, t0); // 22
        mul(t1, t1, t2); // 2^5 - 1
        sqrN(t2, t1, 5);
        mul(t1, t2, t1); // 2^10 - 1
        sqrN(t2, t1, 10);
        mul(t2, t2, t1); // 2^20 - 1
        sqrN(t3, t2, 20);
        mul(t2, t3, t2); // 2^40 - 1
        sqrN(t2, t2, 10);
        mul(t1, t2, t1); // 2^50 - 1
        sqrN(t2, t1, 50);
        mul(t2, t2, t1); // 2^100 - 1
        sqrN(t3, t2, 100);
        mul(t2, t3, t2); // 2^200 - 1
        sqrN(t2, t2, 50);
        mul(t1, t2, t1); // 2^250 - 1
        sqrN(t1, t1, 5); // 2^255 - 2^5
        mul(out, t1, t0); // 2^255 - 21 = p - 2
    }

    private static void cswap(long swap, long[] f, long[] g) {
        long mask = -swap;
        for (int i = 0; i < 5; i++) {
            long x = mask & (f[i] ^ g[i]);
            f[i] ^= x;
            g[i] ^= x;
        }
    }

    static void add(long[] o, long[] f, long[] g) {
        o[0] = f[0] + g[0];
        o[1] = f[1] + g[1];
        o[2] = f[2] + g[2];
        o[3] = f[3] + g[3];
        o[4] = f[4] + g[4];
    }

    /** o = f - g + 2p (g's limbs must be ≤ 2p's: outputs of mul/sqr/decode). */
    static void sub(long[] o, long[] f, long[] g) {
        o[0] = f[0] + 0xFFFFFFFFFFFDAL - g[0];
        o[1] = f[1] + 0xFFFFFFFFFFFFEL - g[1];
        o[2] = f[2] + 0xFFFFFFFFFFFFEL - g[2];
        o[3] = f[3] + 0xFFFFFFFFFFFFEL - g[3];
        o[4] = f[4] + 0xFFFFFFFFFFFFEL - g[4];
    }

    /** o = f - g + 4p (g's limbs ≤ 4p's, about 2^53). */
    static void sub4(long[] o, long[] f, long[] g) {
        o[0] = f[0] + 0x1FFFFFFFFFFFB4L - g[0];
        o[1] = f[1] + 0x1FFFFFFFFFFFFCL - g[1];
        o[2] = f[2] + 0x1FFFFFFFFFFFFCL - g[2];
        o[3] = f[3] + 0x1FFFFFFFFFFFFCL - g[3];
        o[4] = f[4] + 0x1FFFFFFFFFFFFCL - g[4];
    }

    /**
     * o = f * g mod p. Inputs' limbs &lt; 2^53.6 (f·2^9 and 19·g·2^4 stay below 2^63, and a
     * limb's sum of products below 2^114); output limbs &lt; 2^51 + 2^12. {@code o} may alias.
     */
    static void mul(long[] o, long[] f, long[] g) {
        long f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
        long g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4];
        long g1x = 19 * g1, g2x = 19 * g2, g3x = 19 * g3, g4x = 19 * g4;
        long F0 = f0 << 9, F1 = f1 << 9, F2 = f2 << 9, F3 = f3 << 9, F4 = f4 << 9;
        long G0 = g0 << 4, G1 = g1 << 4, G2 = g2 << 4, G3 = g3 << 4, G4 = g4 << 4;
        long G1x = g1x << 4, G2x = g2x << 4, G3x = g3x << 4, G4x = g4x << 4;

        long l0 = f0 * g0 + f1 * g4x + f2 * g3x + f3 * g2x + f4 * g1x;
        long h0 = Math.multiplyHigh(F0, G0)
                + Math.multiplyHigh(F1, G4x)
                + Math.multiplyHigh(F2, G3x)
                + Math.multiplyHigh(F3, G2x)
                + Math.multiplyHigh(F4, G1x);
        long l1 = f0 * g1 + f1 * g0 + f2 * g4x + f3 * g3x + f4 * g2x;
        long h1 = Math.multiplyHigh(F0, G1)
                + Math.multiplyHigh(F1, G0)
                + Math.multiplyHigh(F2, G4x)
                + Math.multiplyHigh(F3, G3x)
                + Math.multiplyHigh(F4, G2x);
        long l2 = f0 * g2 + f1 * g1 + f2 * g0 + f3 * g4x + f4 * g3x;
        long h2 = Math.multiplyHigh(F0, G2)
                + Math.multiplyHigh(F1, G1)
                + Math.multiplyHigh(F2, G0)
                + Math.multiplyHigh(F3, G4x)
                + Math.multiplyHigh(F4, G3x);
        long l3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g4x;
        long h3 = Math.multiplyHigh(F0, G3)
                + Math.multiplyHigh(F1, G2)
                + Math.multiplyHigh(F2, G1)
                + Math.multiplyHigh(F3, G0)
                + Math.multiplyHigh(F4, G4x);
        long l4 = f0 * g4 + f1 * g3 + f2 * g2 + f3 * g1 + f4 * g0;
        long h4 = Math.multiplyHigh(F0, G4)
                + Math.multiplyHigh(F1, G3)
                + Math.multiplyHigh(F2, G2)
                + Math.multiplyHigh(F3, G1)
                + Math.multiplyHigh(F4, G0);
        carry(o, l0, h0, l1, h1, l2, h2, l3, h3, l4, h4);
    }

    /** o = f^2 mod p. Input limbs &lt; 2^53; output as {@link #mul}. */
    static void sqr(long[] o, long[] f) {
        long f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
        long d0 = 2 * f0, d1 = 2 * f1, d2 = 2 * f2, d3 = 2 * f3;
        long f3x = 19 * f3, f4x = 19 * f4;
        // left operands << 8, right operands << 5
        long L0 = f0 << 8, L1 = f1 << 8, L3 = f3 << 8, L4 = f4 << 8;
        long D0 = d0 << 8, D1 = d1 << 8, D2 = d2 << 8, D3 = d3 << 8;
        long R0 = f0 << 5, R1 = f1 << 5, R2 = f2 << 5, R3x = f3x << 5, R4x = f4x << 5;

        long l0 = f0 * f0 + d1 * f4x + d2 * f3x;
        long h0 = Math.multiplyHigh(L0, R0) + Math.multiplyHigh(D1, R4x) + Math.multiplyHigh(D2, R3x);
        long l1 = d0 * f1 + d2 * f4x + f3 * f3x;
        long h1 = Math.multiplyHigh(D0, R1) + Math.multiplyHigh(D2, R4x) + Math.multiplyHigh(L3, R3x);
        long l2 = d0 * f2 + f1 * f1 + d3 * f4x;
        long h2 = Math.multiplyHigh(D0, R2) + Math.multiplyHigh(L1, R1) + Math.multiplyHigh(D3, R4x);
        long l3 = d0 * f3 + d1 * f2 + f4 * f4x;
        long h3 = Math.multiplyHigh(D0, (f3 << 5)) + Math.multiplyHigh(D1, R2) + Math.multiplyHigh(L4, R4x);
        long l4 = d0 * f4 + d1 * f3 + f2 * f2;
        long h4 = Math.multiplyHigh(D0, (f4 << 5)) + Math.multiplyHigh(D1, (f3 << 5)) + Math.multiplyHigh(f2 << 8, R2);
        carry(o, l0, h0, l1, h1, l2, h2, l3, h3, l4, h4);
    }

    private static void sqrN(long[] o, long[] f, int n) {
        sqr(o, f);
        for (int i = 1; i < n; i++) sqr(o, o);
    }

    /**
     * Limb i of a product is h_i * 2^51 + (its low 51 bits), where h_i is the sum of the floors
     * {@code floor(p / 2^51)} of its partial products p and l_i is the sum of their low words
     * mod 2^64. The floors lose the carry k (&lt; 5) out of the sum of the p mod 2^51; bits 51..63
     * of l_i equal (h_i + k) mod 2^13, which gives k.
     */
    private static void carry(
            long[] o, long l0, long h0, long l1, long h1, long l2, long h2, long l3, long h3, long l4, long h4) {
        final long K = 0x1FFF;
        long c0 = h0 + (((l0 >>> 51) - h0) & K);
        long c1 = h1 + (((l1 >>> 51) - h1) & K);
        long c2 = h2 + (((l2 >>> 51) - h2) & K);
        long c3 = h3 + (((l3 >>> 51) - h3) & K);
        long c4 = h4 + (((l4 >>> 51) - h4) & K);
        long t = (l1 & M) + c0;
        long r1 = t & M;
        t = (l2 & M) + (t >>> 51) + c1;
        long r2 = t & M;
        t = (l3 & M) + (t >>> 51) + c2;
        long r3 = t & M;
        t = (l4 & M) + (t >>> 51) + c3;
        long r4 = t & M;
        long top = (t >>> 51) + c4;
        t = (l0 & M) + 19 * top;
        o[0] = t & M;
        o[1] = r1 + (t >>> 51);
        o[2] = r2;
        o[3] = r3;
        o[4] = r4;
    }

    /** o = f * s mod p for a small constant s &lt; 2^20; f's limbs &lt; 2^53. */
    static void mulSmall(long[] o, long[] f, long s) {
        long S = s << 5;
        long l0 = f[0] * s, l1 = f[1] * s, l2 = f[2] * s, l3 = f[3] * s, l4 = f[4] * s;
        long h0 = Math.multiplyHigh(f[0] << 8, S), h1 = Math.multiplyHigh(f[1] << 8, S);
        long h2 = Math.multiplyHigh(f[2] << 8, S), h3 = Math.multiplyHigh(f[3] << 8, S);
        long h4 = Math.multiplyHigh(f[4] << 8, S);
        long t = (l1 & M) + h0;
        long r1 = t & M;
        t = (l2 & M) + (t >>> 51) + h1;
        long r2 = t & M;
        t = (l3 & M) + (t >>> 51) + h2;
        long r3 = t & M;
        t = (l4 & M) + (t >>> 51) + h3;
        long r4 = t & M;
        t = (l0 & M) + 19 * ((t >>> 51) + h4);
        o[0] = t & M;
        o[1] = r1 + (t >>> 51);
        o[2] = r2;
        o[3] = r3;
        o[4] = r4;
    }

    /** u-coordinate from 32 little-endian bytes, top bit masked (RFC 7748 decodeUCoordinate). */
    static void decode(byte[] in, int off, long[] o) {
        long w0 = (long) LE.get(in, off), w1 = (long) LE.get(in, off + 8);
        long w2 = (long) LE.get(in, off + 16), w3 = (long) LE.get(in, off + 24);
        o[0] = w0 & M;
        o[1] = ((w0 >>> 51) | (w1 << 13)) & M;
        o[2] = ((w1 >>> 38) | (w2 << 26)) & M;
        o[3] = ((w2 >>> 25) | (w3 << 39)) & M;
        o[4] = (w3 >>> 12) & M;
    }

    /** The canonical (fully reduced mod p) little-endian encoding of f (limbs &lt; 2^52). */
    static void encode(long[] f, byte[] out, int off) {
        long h0 = f[0], h1 = f[1], h2 = f[2], h3 = f[3], h4 = f[4];
        // carry so that every limb is < 2^51 (+1 in h1): the value is now < 2p
        h1 += h0 >>> 51;
        h0 &= M;
        h2 += h1 >>> 51;
        h1 &= M;
        h3 += h2 >>> 51;
        h2 &= M;
        h4 += h3 >>> 51;
        h3 &= M;
        h0 += 19 * (h4 >>> 51);
        h4 &= M;
        h1 += h0 >>> 51;
        h0 &= M;
        // q = 1 if h >= p (h + 19 >= 2^255), else 0; then h - q*p = h + 19q - q*2^255
        long q = (h0 + 19) >>> 51;
        q = (h1 + q) >>> 51;
        q = (h2 + q) >>> 51;
        q = (h3 + q) >>> 51;
        q = (h4 + q) >>> 51;
        h0 += 19 * q;
        h1 += h0 >>> 51;
        h0 &= M;
        h2 += h1 >>> 51;
        h1 &= M;
        h3 += h2 >>> 51;
        h2 &= M;
        h4 += h3 >>> 51;
        h3 &= M;
        h4 &= M;
        LE.set(out, off, h0 | (h1 << 51));
        LE.set(out, off + 8, (h1 >>> 13) | (h2 << 38));
        LE.set(out, off + 16, (h2 >>> 26) | (h3 << 25));
        LE.set(out, off + 24, (h3 >>> 39) | (h4 << 12));
    }

    @Override
    public String toString() {
        return "X25519[scratch redacted]";
    }
}
