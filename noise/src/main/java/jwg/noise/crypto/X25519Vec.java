package jwg.noise.crypto;

import java.util.Arrays;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Four X25519 ladders (RFC 7748 section 5) side by side, one per lane of a 256-bit
 * {@code LongVector}, all under the same scalar: the responder's es = DH(our static private,
 * initiator's ephemeral) for four queued initiations at once. Field elements are ten limbs of
 * 26 and 25 bits (radix 2^25.5, as in ref10), unsigned, so every partial product is a 32x32->64
 * one, which C2 compiles to {@code vpmuludq} when both operands are masked to 32 bits
 * (JDK-8341137; see {@link Poly1305Vec}). Subtractions add 2p so that limbs stay non-negative.
 *
 * <p>The scalar is the same in every lane, so the ladder's conditional swap takes one broadcast
 * mask per step; it is still a mask (no branch or index on a bit of the scalar), and nothing
 * depends on the points either.
 *
 * <p>State lives in one {@code long[]}: element {@code e} is {@code s[e*40, e*40+40)}, limb i of
 * lane j at {@code e*40 + 4*i + j}. Each operation loads its operands, computes in registers and
 * stores its result, so no vector object outlives a method (C2 keeps them unboxed; passing
 * vectors between methods would allocate).
 *
 * <p>Limb bounds: mul/sqr/mulSmall outputs have limbs below 2^26 (even) and 2^25 + 2^17 (odd);
 * sums of two such and differences (f - g + 2p) stay below 1.5 * 2^27, which mul/sqr accept:
 * 19 * 1.5 * 2^27 &lt; 2^32 (the masked operand), and a limb's sum of products, at most 267
 * times (1.5 * 2^27)^2, is below 2^63.3 (unsigned, no wrap).
 *
 * <p>Only reached through {@link X25519Batch} when the module is present, 256-bit vectors are
 * hardware-backed and the self-test passed; the class must not be touched otherwise.
 */
final class X25519Vec {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_256;
    static final int LANES = 4;
    private static final long U = 0xffffffffL, M26 = (1L << 26) - 1, M25 = (1L << 25) - 1;
    /** Longs per field element (ten limbs by four lanes). */
    private static final int W = 40;
    // elements (offsets into the state)
    private static final int X1 = 0, X2 = W, Z2 = 2 * W, X3 = 3 * W, Z3 = 4 * W, A = 5 * W, B = 6 * W, C = 7 * W;
    private static final int D = 8 * W, AA = 9 * W, BB = 10 * W, E = 11 * W, T0 = 12 * W, T1 = 13 * W, T2 = 14 * W;
    private static final int T3 = 15 * W, SIZE = 16 * W;
    /** 2p in radix 2^25.5. */
    private static final long P2_0 = 0x7ffffdaL, P2_EVEN = 0x7fffffeL, P2_ODD = 0x3fffffeL;

    private final long[] s = new long[SIZE];
    private final long[] scalar = new long[4];
    private final long[] limbs = new long[5];

    /**
     * out[32j, 32j+32) = X25519(k, u[32j, 32j+32)) for the four lanes j, as RFC 7748 defines it
     * (k clamped on a copy, the top bit of u ignored, u may be non-canonical). Then wipes.
     */
    void scalarMult(byte[] k, int kOff, byte[] u, byte[] out) {
        X25519.decodeScalar(k, kOff, scalar);
        long[] s = this.s;
        for (int j = 0; j < LANES; j++) {
            X25519.decode(u, 32 * j, limbs);
            for (int i = 0; i < 5; i++) {
                s[X1 + 8 * i + j] = limbs[i] & M26;
                s[X1 + 8 * i + 4 + j] = limbs[i] >>> 26;
            }
        }
        ladder();
        invert(T0, Z2);
        mul(T0, X2, T0);
        for (int j = 0; j < LANES; j++) {
            for (int i = 0; i < 5; i++) limbs[i] = s[T0 + 8 * i + j] + (s[T0 + 8 * i + 4 + j] << 26);
            X25519.encode(limbs, out, 32 * j);
        }
        Arrays.fill(s, 0);
        Arrays.fill(scalar, 0);
        Arrays.fill(limbs, 0);
    }

