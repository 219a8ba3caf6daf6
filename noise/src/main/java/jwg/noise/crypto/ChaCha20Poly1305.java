package jwg.noise.crypto;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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
 * to the caller; {@code src} and {@code dst} may be the same region (sealing/opening in place)
 * or disjoint; other overlaps are not supported. Key material is wiped after every call.
 */
public final class ChaCha20Poly1305 {
    public static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = 16;

    private final ChaCha20 chacha = new ChaCha20();
    private final Poly1305 poly = new Poly1305();

    /**
     * This instance takes the Vector API paths even while the {@link VectorGate} is closed: the
     * daemon's warm-up compiles them with it before opening the gate for everyone.
     */
    public ChaCha20Poly1305 forceVectors() {
        chacha.vectors = true;
        poly.vectors = true;
        return this;
    }

    /**
     * This instance never takes the ChaCha20 Vector API path: for short control messages (cookie
     * replies) sealed outside the transport path, where vector code that is not compiled in that
     * context boxes its vectors (about 30 bytes allocated per message, measured on the conductor
     * under a flood). One keystream chunk comes from the JDK intrinsic or the Java core instead.
     */
    public ChaCha20Poly1305 scalarOnly() {
        chacha.scalar = true;
        return this;
    }

    /** True when Poly1305 runs 4-way SIMD (jdk.incubator.vector) rather than scalar. */
    public static boolean usesSimdPoly1305() {
        return Poly1305.SIMD;
    }

    /**
     * Which code each half of the AEAD runs on this JVM, for {@code jwg version}: the ChaCha20
     * keystream (the JDK's intrinsic or Java, plus the 8-block Vector API tail on 512-bit hardware)
     * and Poly1305 (the JDK's intrinsic, 4-way Vector API SIMD, or scalar Java).
     */
    public static String paths() {
        String chacha = JdkChaCha20Block.AVAILABLE ? "JDK intrinsic" : "Java";
        if (ChaCha20.VEC8) chacha += " + 8-block Vector API tail (512-bit)";
        String poly =
                Poly1305.JDK ? "JDK intrinsic (AVX-512 IFMA)" : Poly1305.SIMD ? "4-way Vector API SIMD" : "scalar Java";
        return "ChaCha20 " + chacha + "; Poly1305 " + poly;
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
    public int seal(
            byte[] key,
            long counter,
            byte[] ad,
            MemorySegment src,
            long srcOff,
            int len,
            MemorySegment dst,
            long dstOff) {
        return seal(key, 0, (int) counter, (int) (counter >>> 32), ad, src, srcOff, len, dst, dstOff);
    }

    /**
     * Opens {@code len} bytes (ciphertext and tag) of {@code src} into {@code dst}; returns false,
     * leaving {@code dst} untouched, if the tag does not verify (or the input is malformed: short,
     * out of bounds, wrong key length). Writes {@code len - TAG_LENGTH} bytes.
     */
    public boolean open(
            byte[] key,
            long counter,
            byte[] ad,
            MemorySegment src,
            long srcOff,
            int len,
            MemorySegment dst,
            long dstOff) {
        return open(key, 0, (int) counter, (int) (counter >>> 32), ad, src, srcOff, len, dst, dstOff);
    }

    /** byte[] convenience form of {@link #seal}. */
    public int seal(byte[] key, long counter, byte[] ad, byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        return sealArrays(key, 0, (int) counter, (int) (counter >>> 32), ad, src, srcOff, len, dst, dstOff);
    }

    /** byte[] convenience form of {@link #open}. */
    public boolean open(byte[] key, long counter, byte[] ad, byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        return openArrays(key, 0, (int) counter, (int) (counter >>> 32), ad, src, srcOff, len, dst, dstOff);
    }

    /*
     * One kind of memory at each access site. C2 compiles the keystream XOR, the MAC and the
     * bounds checks for the segment types it has seen at each site; transport packets live in
     * off-heap buffers, while the handshake (SymmetricState, cookies) passes byte[] arrays. A heap
     * segment reaching code compiled for off-heap ones (or an AD where there never was one) throws
     * that code away, and the loops' profiled predicates failed again on the next packet. So
     * arrays and associated data are copied into an off-heap scratch buffer and sealed or opened
     * there; the core below only ever sees off-heap segments (and the keystream's own array).
     * Messages too long for the scratch buffer (never the handshake's: at most 32 + 32 bytes; only
     * callers of the byte[] form with long messages) take the core directly, with heap segments.
     */
    /** Bytes of the off-heap scratch buffer: an MTU-sized packet, its tag and a 64-byte AD. */
    static final int SCRATCH = 1536 + 64 + TAG_LENGTH;

    private MemorySegment scratch; // made on first use (most instances only ever seal transport packets)

    private MemorySegment scratch() {
        MemorySegment s = scratch;
        if (s == null) scratch = s = Arena.ofAuto().allocate(SCRATCH, 16);
        return s;
    }

    /** Where the message starts in the scratch buffer after an AD of {@code adLen} bytes. */
    private static int scratchMessage(int adLen) {
        return (adLen + 15) & ~15;
    }

    private static boolean fitsScratch(int adLen, long len) {
        return adLen >= 0 && len >= 0 && scratchMessage(adLen) + len + TAG_LENGTH <= SCRATCH;
    }

    private int sealArrays(
            byte[] key, int n0, int n1, int n2, byte[] ad, byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        int adLen = ad == null ? 0 : ad.length;
        if (!fitsScratch(adLen, len)) {
            return sealCore(
                    key,
                    n0,
                    n1,
                    n2,
                    ad == null ? null : MemorySegment.ofArray(ad),
                    adLen,
                    MemorySegment.ofArray(src),
                    srcOff,
                    len,
                    MemorySegment.ofArray(dst),
                    dstOff);
        }
        if (key == null || key.length != KEY_LENGTH) throw new IllegalArgumentException("key must be 32 bytes");
        java.util.Objects.checkFromIndexSize(srcOff, len, src.length);
        java.util.Objects.checkFromIndexSize(dstOff, len + TAG_LENGTH, dst.length);
        MemorySegment s = scratch();
        int m = scratchMessage(adLen);
        if (adLen > 0) MemorySegment.copy(ad, 0, s, ValueLayout.JAVA_BYTE, 0, adLen);
        MemorySegment.copy(src, srcOff, s, ValueLayout.JAVA_BYTE, m, len);
        int n = sealCore(key, n0, n1, n2, adLen > 0 ? s : null, adLen, s, m, len, s, m);
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, m, dst, dstOff, n);
        wipeScratch(s, m + n);
        return n;
    }

