package jwg.noise.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Poly1305 (RFC 8439 section 2.5) in radix 2^64: the accumulator is {@code h2:h1:h0} (h2 a
 * few bits), the clamped key {@code r1:r0}. One block costs four 64x64->128 products plus two
 * small ones; the modular reduction uses 2^130 = 5 (mod p), and because clamping leaves
 * {@code r1} divisible by 4, {@code h1*r1*2^128 = h1*(5*r1/4) (mod p)} folds into the low limb.
 *
 * <p>Not thread-safe; holds key material until {@link #wipe()} or the next {@link #init}.
 */
final class Poly1305 {
    static final int KEY_LENGTH = 32;
    static final int TAG_LENGTH = 16;
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * True when the 4-way SIMD path ({@link Poly1305Vec}, {@code jdk.incubator.vector}) is
     * usable: the module is present ({@code --add-modules jdk.incubator.vector}), vectors of 256
     * bits are hardware-backed, and it passed its self-test against the scalar code. Off with
     * {@code -Djwg.crypto.noSimdPoly1305=true}.
     */
    /** Shortest run of full blocks that starts a SIMD run (shorter ones stay scalar). */
    static final int SIMD_MIN = Integer.getInteger("jwg.crypto.simdPoly1305Min", 128);

    static final boolean SIMD = simdAvailable();
    /** True when the blocks go to the JDK's own intrinsic ({@link JdkPoly1305}, AVX-512 IFMA hosts). */
    static final boolean JDK = JdkPoly1305.AVAILABLE;

    private long r0, r1, s1; // clamped r and s1 = 5*r1/4
    private long pad0, pad1; // s, the second half of the one-time key
    long h0, h1, h2; // accumulator (package-private for Poly1305Vec)
    private final byte[] partial = new byte[16];
    private int partialLen;

    // SIMD state (Poly1305Vec): powers of r as 26-bit limbs, the four lane accumulators
    private final boolean simd;
    /** Takes the SIMD path even while the {@link VectorGate} is closed (the warm-up's AEAD). */
    boolean vectors;

    private final int simdMin;
    final long[] vpow = new long[36]; // 9 limb rows (r0..r4, 5*r1..5*r4) x 4 lanes
    final long[] vacc = new long[20]; // 5 limb rows x 4 lanes
    boolean powersReady, vecActive;
    private boolean vecUsed;

    // The JDK intrinsic's state when that path is on (then the fields above are unused)
    private final JdkPoly1305 jdk;
    private boolean jdkOpen; // blocks of this MAC are staged in jdk

    private boolean vectorsAllowed() {
        return vectors | VectorGate.isOpen(); // no branch per operand: see ChaCha20's refill
    }

    Poly1305() {
        this(SIMD, SIMD_MIN, JDK ? new JdkPoly1305() : null);
    }

    /** For tests: {@code simd} forces the path on (only if the module is present) or off; never the JDK's. */
    Poly1305(boolean simd) {
        this(simd, 64, null);
    }

    /** For tests: the JDK intrinsic's path. */
    Poly1305(JdkPoly1305 jdk) {
        this(false, 64, jdk);
    }

    private Poly1305(boolean simd, int simdMin, JdkPoly1305 jdk) {
        this.simd = simd;
        this.simdMin = Math.max(64, simdMin);
        this.jdk = jdk;
    }

    private static boolean simdAvailable() {
        if (Boolean.getBoolean("jwg.crypto.noSimdPoly1305")) return false;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            return Poly1305Vec.hardwareBacked() && Poly1305Vec.selfTest();
        } catch (Throwable t) { // module not readable, or a JDK without this API: stay scalar
            return false;
        }
    }

    /** Mask of a 26-bit limb (the radix of the vector and JDK paths). */
    private static final long M26 = 0x3ffffffL;

    /**
     * Writes a2:a1:a0 (a2 a few bits) as five 26-bit limbs into {@code t[at]}, {@code t[at+stride]},
     * ... (the top limb takes what is above bit 104): the radix of {@link Poly1305Vec} and the JDK.
     */
    static void toLimbs26(long[] t, int at, int stride, long a0, long a1, long a2) {
        t[at] = a0 & M26;
        t[at + stride] = (a0 >>> 26) & M26;
        t[at + 2 * stride] = ((a0 >>> 52) | (a1 << 12)) & M26;
        t[at + 3 * stride] = (a1 >>> 14) & M26;
        t[at + 4 * stride] = (a1 >>> 40) | (a2 << 24);
    }

    /** Sets the accumulator from five carried 26-bit limbs (l4 at most 2^26, so h2 at most 4). */
    void fromLimbs26(long l0, long l1, long l2, long l3, long l4) {
        h0 = l0 | (l1 << 26) | (l2 << 52);
        h1 = (l2 >>> 12) | (l3 << 14) | (l4 << 40);
        h2 = l4 >>> 24;
    }

    /** Starts a MAC under the 32-byte one-time key {@code key[off..off+32]}. */
    void init(byte[] key, int off) {
        init(MemorySegment.ofArray(key), off);
    }

    void init(MemorySegment key, long off) {
        setKey(key.get(LE64, off), key.get(LE64, off + 8), key.get(LE64, off + 16), key.get(LE64, off + 24));
    }

    /** Starts a MAC under the key given as four little-endian 64-bit words (r0, r1, s0, s1). */
    void setKey(long k0, long k1, long k2, long k3) {
        // RFC 8439 2.5.1: clamp(r): r &= 0x0ffffffc0ffffffc0ffffffc0fffffff
        r0 = k0 & 0x0ffffffc0fffffffL;
        r1 = k1 & 0x0ffffffc0ffffffcL;
        s1 = r1 + (r1 >>> 2);
        pad0 = k2;
        pad1 = k3;
        h0 = h1 = h2 = 0;
        partialLen = 0;
        powersReady = vecActive = false;
        if (jdk != null) {
            jdk.start(r0, r1);
            jdkOpen = true;
        }
    }

    /** r^4, r^3, r^2, r into the lanes of {@link #vpow} (for Poly1305Vec). */
    void computePowers() {
        int lanes = Poly1305Vec.L;
        long sh0 = h0, sh1 = h1, sh2 = h2;
        Poly1305Vec.putPower(vpow, lanes - 1, r0, r1, 0);
        h0 = r0;
        h1 = r1;
        h2 = 0;
        for (int lane = lanes - 2; lane >= 0; lane--) {
            block(0, 0, 0); // h *= r
            Poly1305Vec.putPower(vpow, lane, h0, h1, h2);
        }
        h0 = sh0;
        h1 = sh1;
        h2 = sh2;
        powersReady = vecUsed = true;
    }

    /**
     * Absorbs {@code len} bytes as 16-byte blocks, zero-padding the last one to 16 bytes, each with
     * the 2^128 bit set: the AEAD's {@code data || pad16(data)} (RFC 8439 2.8). Must not follow a
     * non-block-aligned {@link #update}.
     */
    void padded(MemorySegment m, long off, long len) {
        long full = len & ~15L;
        if (full > 0) blocks(m, off, full);
        int rest = (int) (len - full);
        if (rest > 0) {
            long p = off + full;
            // The tail without a loop (a byte loop here deoptimized on each new tail length);
            // the zero padding is implicit.
            long m0, m1;
            if (rest >= 8) {
                m0 = m.get(LE64, p);
                m1 = ChaCha20.readTail(m, p + 8, rest - 8);
            } else {
                m0 = ChaCha20.readTail(m, p, rest);
                m1 = 0;
            }
            block(m0, m1, 1);
        }
    }

    /** Absorbs the AEAD's final block: le64(aadLen) || le64(ctLen). */
    void lengths(long aadLen, long ctLen) {
        block(aadLen, ctLen, 1);
    }

    /** Absorbs {@code len} bytes (a multiple of 16) of full blocks. */
    void blocks(MemorySegment m, long off, long len) {
        if (jdkOpen) {
            jdk.blocks(m, off, len);
            return;
        }
        if (simd && (vecActive || len >= simdMin && vectorsAllowed())) {
            long v = len & -(long) Poly1305Vec.GROUP;
            if (v > 0) {
                Poly1305Vec.absorb(this, m, off, null, 0, null, 0, v, false);
                off += v;
                len -= v;
            }
            if (len == 0) return;
        }
        if (vecActive) Poly1305Vec.flush(this);
        // No asSlice here: a slice object that escape analysis fails to remove would allocate.
        long a0 = h0, a1 = h1, a2 = h2;
        final long r0 = this.r0, r1 = this.r1, s1 = this.s1;
        for (long o = off, end = off + len; o < end; o += 16) {
            long m0 = m.get(LE64, o);
            long m1 = m.get(LE64, o + 8);
            // h += m + 2^128 (RFC 8439 2.5.1: "Add one bit beyond the number of octets")
            long t0 = a0 + m0;
            long c = carry(a0, m0, t0);
            long t1 = a1 + m1 + c;
            c = carry(a1, m1, t1);
            a2 += c + 1;
            a0 = t0;
            a1 = t1;
            // h *= r, partially reduced mod 2^130 - 5
            long lo0 = a0 * r0, hi0 = Math.unsignedMultiplyHigh(a0, r0);
            long lo1 = a1 * s1, hi1 = Math.unsignedMultiplyHigh(a1, s1);
            long d0 = lo0 + lo1;
            long d0h = hi0 + hi1 + carry(lo0, lo1, d0);

            long lo2 = a0 * r1, hi2 = Math.unsignedMultiplyHigh(a0, r1);
            long lo3 = a1 * r0, hi3 = Math.unsignedMultiplyHigh(a1, r0);
            long d1 = lo2 + lo3;
            long d1h = hi2 + hi3 + carry(lo2, lo3, d1);
            long e = a2 * s1; // < 2^64: a2 < 8, s1 < 2^61
            long d1b = d1 + e;
            d1h += carry63(d1, d1b); // e < 2^63: a2 <= 6, s1 < 1.25 * 2^60
            long d1c = d1b + d0h;
            d1h += carry63(d1b, d1c); // d0h < 2^62
            long d2 = a2 * r0 + d1h; // bits 128 and up

            // fold bits >= 130: h = low130 + 5 * (d2 >> 2)
            long f = (d2 & ~3L) + (d2 >>> 2);
            a2 = d2 & 3;
            a0 = d0 + f;
            c = carry(d0, f, a0);
            a1 = d1c + c;
            a2 += carry63(d1c, a1);
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    /**
     * Encrypt-then-MAC for a run of full blocks (the AEAD's seal, RFC 8439 2.8): writes
     * {@code c = p XOR keystream} to {@code dst} and absorbs {@code c} in the same pass, so the
     * ciphertext is never re-read and the XOR fills the idle slots of the multiply chain.
     * {@code len} is a multiple of 16; {@code total} is the whole message's length (it decides
     * whether the SIMD path pays off). {@code src} and {@code dst} may be the same region;
     * {@code ks} is {@code ksArray}'s segment. On the JDK intrinsic's path the keystream in
     * {@code ksArray} is overwritten with the ciphertext.
     */
    void encryptBlocks(
            MemorySegment src,
            long srcOff,
            MemorySegment dst,
            long dstOff,
            byte[] ksArray,
            MemorySegment ks,
            int ksOff,
            int len,
            long total) {
        if (jdkOpen) {
            // keystream := ciphertext in place (the keystream array is a byte[], which the JDK's
            // loop reads directly), then out to dst
            ChaCha20.xorInPlace(src, srcOff, ks, ksOff, len);
            MemorySegment.copy(ks, ksOff, dst, dstOff, len);
            jdk.blocks(ksArray, ksOff, len);
            return;
        }
        if (simd
                && (vecActive || total >= simdMin && vectorsAllowed())) { // decided on the whole message, not the chunk
            int v = len & -Poly1305Vec.GROUP;
            if (v > 0) {
                Poly1305Vec.absorb(this, src, srcOff, dst, dstOff, ks, ksOff, v, true);
                srcOff += v;
                dstOff += v;
                ksOff += v;
                len -= v;
            }
            if (len == 0) return;
        }
        if (vecActive) Poly1305Vec.flush(this);
        long a0 = h0, a1 = h1, a2 = h2;
        final long r0 = this.r0, r1 = this.r1, s1 = this.s1;
        for (long off = 0; off < len; off += 16) {
            long m0 = src.get(LE64, srcOff + off) ^ ks.get(LE64, ksOff + off);
            long m1 = src.get(LE64, srcOff + off + 8) ^ ks.get(LE64, ksOff + off + 8);
            dst.set(LE64, dstOff + off, m0);
            dst.set(LE64, dstOff + off + 8, m1);
            long t0 = a0 + m0;
            long c = carry(a0, m0, t0);
            long t1 = a1 + m1 + c;
            c = carry(a1, m1, t1);
            a2 += c + 1;
            a0 = t0;
            a1 = t1;
            long lo0 = a0 * r0, hi0 = Math.unsignedMultiplyHigh(a0, r0);
            long lo1 = a1 * s1, hi1 = Math.unsignedMultiplyHigh(a1, s1);
            long d0 = lo0 + lo1;
            long d0h = hi0 + hi1 + carry(lo0, lo1, d0);
            long lo2 = a0 * r1, hi2 = Math.unsignedMultiplyHigh(a0, r1);
            long lo3 = a1 * r0, hi3 = Math.unsignedMultiplyHigh(a1, r0);
            long d1 = lo2 + lo3;
            long d1h = hi2 + hi3 + carry(lo2, lo3, d1);
            long e = a2 * s1;
            long d1b = d1 + e;
            d1h += carry63(d1, d1b); // e < 2^63: a2 <= 6, s1 < 1.25 * 2^60
            long d1c = d1b + d0h;
            d1h += carry63(d1b, d1c); // d0h < 2^62
            long d2 = a2 * r0 + d1h;
            long f = (d2 & ~3L) + (d2 >>> 2);
            a2 = d2 & 3;
            a0 = d0 + f;
            c = carry(d0, f, a0);
            a1 = d1c + c;
            a2 += carry63(d1c, a1);
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    private void block(long m0, long m1, long hibit) {
        if (jdkOpen) {
            if (hibit != 0) {
                jdk.block(m0, m1);
                return;
            }
            endJdk(); // a short last block (no 2^128 bit): the JDK's loop cannot take it
        }
        if (vecActive) Poly1305Vec.flush(this);
        long a0 = h0, a1 = h1, a2 = h2;
        long t0 = a0 + m0;
        long c = carry(a0, m0, t0);
        long t1 = a1 + m1 + c;
        c = carry(a1, m1, t1);
        a2 += c + hibit;
        a0 = t0;
        a1 = t1;
        long lo0 = a0 * r0, hi0 = Math.unsignedMultiplyHigh(a0, r0);
        long lo1 = a1 * s1, hi1 = Math.unsignedMultiplyHigh(a1, s1);
        long d0 = lo0 + lo1;
        long d0h = hi0 + hi1 + carry(lo0, lo1, d0);
        long lo2 = a0 * r1, hi2 = Math.unsignedMultiplyHigh(a0, r1);
        long lo3 = a1 * r0, hi3 = Math.unsignedMultiplyHigh(a1, r0);
        long d1 = lo2 + lo3;
        long d1h = hi2 + hi3 + carry(lo2, lo3, d1);
        long e = a2 * s1;
        long d1b = d1 + e;
        d1h += carry63(d1, d1b); // e < 2^63: a2 <= 6, s1 < 1.25 * 2^60
        long d1c = d1b + d0h;
        d1h += carry63(d1b, d1c); // d0h < 2^62
        long d2 = a2 * r0 + d1h;
        long f = (d2 & ~3L) + (d2 >>> 2);
        a2 = d2 & 3;
        a0 = d0 + f;
        c = carry(d0, f, a0);
        a1 = d1c + c;
        a2 += carry63(d1c, a1);
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    /**
     * Carry out of {@code s = a + b} when {@code b < 2^63} (two instructions): then the sum
     * wraps exactly when a's top bit is set and s's is clear.
     */
    private static long carry63(long a, long s) {
        return (a & ~s) >>> 63;
    }

    /** Carry out of the 64-bit sum {@code s = a + b (+ carry in)}: majority of the top bits. */
    private static long carry(long a, long b, long s) {
        return ((a & b) | ((a | b) & ~s)) >>> 63;
    }

    /** General streaming input (any lengths), for the plain Poly1305 MAC of RFC 8439 2.5. */
    void update(byte[] m, int off, int len) {
        MemorySegment seg = MemorySegment.ofArray(m);
        if (partialLen > 0) {
            int take = Math.min(len, 16 - partialLen);
            System.arraycopy(m, off, partial, partialLen, take);
            partialLen += take;
            off += take;
            len -= take;
            if (partialLen < 16) return;
            blocks(MemorySegment.ofArray(partial), 0, 16);
            partialLen = 0;
        }
        int full = len & ~15;
        if (full > 0) blocks(seg, off, full);
        System.arraycopy(m, off + full, partial, 0, len - full);
        partialLen = len - full;
    }

    /** Finishes the MAC into {@code out[off..off+16]} and wipes the state. */
    void finish(byte[] out, int off) {
        finish(MemorySegment.ofArray(out), off);
    }

    void finish(MemorySegment out, long off) {
        computeTag();
        out.set(LE64, off, tag0);
        out.set(LE64, off + 8, tag1);
        wipe();
    }

    /**
     * Finishes the MAC and compares it with the 16 bytes at {@code expected[off]} in constant
     * time (RFC 8439 section 4: "the tag comparison should be done in constant time"). Wipes the state.
     */
    boolean finishAndVerify(MemorySegment expected, long off) {
        computeTag();
        long diff = (expected.get(LE64, off) ^ tag0) | (expected.get(LE64, off + 8) ^ tag1);
        wipe();
        return diff == 0;
    }

    private long tag0, tag1;

    private void endJdk() {
        jdk.finish(this);
        jdkOpen = false;
    }

    private void computeTag() {
        if (vecActive) Poly1305Vec.flush(this);
        if (partialLen > 0) {
            // RFC 8439 2.5.1: a short last block gets a 0x01 byte appended, no 2^128 bit.
            partial[partialLen] = 1;
            for (int i = partialLen + 1; i < 16; i++) partial[i] = 0;
            MemorySegment p = MemorySegment.ofArray(partial);
            block(p.get(LE64, 0), p.get(LE64, 8), 0);
        }
        if (jdkOpen) endJdk();
        long a0 = h0, a1 = h1, a2 = h2;
        // Full reduction: h < 2p here, so h mod p = h - p if h + 5 >= 2^130, else h.
        long g0 = a0 + 5;
        long c = carry(a0, 5, g0);
        long g1 = a1 + c;
        c = carry(a1, c, g1);
        long g2 = a2 + c;
        long mask = -(g2 >>> 2); // all ones when h >= p (constant time)
        a0 = (a0 & ~mask) | (g0 & mask);
        a1 = (a1 & ~mask) | (g1 & mask);
        // RFC 8439 2.5.1: tag = (h + s) mod 2^128
        tag0 = a0 + pad0;
        c = carry(a0, pad0, tag0);
        tag1 = a1 + pad1 + c;
    }

    void wipe() {
        r0 = r1 = s1 = pad0 = pad1 = h0 = h1 = h2 = tag0 = tag1 = 0;
        if (jdk != null) jdk.wipe();
        jdkOpen = false;
        if (partialLen > 0) java.util.Arrays.fill(partial, (byte) 0);
        partialLen = 0;
        if (vecUsed) {
            java.util.Arrays.fill(vpow, 0);
            java.util.Arrays.fill(vacc, 0);
            vecUsed = false;
        }
        powersReady = vecActive = false;
    }
}