    /** The ladder of RFC 7748 section 5 in every lane; x1 holds the u's. */
    private void ladder() {
        long[] s = this.s;
        Arrays.fill(s, X2, SIZE, 0);
        for (int j = 0; j < LANES; j++) {
            s[X2 + j] = 1;
            s[Z3 + j] = 1;
        }
        System.arraycopy(s, X1, s, X3, W);
        long swap = 0;
        for (int t = 254; t >= 0; t--) {
            long kt = (scalar[t >>> 6] >>> (t & 63)) & 1;
            swap ^= kt;
            cswap(s, swap, X2, X3);
            cswap(s, swap, Z2, Z3);
            swap = kt;
            add(s, A, X2, Z2); // A = x2 + z2
            sub(s, B, X2, Z2); // B = x2 - z2
            add(s, C, X3, Z3); // C = x3 + z3
            sub(s, D, X3, Z3); // D = x3 - z3
            mul(D, D, A); // DA
            mul(C, C, B); // CB
            sqr(AA, A); // AA
            sqr(BB, B); // BB
            add(s, X3, D, C);
            sqr(X3, X3); // x3 = (DA + CB)^2
            sub(s, Z3, D, C);
            sqr(Z3, Z3); // (DA - CB)^2
            mul(Z3, Z3, X1); // z3 = x1 * (DA - CB)^2
            mul(X2, AA, BB); // x2 = AA * BB
            sub(s, E, AA, BB); // E = AA - BB
            mul121665(A, E); // a24 * E
            add(s, A, A, AA); // AA + a24 * E
            mul(Z2, E, A); // z2 = E * (AA + a24 * E)
        }
        cswap(s, swap, X2, X3);
        cswap(s, swap, Z2, Z3);
    }

    /** out = z^(p-2) = 1/z in every lane (ref10's fe_invert chain; see {@link X25519}). */
    private void invert(int out, int z) {
        sqr(T1, z); // 2
        sqrN(T2, T1, 2); // 8
        mul(T2, z, T2); // 9
        mul(T1, T1, T2); // 11
        sqr(T3, T1); // 22
        mul(T2, T2, T3); // 2^5 - 1
        sqrN(T3, T2, 5);
        mul(T2, T3, T2); // 2^10 - 1
        sqrN(T3, T2, 10);
        mul(T3, T3, T2); // 2^20 - 1
        sqrN(AA, T3, 20);
        mul(T3, AA, T3); // 2^40 - 1
        sqrN(T3, T3, 10);
        mul(T2, T3, T2); // 2^50 - 1
        sqrN(T3, T2, 50);
        mul(T3, T3, T2); // 2^100 - 1
        sqrN(AA, T3, 100);
        mul(T3, AA, T3); // 2^200 - 1
        sqrN(T3, T3, 50);
        mul(T2, T3, T2); // 2^250 - 1
        sqrN(T2, T2, 5); // 2^255 - 2^5
        mul(out, T2, T1); // 2^255 - 21 = p - 2
    }

    private void sqrN(int o, int f, int n) {
        sqr(o, f);
        for (int i = 1; i < n; i++) sqr(o, o);
    }

    /** Swaps f and g in every lane when swap is 1 (a broadcast mask, no branch). */
    private static void cswap(long[] s, long swap, int f, int g) {
        LongVector m = LongVector.broadcast(S, -swap);
        for (int i = 0; i < W; i += LANES) {
            LongVector a = LongVector.fromArray(S, s, f + i), b = LongVector.fromArray(S, s, g + i);
            LongVector x = a.lanewise(VectorOperators.XOR, b).and(m);
            a.lanewise(VectorOperators.XOR, x).intoArray(s, f + i);
            b.lanewise(VectorOperators.XOR, x).intoArray(s, g + i);
        }
    }

    private static void add(long[] s, int o, int f, int g) {
        for (int i = 0; i < W; i += LANES)
            LongVector.fromArray(S, s, f + i)
                    .add(LongVector.fromArray(S, s, g + i))
                    .intoArray(s, o + i);
    }