    private boolean openArrays(
            byte[] key, int n0, int n1, int n2, byte[] ad, byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        if (src == null || dst == null) return false;
        int adLen = ad == null ? 0 : ad.length;
        if (!fitsScratch(adLen, len)) {
            return openCore(
                    key,
                    n0,
                    n1,
                    n2,
                    ad == null ? null : MemorySegment.ofArray(ad),
                    adLen,
                    MemorySegment.ofArray(src),
                    srcOff,
                    len,
                    MemorySegment.ofArray(dst),
                    dstOff);
        }
        if (key == null || key.length != KEY_LENGTH || len < TAG_LENGTH) return false;
        if (srcOff < 0 || srcOff > src.length - len || dstOff < 0 || dstOff > dst.length - (len - TAG_LENGTH))
            return false;
        MemorySegment s = scratch();
        int m = scratchMessage(adLen);
        if (adLen > 0) MemorySegment.copy(ad, 0, s, ValueLayout.JAVA_BYTE, 0, adLen);
        MemorySegment.copy(src, srcOff, s, ValueLayout.JAVA_BYTE, m, len);
        boolean ok = openCore(key, n0, n1, n2, adLen > 0 ? s : null, adLen, s, m, len, s, m);
        if (ok) MemorySegment.copy(s, ValueLayout.JAVA_BYTE, m, dst, dstOff, len - TAG_LENGTH);
        wipeScratch(s, m + len);
        return ok;
    }

    /** Zeroes the first {@code n} bytes of the scratch buffer (plaintext of handshake messages). */
    private static void wipeScratch(MemorySegment s, long n) {
        s.asSlice(0, n).fill((byte) 0);
    }

    /** Seal with a general 96-bit nonce given as three little-endian words (RFC 8439 2.8). */
    int seal(
            byte[] key,
            int n0,
            int n1,
            int n2,
            byte[] ad,
            MemorySegment src,
            long srcOff,
            int len,
            MemorySegment dst,
            long dstOff) {
        int adLen = ad == null ? 0 : ad.length;
        if (adLen == 0) return sealCore(key, n0, n1, n2, null, 0, src, srcOff, len, dst, dstOff);
        // with an AD (never a transport packet): through the scratch buffer when the message fits
        if (!fitsScratch(adLen, len))
            return sealCore(key, n0, n1, n2, MemorySegment.ofArray(ad), adLen, src, srcOff, len, dst, dstOff);
        if (key == null || key.length != KEY_LENGTH) throw new IllegalArgumentException("key must be 32 bytes");
        checkRegion(src, srcOff, len);
        checkRegion(dst, dstOff, (long) len + TAG_LENGTH);
        MemorySegment s = scratch();
        int m = scratchMessage(adLen);
        MemorySegment.copy(ad, 0, s, ValueLayout.JAVA_BYTE, 0, adLen);
        MemorySegment.copy(src, srcOff, s, m, len);
        int n = sealCore(key, n0, n1, n2, s, adLen, s, m, len, s, m);
        MemorySegment.copy(s, m, dst, dstOff, n);
        wipeScratch(s, m + n);
        return n;
    }

