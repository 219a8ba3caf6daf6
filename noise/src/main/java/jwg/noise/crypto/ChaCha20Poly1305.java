package jwg.noise.crypto;

import java.lang.foreign.MemorySegment;

/**
 * The AEAD of WireGuard's transport and handshake: ChaCha20-Poly1305 (RFC 8439 section 2.8)
 * with the 96-bit nonce {@code 0^32 || LE64(counter)}.
 *
 * <p>Built from a ChaCha20 keystream (the JDK's AVX2/AVX-512 intrinsic when
 * {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED} is given; on 512-bit
 * hardware with {@code --add-modules jdk.incubator.vector}, {@link ChaCha20Vec} for tails of up
 * to eight blocks; else plain Java) and {@link Poly1305}: 4-way SIMD ({@link Poly1305Vec}) for messages of 128 bytes and more when
 * {@code --add-modules jdk.incubator.vector} is given, else scalar radix 2^64. Sealing and
 * opening allocate nothing.
 *
 * <p>One instance per thread: it holds scratch state and is not thread-safe. Buffers belong
 * to the caller (the byte[] forms keep the last few arrays' segments, by identity, for reuse); {@code src} and {@code dst} may be the same region (sealing/opening in place)
 * or disjoint; other overlaps are not supported. Key material is wiped after every call.
 */
public final class ChaCha20Poly1305 {
    public static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = 16;

    private final ChaCha20 chacha = new ChaCha20();
    private final Poly1305 poly = new Poly1305();
    /**
     * Heap segments over the byte[]s the convenience forms were last given (by identity), so
     * that the handshake, which passes the same long-lived arrays again and again, does not
     * wrap them anew each time (a segment and its session are ~72 bytes of garbage).
     */
    private final byte[][] wrapped = new byte[WRAP_CACHE][];
    private final MemorySegment[] wrappers = new MemorySegment[WRAP_CACHE];
    private int nextWrap;
    private static final int WRAP_CACHE = 16;

    private MemorySegment wrap(byte[] a) {
        for (int i = 0; i < WRAP_CACHE; i++) if (wrapped[i] == a) return wrappers[i];
        int i = nextWrap;
        nextWrap = (i + 1) & (WRAP_CACHE - 1);
        wrapped[i] = a;
        return wrappers[i] = MemorySegment.ofArray(a);
    }

    /** True when Poly1305 runs 4-way SIMD (jdk.incubator.vector) rather than scalar. */
    public static boolean usesSimdPoly1305() {
        return Poly1305.SIMD;
    }

    /** True when the keystream comes from the JDK's intrinsic rather than the Java fallback. */
    public static boolean usesJdkIntrinsic() {
        return JdkChaCha20Block.AVAILABLE;
    }

    /**
     * Seals {@code len} bytes of {@code src} at {@code srcOff} into {@code dst} at {@code dstOff}:
     * ciphertext followed by the 16-byte tag. Returns {@code len + TAG_LENGTH}.
     *
     * @throws IllegalArgumentException if the key is not 32 bytes
     * @throws IndexOutOfBoundsException if a region lies outside its segment
     */
    public int seal(byte[] key, long counter, byte[] ad,
                    MemorySegment src, long srcOff, int len, MemorySegment dst, long dstOff) {
        return seal(key, 0, (int) counter, (int) (counter >>> 32), ad, src, srcOff, len, dst, dstOff);
    }

    /**
     * Opens {@code len} bytes (ciphertext and tag) of {@code src} into {@code dst}; returns false,
     * leaving {@code dst} untouched, if the tag does not verify (or the input is malformed: short,
     * out of bounds, wrong key length). Writes {@code len - TAG_LENGTH} bytes.
     */
    public boolean open(byte[] key, long counter, byte[] ad,
                        MemorySegment src, long srcOff, int len, MemorySegment dst, long dstOff) {
        return open(key, 0, (int) counter, (int) (counter >>> 32), ad, src, srcOff, len, dst, dstOff);
    }

    /** byte[] convenience form of {@link #seal}. */
    public int seal(byte[] key, long counter, byte[] ad, byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        return seal(key, counter, ad, wrap(src), srcOff, len, wrap(dst), dstOff);
    }

    /** byte[] convenience form of {@link #open}. */
    public boolean open(byte[] key, long counter, byte[] ad, byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        if (src == null || dst == null) return false;
        return open(key, counter, ad, wrap(src), srcOff, len, wrap(dst), dstOff);
    }

    /** Seal with a general 96-bit nonce given as three little-endian words (RFC 8439 2.8). */
    int seal(byte[] key, int n0, int n1, int n2, byte[] ad,
             MemorySegment src, long srcOff, int len, MemorySegment dst, long dstOff) {
        if (key == null || key.length != KEY_LENGTH) throw new IllegalArgumentException("key must be 32 bytes");
        checkRegion(src, srcOff, len);
        checkRegion(dst, dstOff, (long) len + TAG_LENGTH);
        // RFC 8439 2.8: otk = poly1305_key_gen(key, nonce) (block 0); ciphertext from block 1
        chacha.init(key, 0, n0, n1, n2);
        chacha.polyKey(poly, len);
        int adLen = ad == null ? 0 : ad.length;
        if (adLen > 0) poly.padded(wrap(ad), 0, adLen);
        chacha.encryptAndMac(src, srcOff, dst, dstOff, len, poly);   // ciphertext || pad16
        chacha.wipe();
        poly.lengths(adLen, len);
        poly.finish(dst, dstOff + len);
        return len + TAG_LENGTH;
    }

    /** Open with a general 96-bit nonce; the tag is checked before anything is written. */
    boolean open(byte[] key, int n0, int n1, int n2, byte[] ad,
                 MemorySegment src, long srcOff, int len, MemorySegment dst, long dstOff) {
        if (key == null || key.length != KEY_LENGTH || src == null || dst == null || len < TAG_LENGTH) return false;
        int ctLen = len - TAG_LENGTH;
        if (!inBounds(src, srcOff, len) || !inBounds(dst, dstOff, ctLen)) return false;
        chacha.init(key, 0, n0, n1, n2);
        chacha.polyKey(poly, ctLen);
        mac(ad, src, srcOff, ctLen);
        if (!poly.finishAndVerify(src, srcOff + ctLen)) {
            chacha.wipe();
            return false;
        }
        chacha.xor(src, srcOff, dst, dstOff, ctLen);
        chacha.wipe();
        return true;
    }

    /** RFC 8439 2.8: mac_data = AAD || pad16 || ciphertext || pad16 || le64(|AAD|) || le64(|ct|). */
    private void mac(byte[] ad, MemorySegment ct, long ctOff, long ctLen) {
        int adLen = ad == null ? 0 : ad.length;
        if (adLen > 0) poly.padded(wrap(ad), 0, adLen);
        poly.padded(ct, ctOff, ctLen);
        poly.lengths(adLen, ctLen);
    }

    private static boolean inBounds(MemorySegment seg, long off, long len) {
        return off >= 0 && len >= 0 && off <= seg.byteSize() - len;
    }

    private static void checkRegion(MemorySegment seg, long off, long len) {
        if (!inBounds(seg, off, len)) {
            throw new IndexOutOfBoundsException("region [" + off + ", +" + len + ") outside segment of " + seg.byteSize());
        }
    }
}