    /** o = f - g + 2p (g's limbs below 2p's: outputs of mul/sqr and decoded u's). */
    private static void sub(long[] s, int o, int f, int g) {
        for (int i = 0; i < W; i += LANES) {
            long bias = i == 0 ? P2_0 : (i & 4) == 0 ? P2_EVEN : P2_ODD;
            LongVector.fromArray(S, s, f + i)
                    .add(bias)
                    .sub(LongVector.fromArray(S, s, g + i))
                    .intoArray(s, o + i);
        }
    }

    /** o = f * g mod p in every lane (ref10 fe_mul, unsigned). o may alias f or g. */
    private void mul(int o, int f, int g) {
        long[] s = this.s;
        LongVector f0 = LongVector.fromArray(S, s, f + 0).and(U);
        LongVector f1 = LongVector.fromArray(S, s, f + 4).and(U);
        LongVector f2 = LongVector.fromArray(S, s, f + 8).and(U);
        LongVector f3 = LongVector.fromArray(S, s, f + 12).and(U);
        LongVector f4 = LongVector.fromArray(S, s, f + 16).and(U);
        LongVector f5 = LongVector.fromArray(S, s, f + 20).and(U);
        LongVector f6 = LongVector.fromArray(S, s, f + 24).and(U);
        LongVector f7 = LongVector.fromArray(S, s, f + 28).and(U);
        LongVector f8 = LongVector.fromArray(S, s, f + 32).and(U);
        LongVector f9 = LongVector.fromArray(S, s, f + 36).and(U);
        LongVector d1 = f1.add(f1).and(U);
        LongVector d3 = f3.add(f3).and(U);
        LongVector d5 = f5.add(f5).and(U);
        LongVector d7 = f7.add(f7).and(U);
        LongVector d9 = f9.add(f9).and(U);
        LongVector g0 = LongVector.fromArray(S, s, g + 0).and(U);
        LongVector g1 = LongVector.fromArray(S, s, g + 4).and(U);
        LongVector g2 = LongVector.fromArray(S, s, g + 8).and(U);
        LongVector g3 = LongVector.fromArray(S, s, g + 12).and(U);
        LongVector g4 = LongVector.fromArray(S, s, g + 16).and(U);
        LongVector g5 = LongVector.fromArray(S, s, g + 20).and(U);
        LongVector g6 = LongVector.fromArray(S, s, g + 24).and(U);
        LongVector g7 = LongVector.fromArray(S, s, g + 28).and(U);
        LongVector g8 = LongVector.fromArray(S, s, g + 32).and(U);
        LongVector g9 = LongVector.fromArray(S, s, g + 36).and(U);
        LongVector n1 = g1.lanewise(VectorOperators.LSHL, 4)
                .add(g1.lanewise(VectorOperators.LSHL, 1))
                .add(g1)
                .and(U);
        LongVector n2 = g2.lanewise(VectorOperators.LSHL, 4)
                .add(g2.lanewise(VectorOperators.LSHL, 1))
                .add(g2)
                .and(U);
        LongVector n3 = g3.lanewise(VectorOperators.LSHL, 4)
                .add(g3.lanewise(VectorOperators.LSHL, 1))
                .add(g3)
                .and(U);
        LongVector n4 = g4.lanewise(VectorOperators.LSHL, 4)
                .add(g4.lanewise(VectorOperators.LSHL, 1))
                .add(g4)
                .and(U);
        LongVector n5 = g5.lanewise(VectorOperators.LSHL, 4)
                .add(g5.lanewise(VectorOperators.LSHL, 1))
                .add(g5)
                .and(U);
        LongVector n6 = g6.lanewise(VectorOperators.LSHL, 4)
                .add(g6.lanewise(VectorOperators.LSHL, 1))
                .add(g6)
                .and(U);
        LongVector n7 = g7.lanewise(VectorOperators.LSHL, 4)
                .add(g7.lanewise(VectorOperators.LSHL, 1))
                .add(g7)
                .and(U);
        LongVector n8 = g8.lanewise(VectorOperators.LSHL, 4)
                .add(g8.lanewise(VectorOperators.LSHL, 1))
                .add(g8)
                .and(U);
        LongVector n9 = g9.lanewise(VectorOperators.LSHL, 4)
                .add(g9.lanewise(VectorOperators.LSHL, 1))
                .add(g9)
                .and(U);
        // h_k = sum of f_i g_j over i + j = k (doubled when i and j are odd: 2^26 * 2^25 * 2^26 ... )
        LongVector h0 = f0.mul(g0)
                .add(d1.mul(n9))
                .add(f2.mul(n8))
                .add(d3.mul(n7))
                .add(f4.mul(n6))
                .add(d5.mul(n5))
                .add(f6.mul(n4))
                .add(d7.mul(n3))
                .add(f8.mul(n2))
                .add(d9.mul(n1));
        LongVector h1 = f0.mul(g1)
                .add(f1.mul(g0))
                .add(f2.mul(n9))
                .add(f3.mul(n8))
                .add(f4.mul(n7))
                .add(f5.mul(n6))
                .add(f6.mul(n5))
                .add(f7.mul(n4))
                .add(f8.mul(n3))
                .add(f9.mul(n2));
        LongVector h2 = f0.mul(g2)
                .add(d1.mul(g1))
                .add(f2.mul(g0))
                .add(d3.mul(n9))
                .add(f4.mul(n8))
                .add(d5.mul(n7))
                .add(f6.mul(n6))
                .add(d7.mul(n5))
                .add(f8.mul(n4))
                .add(d9.mul(n3));
        LongVector h3 = f0.mul(g3)
                .add(f1.mul(g2))
                .add(f2.mul(g1))
                .add(f3.mul(g0))
                .add(f4.mul(n9))
                .add(f5.mul(n8))
                .add(f6.mul(n7))
                .add(f7.mul(n6))
                .add(f8.mul(n5))
                .add(f9.mul(n4));
        LongVector h4 = f0.mul(g4)
                .add(d1.mul(g3))
                .add(f2.mul(g2))
                .add(d3.mul(g1))
                .add(f4.mul(g0))
                .add(d5.mul(n9))
                .add(f6.mul(n8))
                .add(d7.mul(n7))
                .add(f8.mul(n6))
                .add(d9.mul(n5));
        LongVector h5 = f0.mul(g5)
                .add(f1.mul(g4))
                .add(f2.mul(g3))
                .add(f3.mul(g2))
                .add(f4.mul(g1))
                .add(f5.mul(g0))
                .add(f6.mul(n9))
                .add(f7.mul(n8))
                .add(f8.mul(n7))
                .add(f9.mul(n6));
        LongVector h6 = f0.mul(g6)
                .add(d1.mul(g5))
                .add(f2.mul(g4))
                .add(d3.mul(g3))
                .add(f4.mul(g2))
                .add(d5.mul(g1))
                .add(f6.mul(g0))
                .add(d7.mul(n9))
                .add(f8.mul(n8))
                .add(d9.mul(n7));
        LongVector h7 = f0.mul(g7)
                .add(f1.mul(g6))
                .add(f2.mul(g5))
                .add(f3.mul(g4))
                .add(f4.mul(g3))
                .add(f5.mul(g2))
                .add(f6.mul(g1))
                .add(f7.mul(g0))
                .add(f8.mul(n9))
                .add(f9.mul(n8));
        LongVector h8 = f0.mul(g8)
                .add(d1.mul(g7))
                .add(f2.mul(g6))
                .add(d3.mul(g5))
                .add(f4.mul(g4))
                .add(d5.mul(g3))
                .add(f6.mul(g2))
                .add(d7.mul(g1))
                .add(f8.mul(g0))
                .add(d9.mul(n9));
        LongVector h9 = f0.mul(g9)
                .add(f1.mul(g8))
                .add(f2.mul(g7))
                .add(f3.mul(g6))
                .add(f4.mul(g5))
                .add(f5.mul(g4))
                .add(f6.mul(g3))
                .add(f7.mul(g2))
                .add(f8.mul(g1))
                .add(f9.mul(g0));
        // carry (unsigned): 0 4, 1 5, 2 6, 3 7, 4 8, 9 (times 19 into 0), 0
        LongVector c;
        c = h0.lanewise(VectorOperators.LSHR, 26);
        h0 = h0.and(M26);
        h1 = h1.add(c);
        c = h4.lanewise(VectorOperators.LSHR, 26);
        h4 = h4.and(M26);
        h5 = h5.add(c);
        c = h1.lanewise(VectorOperators.LSHR, 25);
        h1 = h1.and(M25);
        h2 = h2.add(c);
        c = h5.lanewise(VectorOperators.LSHR, 25);
        h5 = h5.and(M25);
        h6 = h6.add(c);
        c = h2.lanewise(VectorOperators.LSHR, 26);
        h2 = h2.and(M26);
        h3 = h3.add(c);
        c = h6.lanewise(VectorOperators.LSHR, 26);
        h6 = h6.and(M26);
        h7 = h7.add(c);
        c = h3.lanewise(VectorOperators.LSHR, 25);
        h3 = h3.and(M25);
        h4 = h4.add(c);
        c = h7.lanewise(VectorOperators.LSHR, 25);
        h7 = h7.and(M25);
        h8 = h8.add(c);
        c = h4.lanewise(VectorOperators.LSHR, 26);
        h4 = h4.and(M26);
        h5 = h5.add(c);
        c = h8.lanewise(VectorOperators.LSHR, 26);
        h8 = h8.and(M26);
        h9 = h9.add(c);
        c = h9.lanewise(VectorOperators.LSHR, 25);
        h9 = h9.and(M25);
        h0 = h0.add(c.lanewise(VectorOperators.LSHL, 4))
                .add(c.lanewise(VectorOperators.LSHL, 1))
                .add(c);
        c = h0.lanewise(VectorOperators.LSHR, 26);
        h0 = h0.and(M26);
        h1 = h1.add(c);
        h0.intoArray(s, o + 0);
        h1.intoArray(s, o + 4);
        h2.intoArray(s, o + 8);
        h3.intoArray(s, o + 12);
        h4.intoArray(s, o + 16);
        h5.intoArray(s, o + 20);
        h6.intoArray(s, o + 24);
        h7.intoArray(s, o + 28);
        h8.intoArray(s, o + 32);
        h9.intoArray(s, o + 36);
    }