    /** Open with a general 96-bit nonce; the tag is checked before anything is written. */
    boolean open(
            byte[] key,
            int n0,
            int n1,
            int n2,
            byte[] ad,
            MemorySegment src,
            long srcOff,
            int len,
            MemorySegment dst,
            long dstOff) {
        int adLen = ad == null ? 0 : ad.length;
        if (adLen == 0) return openCore(key, n0, n1, n2, null, 0, src, srcOff, len, dst, dstOff);
        if (!fitsScratch(adLen, len))
            return openCore(key, n0, n1, n2, MemorySegment.ofArray(ad), adLen, src, srcOff, len, dst, dstOff);
        if (key == null || key.length != KEY_LENGTH || src == null || dst == null || len < TAG_LENGTH) return false;
        if (!inBounds(src, srcOff, len) || !inBounds(dst, dstOff, len - TAG_LENGTH)) return false;
        MemorySegment s = scratch();
        int m = scratchMessage(adLen);
        MemorySegment.copy(ad, 0, s, ValueLayout.JAVA_BYTE, 0, adLen);
        MemorySegment.copy(src, srcOff, s, m, len);
        boolean ok = openCore(key, n0, n1, n2, s, adLen, s, m, len, s, m);
        if (ok) MemorySegment.copy(s, m, dst, dstOff, len - TAG_LENGTH);
        wipeScratch(s, m + len);
        return ok;
    }

    /** The seal itself; the AD is {@code ad[0..adLen)} ({@code ad} null when adLen is 0). */
    private int sealCore(
            byte[] key,
            int n0,
            int n1,
            int n2,
            MemorySegment ad,
            int adLen,
            MemorySegment src,
            long srcOff,
            int len,
            MemorySegment dst,
            long dstOff) {
        if (key == null || key.length != KEY_LENGTH) throw new IllegalArgumentException("key must be 32 bytes");
        checkRegion(src, srcOff, len);
        checkRegion(dst, dstOff, (long) len + TAG_LENGTH);
        // RFC 8439 2.8: otk = poly1305_key_gen(key, nonce) (block 0); ciphertext from block 1
        chacha.init(key, 0, n0, n1, n2);
        chacha.polyKey(poly, len);
        if (adLen > 0) poly.padded(ad, 0, adLen);
        chacha.encryptAndMac(src, srcOff, dst, dstOff, len, poly); // ciphertext || pad16
        chacha.wipe();
        poly.lengths(adLen, len);
        poly.finish(dst, dstOff + len);
        return len + TAG_LENGTH;
    }

    /** The open itself; the tag is checked before anything is written. */
    private boolean openCore(
            byte[] key,
            int n0,
            int n1,
            int n2,
            MemorySegment ad,
            int adLen,
            MemorySegment src,
            long srcOff,
            int len,
            MemorySegment dst,
            long dstOff) {
        if (key == null || key.length != KEY_LENGTH || src == null || dst == null || len < TAG_LENGTH) return false;
        int ctLen = len - TAG_LENGTH;
        if (!inBounds(src, srcOff, len) || !inBounds(dst, dstOff, ctLen)) return false;
        chacha.init(key, 0, n0, n1, n2);
        chacha.polyKey(poly, ctLen);
        if (adLen > 0) poly.padded(ad, 0, adLen);
        poly.padded(src, srcOff, ctLen);
        poly.lengths(adLen, ctLen);
        if (!poly.finishAndVerify(src, srcOff + ctLen)) {
            chacha.wipe();
            return false;
        }
        chacha.xor(src, srcOff, dst, dstOff, ctLen);
        chacha.wipe();
        return true;
    }

    private static boolean inBounds(MemorySegment seg, long off, long len) {
        return off >= 0 && len >= 0 && off <= seg.byteSize() - len;
    }

    private static void checkRegion(MemorySegment seg, long off, long len) {
        if (!inBounds(seg, off, len)) {
            throw new IndexOutOfBoundsException(
                    "region [" + off + ", +" + len + ") outside segment of " + seg.byteSize());
        }
    }
}
