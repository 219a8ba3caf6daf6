package jwg.noise.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A ChaCha20 keystream (RFC 8439 section 2.4) that XORs into memory segments without
 * allocating. Keystream comes in chunks of one or more 64-byte blocks from the JDK intrinsic
 * when reachable ({@link JdkChaCha20Block}), else from {@link ChaCha20Core}.
 *
 * <p>Not thread-safe. Holds key material until {@link #wipe()}.
 */
final class ChaCha20 {
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Reads key words straight from the byte[] (no MemorySegment wrapper to allocate). */
    private static final java.lang.invoke.VarHandle KEY_WORD =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** Blocks per call of the Java fallback (the intrinsic decides its own count). */
    private static final int JAVA_BLOCKS = 4;
    /**
     * True when {@link ChaCha20Vec} (8 blocks on 512-bit vectors) may be used: the incubator
     * module is present, the hardware has 512-bit vectors and the class passed its self-test.
     * Off with {@code -Djwg.crypto.noSimdChaCha20=true}.
     */
    static final boolean VEC8 = vec8Available();

    private final int[] state = new int[16];
    /** Room for one intrinsic chunk and one 8-block tail: a whole 1420-byte packet's keystream. */
    /** Takes the vector path even while the {@link VectorGate} is closed (the warm-up's AEAD). */
    boolean vectors;
    /** Never takes the vector path (control-path AEADs; see {@link ChaCha20Poly1305#scalarOnly}). */
    boolean scalar;

    private final byte[] ks = new byte[JdkChaCha20Block.OUT_LENGTH + ChaCha20Vec.OUT_LENGTH];
    private final MemorySegment ksSeg = MemorySegment.ofArray(ks);
    private int ksPos, ksLen; // unread keystream is ks[ksPos..ksLen)
    private int nextCounter; // block counter of the next chunk

    /**
     * Keys the stream: RFC 8439 2.3 state = constants || key || counter || nonce, with the
     * 96-bit nonce given as three little-endian words; the first block has counter {@code counter}.
     */
    void init(byte[] key, int counter, int n0, int n1, int n2) {
        state[0] = ChaCha20Core.C0;
        state[1] = ChaCha20Core.C1;
        state[2] = ChaCha20Core.C2;
        state[3] = ChaCha20Core.C3;
        for (int i = 0; i < 8; i++) state[4 + i] = (int) KEY_WORD.get(key, 4 * i);
        state[13] = n0;
        state[14] = n1;
        state[15] = n2;
        nextCounter = counter;
        ksPos = ksLen = 0;
    }

    private static boolean vec8Available() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            return ChaCha20Vec.AVAILABLE;
        } catch (Throwable t) { // module not readable: the class cannot link
            return false;
        }
    }

    /**
     * Produces the next keystream chunk when {@code need} more bytes are wanted, contiguous in
     * {@code ks} from offset 0; returns its length (a multiple of 64). The JDK intrinsic makes 16
     * blocks per call on AVX-512, so a tail of at most eight blocks comes from {@link ChaCha20Vec}
     * (24 blocks computed for a 1420-byte packet, not 32), appended to the intrinsic's chunk
     * so that the MAC runs over one contiguous stretch.
     */
    private int refill(long need) {
        state[12] = nextCounter;
        int n;
        // One branch on "vectors or the gate open" (not one per operand): the warm-up takes it
        // from its first packets with vectors forced, live traffic the other way until the gate
        // opens, so C2 compiles both sides and neither the warm-up's vector packets nor the
        // gate's opening meets an uncommon trap (a deoptimization of each method that inlined this)
        if (!VEC8 || scalar || !(vectors | VectorGate.isOpen())) {
            n = JdkChaCha20Block.AVAILABLE
                    ? JdkChaCha20Block.blocks(state, ks)
                    : ChaCha20Core.blocks(state, ks, JAVA_BLOCKS);
        } else if (JdkChaCha20Block.AVAILABLE && need > ChaCha20Vec.OUT_LENGTH) {
            n = JdkChaCha20Block.blocks(state, ks);
            if (need > n && need - n <= ChaCha20Vec.OUT_LENGTH && n + ChaCha20Vec.OUT_LENGTH <= ks.length) {
                state[12] = nextCounter + n / ChaCha20Core.BLOCK;
                n += ChaCha20Vec.blocks(state, ks, n);
            }
        } else {
            n = 0;
            do {
                state[12] = nextCounter + n / ChaCha20Core.BLOCK;
                n += ChaCha20Vec.blocks(state, ks, n);
            } while (n < need && n + ChaCha20Vec.OUT_LENGTH <= ks.length);
        }
        nextCounter += n / ChaCha20Core.BLOCK;
        ksPos = 0;
        ksLen = n;
        return n;
    }

    /**
     * Reads the next 64-byte block into the Poly1305 one-time key (RFC 8439 2.6: the first 32
     * bytes of block 0), discarding the other 32 bytes so the stream continues at block 1.
     * {@code dataLen} is how much keystream will follow (it picks the keystream's chunk size).
     */
    void polyKey(Poly1305 poly, long dataLen) {
        if (ksPos == ksLen) refill(ChaCha20Core.BLOCK + dataLen);
        poly.setKey(
                ksSeg.get(LE64, ksPos),
                ksSeg.get(LE64, ksPos + 8),
                ksSeg.get(LE64, ksPos + 16),
                ksSeg.get(LE64, ksPos + 24));
        ksPos += ChaCha20Core.BLOCK;
    }

    /**
     * dst[dstOff..+len) = src[srcOff..+len) XOR keystream. src and dst may be the same region;
     * other overlaps are not supported.
     */
    void xor(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long len) {
        long done = 0;
        while (done < len) {
            if (ksPos == ksLen) refill(len - done);
            int chunk = (int) Math.min(len - done, ksLen - ksPos);
            xorChunk(src, srcOff + done, dst, dstOff + done, ksPos, chunk);
            ksPos += chunk;
            done += chunk;
        }
    }

    /**
     * Seal step of the AEAD: dst = src XOR keystream, absorbing the ciphertext into {@code poly}
     * as {@code ct || pad16(ct)} (RFC 8439 2.8). Full blocks go through the fused
     * {@link Poly1305#encryptBlocks}; only the last partial block takes a second pass.
     */
    void encryptAndMac(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long len, Poly1305 poly) {
        long done = 0;
        while (done < len) {
            if (ksPos == ksLen) refill(len - done);
            int chunk = (int) Math.min(len - done, ksLen - ksPos);
            int full = chunk & ~15;
            if (full > 0) poly.encryptBlocks(src, srcOff + done, dst, dstOff + done, ks, ksSeg, ksPos, full, len);
            if (chunk > full) {
                // Keystream chunks are whole 64-byte blocks, so a partial block is the message's end.
                xorChunk(src, srcOff + done + full, dst, dstOff + done + full, ksPos + full, chunk - full);
                poly.padded(dst, dstOff + done + full, chunk - full);
            }
            ksPos += chunk;
            done += chunk;
        }
    }

    private void xorChunk(MemorySegment src, long s, MemorySegment dst, long d, int k, int n) {
        // Plain offsets, no asSlice: nothing for escape analysis to miss, so nothing allocated.
        // No loop that may run zero times or a few: C2 hoists a loop's checks into predicates
        // above it from the profile of earlier calls, and a packet of another length then fails
        // them (a deoptimization each time, for the whole run). The tail (0..7 bytes) is loop-free.
        int i = n & ~7;
        if (i > 0) xorWords(src, s, dst, d, ksSeg, k, i);
        int t = n - i;
        if (t > 0) writeTail(dst, d + i, t, readTail(src, s + i, t) ^ readTail(ks, k + i, t));
    }

    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle ARRAY_LE32 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle ARRAY_LE16 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The {@code n} (0..7) bytes at {@code off} as a little-endian number, in at most three reads
     * (4, 2, 1 bytes) and no loop: what the tail of a packet needs, whatever its length.
     */
    static long readTail(MemorySegment m, long off, int n) {
        long t = 0;
        int at = 0;
        if ((n & 4) != 0) {
            t = m.get(LE32, off) & 0xffffffffL;
            at = 4;
        }
        if ((n & 2) != 0) {
            t |= (m.get(LE16, off + at) & 0xffffL) << (8 * at);
            at += 2;
        }
        if ((n & 1) != 0) t |= (m.get(ValueLayout.JAVA_BYTE, off + at) & 0xffL) << (8 * at);
        return t;
    }

    /** {@link #readTail} of a heap array (the keystream), so that no segment access site sees both kinds. */
    static long readTail(byte[] a, int off, int n) {
        long t = 0;
        int at = 0;
        if ((n & 4) != 0) {
            t = (int) ARRAY_LE32.get(a, off) & 0xffffffffL;
            at = 4;
        }
        if ((n & 2) != 0) {
            t |= ((short) ARRAY_LE16.get(a, off + at) & 0xffffL) << (8 * at);
            at += 2;
        }
        if ((n & 1) != 0) t |= (a[off + at] & 0xffL) << (8 * at);
        return t;
    }

    /** Writes the low {@code n} (0..7) bytes of {@code v} little-endian at {@code off}: the inverse of {@link #readTail}. */
    static void writeTail(MemorySegment m, long off, int n, long v) {
        int at = 0;
        if ((n & 4) != 0) {
            m.set(LE32, off, (int) v);
            at = 4;
        }
        if ((n & 2) != 0) {
            m.set(LE16, off + at, (short) (v >>> (8 * at)));
            at += 2;
        }
        if ((n & 1) != 0) m.set(ValueLayout.JAVA_BYTE, off + at, (byte) (v >>> (8 * at)));
    }

    /**
     * dst = src XOR ks over {@code len} bytes (a multiple of 8), 8 bytes at a time. A method of its
     * own, which C2 vectorises: the same loop inside a larger method ran about 4x slower.
     */
    static void xorWords(MemorySegment src, long s, MemorySegment dst, long d, MemorySegment ks, long k, int len) {
        for (int i = 0; i < len; i += 8) dst.set(LE64, d + i, src.get(LE64, s + i) ^ ks.get(LE64, k + i));
    }

    /**
     * ks ^= src over {@code len} bytes (a multiple of 8): seal's keystream turned into ciphertext
     * in place (see {@link Poly1305#encryptBlocks}). Not {@link #xorWords} with dst = ks: a loop
     * C2 sees with both heap and native destinations is no longer vectorised as well.
     */
    static void xorInPlace(MemorySegment src, long s, MemorySegment ks, long k, int len) {
        for (int i = 0; i < len; i += 8) ks.set(LE64, k + i, src.get(LE64, s + i) ^ ks.get(LE64, k + i));
    }

    /** Zeroes the key, the counter/nonce and any keystream produced. */
    void wipe() {
        java.util.Arrays.fill(state, 0);
        if (ksLen > 0) java.util.Arrays.fill(ks, 0, ksLen, (byte) 0);
        ksPos = ksLen = 0;
        nextCounter = 0;
    }
}