    /** o = f^2 mod p in every lane (ref10 fe_sq, unsigned). o may alias f. */
    private void sqr(int o, int f) {
        long[] s = this.s;
        LongVector f0 = LongVector.fromArray(S, s, f + 0).and(U);
        LongVector f1 = LongVector.fromArray(S, s, f + 4).and(U);
        LongVector f2 = LongVector.fromArray(S, s, f + 8).and(U);
        LongVector f3 = LongVector.fromArray(S, s, f + 12).and(U);
        LongVector f4 = LongVector.fromArray(S, s, f + 16).and(U);
        LongVector f5 = LongVector.fromArray(S, s, f + 20).and(U);
        LongVector f6 = LongVector.fromArray(S, s, f + 24).and(U);
        LongVector f7 = LongVector.fromArray(S, s, f + 28).and(U);
        LongVector f8 = LongVector.fromArray(S, s, f + 32).and(U);
        LongVector f9 = LongVector.fromArray(S, s, f + 36).and(U);
        LongVector t0 = f0.add(f0).and(U);
        LongVector t1 = f1.add(f1).and(U);
        LongVector t2 = f2.add(f2).and(U);
        LongVector t3 = f3.add(f3).and(U);
        LongVector t4 = f4.add(f4).and(U);
        LongVector t5 = f5.add(f5).and(U);
        LongVector t6 = f6.add(f6).and(U);
        LongVector t7 = f7.add(f7).and(U);
        LongVector t8 = f8.add(f8).and(U);
        LongVector t9 = f9.add(f9).and(U);
        LongVector q1 = t1.add(t1).and(U);
        LongVector q3 = t3.add(t3).and(U);
        LongVector q5 = t5.add(t5).and(U);
        LongVector q7 = t7.add(t7).and(U);
        LongVector n5 = f5.lanewise(VectorOperators.LSHL, 4)
                .add(f5.lanewise(VectorOperators.LSHL, 1))
                .add(f5)
                .and(U);
        LongVector n6 = f6.lanewise(VectorOperators.LSHL, 4)
                .add(f6.lanewise(VectorOperators.LSHL, 1))
                .add(f6)
                .and(U);
        LongVector n7 = f7.lanewise(VectorOperators.LSHL, 4)
                .add(f7.lanewise(VectorOperators.LSHL, 1))
                .add(f7)
                .and(U);
        LongVector n8 = f8.lanewise(VectorOperators.LSHL, 4)
                .add(f8.lanewise(VectorOperators.LSHL, 1))
                .add(f8)
                .and(U);
        LongVector n9 = f9.lanewise(VectorOperators.LSHL, 4)
                .add(f9.lanewise(VectorOperators.LSHL, 1))
                .add(f9)
                .and(U);
        LongVector h0 = f0.mul(f0)
                .add(q1.mul(n9))
                .add(t2.mul(n8))
                .add(q3.mul(n7))
                .add(t4.mul(n6))
                .add(t5.mul(n5));
        LongVector h1 =
                t0.mul(f1).add(t2.mul(n9)).add(t3.mul(n8)).add(t4.mul(n7)).add(t5.mul(n6));
        LongVector h2 = t0.mul(f2)
                .add(t1.mul(f1))
                .add(q3.mul(n9))
                .add(t4.mul(n8))
                .add(q5.mul(n7))
                .add(f6.mul(n6));
        LongVector h3 =
                t0.mul(f3).add(t1.mul(f2)).add(t4.mul(n9)).add(t5.mul(n8)).add(t6.mul(n7));
        LongVector h4 = t0.mul(f4)
                .add(q1.mul(f3))
                .add(f2.mul(f2))
                .add(q5.mul(n9))
                .add(t6.mul(n8))
                .add(t7.mul(n7));
        LongVector h5 =
                t0.mul(f5).add(t1.mul(f4)).add(t2.mul(f3)).add(t6.mul(n9)).add(t7.mul(n8));
        LongVector h6 = t0.mul(f6)
                .add(q1.mul(f5))
                .add(t2.mul(f4))
                .add(t3.mul(f3))
                .add(q7.mul(n9))
                .add(f8.mul(n8));
        LongVector h7 =
                t0.mul(f7).add(t1.mul(f6)).add(t2.mul(f5)).add(t3.mul(f4)).add(t8.mul(n9));
        LongVector h8 = t0.mul(f8)
                .add(q1.mul(f7))
                .add(t2.mul(f6))
                .add(q3.mul(f5))
                .add(f4.mul(f4))
                .add(t9.mul(n9));
        LongVector h9 =
                t0.mul(f9).add(t1.mul(f8)).add(t2.mul(f7)).add(t3.mul(f6)).add(t4.mul(f5));
        // carry (unsigned): 0 4, 1 5, 2 6, 3 7, 4 8, 9 (times 19 into 0), 0
        LongVector c;
        c = h0.lanewise(VectorOperators.LSHR, 26);
        h0 = h0.and(M26);
        h1 = h1.add(c);
        c = h4.lanewise(VectorOperators.LSHR, 26);
        h4 = h4.and(M26);
        h5 = h5.add(c);
        c = h1.lanewise(VectorOperators.LSHR, 25);
        h1 = h1.and(M25);
        h2 = h2.add(c);
        c = h5.lanewise(VectorOperators.LSHR, 25);
        h5 = h5.and(M25);
        h6 = h6.add(c);
        c = h2.lanewise(VectorOperators.LSHR, 26);
        h2 = h2.and(M26);
        h3 = h3.add(c);
        c = h6.lanewise(VectorOperators.LSHR, 26);
        h6 = h6.and(M26);
        h7 = h7.add(c);
        c = h3.lanewise(VectorOperators.LSHR, 25);
        h3 = h3.and(M25);
        h4 = h4.add(c);
        c = h7.lanewise(VectorOperators.LSHR, 25);
        h7 = h7.and(M25);
        h8 = h8.add(c);
        c = h4.lanewise(VectorOperators.LSHR, 26);
        h4 = h4.and(M26);
        h5 = h5.add(c);
        c = h8.lanewise(VectorOperators.LSHR, 26);
        h8 = h8.and(M26);
        h9 = h9.add(c);
        c = h9.lanewise(VectorOperators.LSHR, 25);
        h9 = h9.and(M25);
        h0 = h0.add(c.lanewise(VectorOperators.LSHL, 4))
                .add(c.lanewise(VectorOperators.LSHL, 1))
                .add(c);
        c = h0.lanewise(VectorOperators.LSHR, 26);
        h0 = h0.and(M26);
        h1 = h1.add(c);
        h0.intoArray(s, o + 0);
        h1.intoArray(s, o + 4);
        h2.intoArray(s, o + 8);
        h3.intoArray(s, o + 12);
        h4.intoArray(s, o + 16);
        h5.intoArray(s, o + 20);
        h6.intoArray(s, o + 24);
        h7.intoArray(s, o + 28);
        h8.intoArray(s, o + 32);
        h9.intoArray(s, o + 36);
    }

