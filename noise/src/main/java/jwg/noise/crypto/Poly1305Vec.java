package jwg.noise.crypto;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 4-way SIMD Poly1305 with {@code jdk.incubator.vector} (AVX2: one 256-bit {@code LongVector}
 * holds one 26-bit limb of four independent accumulators). Lane j absorbs blocks j, j+4, j+8, ...
 * of a run: {@code H = H * r^4 + M} per 64 bytes, and the run ends ({@link #flush}) with
 * {@code h = sum_j H_j * r^(4-j)}. Radix 2^26 keeps every product a 32x32->64 one, which C2
 * compiles to {@code vpmuludq} when both operands are masked to 32 bits (JDK-8341137): about
 * 4.4 GB/s here against 1.5 GB/s for the scalar radix-2^64 code (1420-byte MACs).
 *
 * <p>Keep the message load inline in {@link #absorb}: moving it into small helper methods
 * (lo/hi of a block pair) cut the speed to ~1.1 GB/s (the vectors were apparently no longer
 * kept in registers). An 8-way variant on 512-bit vectors (AVX-512, {@code selectFrom}) ran no
 * faster on this Xeon (4.35 vs 4.4 GB/s), so there is one width.
 *
 * <p>Only reached through {@link Poly1305} when {@link Poly1305#SIMD} says the module is present
 * and this class passed its self-test; the class must not be touched otherwise (it links
 * against the incubator module).
 */
final class Poly1305Vec {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Lanes, and bytes per group of one block per lane. */
    static final int L = 4, GROUP = 64;

    private static final long M = 0x3ffffffL;
    private static final long U = 0xffffffffL;
    /** [lo0,hi0,lo1,hi1] -> [lo0,lo1,hi0,hi1] */
    private static final VectorShuffle<Long> SH_A = VectorShuffle.fromValues(S, 0, 2, 1, 3);
    /** [lo2,hi2,lo3,hi3] -> [hi2,hi3,lo2,lo3] */
    private static final VectorShuffle<Long> SH_B = VectorShuffle.fromValues(S, 1, 3, 0, 2);

    private static final VectorShuffle<Long> SWAP = VectorShuffle.fromValues(S, 2, 3, 0, 1);
    private static final VectorMask<Long> HIGH = VectorMask.fromValues(S, false, false, true, true);

    private Poly1305Vec() {}

    /** False when 256-bit vectors would run in Java code instead of AVX2 (no gain, much garbage). */
    static boolean hardwareBacked() {
        return LongVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }

    /** Writes the 26-bit limbs of a (partially reduced) power of r into lane {@code lane} of pw. */
    static void putPower(long[] pw, int lane, long a0, long a1, long a2) {
        Poly1305.toLimbs26(pw, lane, L, a0, a1, a2);
        for (int row = 1; row < 5; row++) pw[(row + 4) * L + lane] = 5 * pw[row * L + lane];
    }

    /**
     * Absorbs {@code len} bytes (a multiple of 64) of full blocks. With {@code enc}, the blocks
     * are {@code src XOR ks}, written to {@code dst} (the AEAD's seal); else they are read from src.
     */
    static void absorb(
            Poly1305 p,
            MemorySegment src,
            long so,
            MemorySegment dst,
            long dO,
            MemorySegment ks,
            long ko,
            long len,
            boolean enc) {
        long[] pw = p.vpow, acc = p.vacc;
        long o = 0;
        LongVector h0, h1, h2, h3, h4;
        if (!p.vecActive) {
            if (!p.powersReady) p.computePowers();
            p.vecActive = true;
            long a0 = p.h0, a1 = p.h1, a2 = p.h2;
            java.util.Arrays.fill(acc, 0);
            Poly1305.toLimbs26(acc, 0, L, a0, a1, a2);
            h0 = LongVector.fromArray(S, acc, 0);
            h1 = LongVector.fromArray(S, acc, 4);
            h2 = LongVector.fromArray(S, acc, 8);
            h3 = LongVector.fromArray(S, acc, 12);
            h4 = LongVector.fromArray(S, acc, 16);
            // first group: H = [h,0,0,0] + M (no multiplication)
            LongVector a = LongVector.fromMemorySegment(S, src, so, LE);
            LongVector b = LongVector.fromMemorySegment(S, src, so + 32, LE);
            if (enc) {
                a = a.lanewise(VectorOperators.XOR, LongVector.fromMemorySegment(S, ks, ko, LE));
                b = b.lanewise(VectorOperators.XOR, LongVector.fromMemorySegment(S, ks, ko + 32, LE));
                a.intoMemorySegment(dst, dO, LE);
                b.intoMemorySegment(dst, dO + 32, LE);
            }
            LongVector x = a.rearrange(SH_A), y = b.rearrange(SH_B);
            LongVector lo = x.blend(y, HIGH), hi = y.blend(x, HIGH).rearrange(SWAP);
            h0 = h0.add(lo.and(M));
            h1 = h1.add(lo.lanewise(VectorOperators.LSHR, 26).and(M));
            h2 = h2.add(lo.lanewise(VectorOperators.LSHR, 52)
                    .or(hi.lanewise(VectorOperators.LSHL, 12))
                    .and(M));
            h3 = h3.add(hi.lanewise(VectorOperators.LSHR, 14).and(M));
            h4 = h4.add(hi.lanewise(VectorOperators.LSHR, 40).or(1L << 24));
            o = 64;
        } else {
            h0 = LongVector.fromArray(S, acc, 0);
            h1 = LongVector.fromArray(S, acc, 4);
            h2 = LongVector.fromArray(S, acc, 8);
            h3 = LongVector.fromArray(S, acc, 12);
            h4 = LongVector.fromArray(S, acc, 16);
        }
        // r^4 in every lane (lane 0 of the power table)
        LongVector r0 = LongVector.broadcast(S, pw[0]).and(U);
        LongVector r1 = LongVector.broadcast(S, pw[4]).and(U);
        LongVector r2 = LongVector.broadcast(S, pw[8]).and(U);
        LongVector r3 = LongVector.broadcast(S, pw[12]).and(U);
        LongVector r4 = LongVector.broadcast(S, pw[16]).and(U);
        LongVector s1 = LongVector.broadcast(S, pw[20]).and(U);
        LongVector s2 = LongVector.broadcast(S, pw[24]).and(U);
        LongVector s3 = LongVector.broadcast(S, pw[28]).and(U);
        LongVector s4 = LongVector.broadcast(S, pw[32]).and(U);
        for (; o < len; o += 64) {
            LongVector a = LongVector.fromMemorySegment(S, src, so + o, LE);
            LongVector b = LongVector.fromMemorySegment(S, src, so + o + 32, LE);
            if (enc) {
                a = a.lanewise(VectorOperators.XOR, LongVector.fromMemorySegment(S, ks, ko + o, LE));
                b = b.lanewise(VectorOperators.XOR, LongVector.fromMemorySegment(S, ks, ko + o + 32, LE));
                a.intoMemorySegment(dst, dO + o, LE);
                b.intoMemorySegment(dst, dO + o + 32, LE);
            }
            // H *= r^4
            LongVector g0 = h0.and(U), g1 = h1.and(U), g2 = h2.and(U), g3 = h3.and(U), g4 = h4.and(U);
            LongVector d0 =
                    g0.mul(r0).add(g1.mul(s4)).add(g2.mul(s3)).add(g3.mul(s2)).add(g4.mul(s1));
            LongVector d1 =
                    g0.mul(r1).add(g1.mul(r0)).add(g2.mul(s4)).add(g3.mul(s3)).add(g4.mul(s2));
            LongVector d2 =
                    g0.mul(r2).add(g1.mul(r1)).add(g2.mul(r0)).add(g3.mul(s4)).add(g4.mul(s3));
            LongVector d3 =
                    g0.mul(r3).add(g1.mul(r2)).add(g2.mul(r1)).add(g3.mul(r0)).add(g4.mul(s4));
            LongVector d4 =
                    g0.mul(r4).add(g1.mul(r3)).add(g2.mul(r2)).add(g3.mul(r1)).add(g4.mul(r0));
            // partial carry, two chains interleaved (0->1->2->3->4 and 3->4->0->1)
            LongVector c0 = d0.lanewise(VectorOperators.LSHR, 26), c3 = d3.lanewise(VectorOperators.LSHR, 26);
            d0 = d0.and(M);
            d3 = d3.and(M);
            d1 = d1.add(c0);
            d4 = d4.add(c3);
            LongVector c1 = d1.lanewise(VectorOperators.LSHR, 26), c4 = d4.lanewise(VectorOperators.LSHR, 26);
            d1 = d1.and(M);
            d4 = d4.and(M);
            d2 = d2.add(c1);
            d0 = d0.add(c4).add(c4.lanewise(VectorOperators.LSHL, 2));
            LongVector c2 = d2.lanewise(VectorOperators.LSHR, 26);
            c0 = d0.lanewise(VectorOperators.LSHR, 26);
            d2 = d2.and(M);
            d0 = d0.and(M);
            d3 = d3.add(c2);
            d1 = d1.add(c0);
            c3 = d3.lanewise(VectorOperators.LSHR, 26);
            d3 = d3.and(M);
            d4 = d4.add(c3);
            // H += M
            LongVector x = a.rearrange(SH_A), y = b.rearrange(SH_B);
            LongVector lo = x.blend(y, HIGH), hi = y.blend(x, HIGH).rearrange(SWAP);
            h0 = d0.add(lo.and(M));
            h1 = d1.add(lo.lanewise(VectorOperators.LSHR, 26).and(M));
            h2 = d2.add(lo.lanewise(VectorOperators.LSHR, 52)
                    .or(hi.lanewise(VectorOperators.LSHL, 12))
                    .and(M));
            h3 = d3.add(hi.lanewise(VectorOperators.LSHR, 14).and(M));
            h4 = d4.add(hi.lanewise(VectorOperators.LSHR, 40).or(1L << 24));
        }
        h0.intoArray(acc, 0);
        h1.intoArray(acc, 4);
        h2.intoArray(acc, 8);
        h3.intoArray(acc, 12);
        h4.intoArray(acc, 16);
    }

    /** Ends a vector run: h = sum_j H_j * r^(4-j), back into Poly1305's radix-2^64 accumulator. */
    static void flush(Poly1305 p) {
        long[] pw = p.vpow, acc = p.vacc;
        LongVector g0 = LongVector.fromArray(S, acc, 0).and(U);
        LongVector g1 = LongVector.fromArray(S, acc, 4).and(U);
        LongVector g2 = LongVector.fromArray(S, acc, 8).and(U);
        LongVector g3 = LongVector.fromArray(S, acc, 12).and(U);
        LongVector g4 = LongVector.fromArray(S, acc, 16).and(U);
        LongVector r0 = LongVector.fromArray(S, pw, 0).and(U);
        LongVector r1 = LongVector.fromArray(S, pw, 4).and(U);
        LongVector r2 = LongVector.fromArray(S, pw, 8).and(U);
        LongVector r3 = LongVector.fromArray(S, pw, 12).and(U);
        LongVector r4 = LongVector.fromArray(S, pw, 16).and(U);
        LongVector s1 = LongVector.fromArray(S, pw, 20).and(U);
        LongVector s2 = LongVector.fromArray(S, pw, 24).and(U);
        LongVector s3 = LongVector.fromArray(S, pw, 28).and(U);
        LongVector s4 = LongVector.fromArray(S, pw, 32).and(U);
        // each lane < 2^61 / 4, so the four-lane sums fit
        long d0 = g0.mul(r0)
                .add(g1.mul(s4))
                .add(g2.mul(s3))
                .add(g3.mul(s2))
                .add(g4.mul(s1))
                .reduceLanes(VectorOperators.ADD);
        long d1 = g0.mul(r1)
                .add(g1.mul(r0))
                .add(g2.mul(s4))
                .add(g3.mul(s3))
                .add(g4.mul(s2))
                .reduceLanes(VectorOperators.ADD);
        long d2 = g0.mul(r2)
                .add(g1.mul(r1))
                .add(g2.mul(r0))
                .add(g3.mul(s4))
                .add(g4.mul(s3))
                .reduceLanes(VectorOperators.ADD);
        long d3 = g0.mul(r3)
                .add(g1.mul(r2))
                .add(g2.mul(r1))
                .add(g3.mul(r0))
                .add(g4.mul(s4))
                .reduceLanes(VectorOperators.ADD);
        long d4 = g0.mul(r4)
                .add(g1.mul(r3))
                .add(g2.mul(r2))
                .add(g3.mul(r1))
                .add(g4.mul(r0))
                .reduceLanes(VectorOperators.ADD);
        long c;
        c = d0 >>> 26;
        d0 &= M;
        d1 += c;
        c = d1 >>> 26;
        d1 &= M;
        d2 += c;
        c = d2 >>> 26;
        d2 &= M;
        d3 += c;
        c = d3 >>> 26;
        d3 &= M;
        d4 += c;
        c = d4 >>> 26;
        d4 &= M;
        d0 += c * 5;
        c = d0 >>> 26;
        d0 &= M;
        d1 += c;
        c = d1 >>> 26;
        d1 &= M;
        d2 += c;
        c = d2 >>> 26;
        d2 &= M;
        d3 += c;
        c = d3 >>> 26;
        d3 &= M;
        d4 += c; // d4 <= 2^26: h2 <= 4 below
        p.fromLimbs26(d0, d1, d2, d3, d4);
        p.vecActive = false;
    }

    /**
     * Compares this class with the scalar Poly1305 on lengths 0..1500 (every tail length, runs
     * that start after scalar blocks) under a key with maximal r; true when all tags agree.
     */
    static boolean selfTest() {
        Poly1305 v = new Poly1305(true), s = new Poly1305(false);
        byte[] key = new byte[32], msg = new byte[1500], t1 = new byte[16], t2 = new byte[16];
        long x = 0x9e3779b97f4a7c15L;
        for (int i = 0; i < msg.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            msg[i] = (byte) x;
        }
        for (int i = 0; i < 32; i++) key[i] = (byte) (i < 16 ? 0xff : i * 7);
        MemorySegment m = MemorySegment.ofArray(msg);
        for (int len = 0; len <= msg.length; len += (len < 300 ? 1 : 37)) {
            for (int pre = 0; pre <= 32 && pre <= len; pre += 16) {
                v.init(key, 0);
                s.init(key, 0);
                v.padded(m, 0, pre);
                s.padded(m, 0, pre);
                v.padded(m, pre, len - pre);
                s.padded(m, pre, len - pre);
                v.lengths(pre, len);
                s.lengths(pre, len);
                v.finish(t1, 0);
                s.finish(t2, 0);
                if (!java.util.Arrays.equals(t1, t2)) return false;
            }
        }
        return true;
    }
}