    /** o = 121665 f mod p in every lane (the a24 of RFC 7748). */
    private void mul121665(int o, int f) {
        long[] s = this.s;
        LongVector k = LongVector.broadcast(S, 121665L).and(U);
        LongVector h0 = LongVector.fromArray(S, s, f + 0).and(U).mul(k);
        LongVector h1 = LongVector.fromArray(S, s, f + 4).and(U).mul(k);
        LongVector h2 = LongVector.fromArray(S, s, f + 8).and(U).mul(k);
        LongVector h3 = LongVector.fromArray(S, s, f + 12).and(U).mul(k);
        LongVector h4 = LongVector.fromArray(S, s, f + 16).and(U).mul(k);
        LongVector h5 = LongVector.fromArray(S, s, f + 20).and(U).mul(k);
        LongVector h6 = LongVector.fromArray(S, s, f + 24).and(U).mul(k);
        LongVector h7 = LongVector.fromArray(S, s, f + 28).and(U).mul(k);
        LongVector h8 = LongVector.fromArray(S, s, f + 32).and(U).mul(k);
        LongVector h9 = LongVector.fromArray(S, s, f + 36).and(U).mul(k);
        // carry (unsigned): 0 4, 1 5, 2 6, 3 7, 4 8, 9 (times 19 into 0), 0
        LongVector c;
        c = h0.lanewise(VectorOperators.LSHR, 26);
        h0 = h0.and(M26);
        h1 = h1.add(c);
        c = h4.lanewise(VectorOperators.LSHR, 26);
        h4 = h4.and(M26);
        h5 = h5.add(c);
        c = h1.lanewise(VectorOperators.LSHR, 25);
        h1 = h1.and(M25);
        h2 = h2.add(c);
        c = h5.lanewise(VectorOperators.LSHR, 25);
        h5 = h5.and(M25);
        h6 = h6.add(c);
        c = h2.lanewise(VectorOperators.LSHR, 26);
        h2 = h2.and(M26);
        h3 = h3.add(c);
        c = h6.lanewise(VectorOperators.LSHR, 26);
        h6 = h6.and(M26);
        h7 = h7.add(c);
        c = h3.lanewise(VectorOperators.LSHR, 25);
        h3 = h3.and(M25);
        h4 = h4.add(c);
        c = h7.lanewise(VectorOperators.LSHR, 25);
        h7 = h7.and(M25);
        h8 = h8.add(c);
        c = h4.lanewise(VectorOperators.LSHR, 26);
        h4 = h4.and(M26);
        h5 = h5.add(c);
        c = h8.lanewise(VectorOperators.LSHR, 26);
        h8 = h8.and(M26);
        h9 = h9.add(c);
        c = h9.lanewise(VectorOperators.LSHR, 25);
        h9 = h9.and(M25);
        h0 = h0.add(c.lanewise(VectorOperators.LSHL, 4))
                .add(c.lanewise(VectorOperators.LSHL, 1))
                .add(c);
        c = h0.lanewise(VectorOperators.LSHR, 26);
        h0 = h0.and(M26);
        h1 = h1.add(c);
        h0.intoArray(s, o + 0);
        h1.intoArray(s, o + 4);
        h2.intoArray(s, o + 8);
        h3.intoArray(s, o + 12);
        h4.intoArray(s, o + 16);
        h5.intoArray(s, o + 20);
        h6.intoArray(s, o + 24);
        h7.intoArray(s, o + 28);
        h8.intoArray(s, o + 32);
        h9.intoArray(s, o + 36);
    }
}
