package jwg.noise.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AEAD of WireGuard's transport and handshake: ChaCha20-Poly1305 (RFC 8439) with the
 * 96-bit nonce {@code 0^32 || LE64(counter)}.
 *
 * <p>One instance per thread: it holds scratch state and is not thread-safe. Buffers belong
 * to the caller; {@code src} and {@code dst} may be the same region (sealing/opening in place).
 *
 * <p>REFERENCE VERSION: built on the JDK {@code Cipher}; to be replaced by the fast
 * JDK-ChaCha20 + Poly1305 construction without changing this API.
 */
public final class ChaCha20Poly1305 {
    public static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = 16;

    private final byte[] nonce = new byte[12];

    /**
     * Seals {@code len} bytes of {@code src} at {@code srcOff} into {@code dst} at {@code dstOff}:
     * ciphertext followed by the 16-byte tag. Returns {@code len + TAG_LENGTH}.
     */
    public int seal(byte[] key, long counter, byte[] ad,
                    MemorySegment src, long srcOff, int len, MemorySegment dst, long dstOff) {
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce(counter)));
            if (ad != null && ad.length > 0) c.updateAAD(ad);
            byte[] out = c.doFinal(src.asSlice(srcOff, len).toArray(ValueLayout.JAVA_BYTE));
            MemorySegment.copy(MemorySegment.ofArray(out), 0, dst, dstOff, out.length);
            return out.length;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens {@code len} bytes (ciphertext and tag) of {@code src} into {@code dst}; returns false,
     * leaving {@code dst} untouched, if the tag does not verify. Writes {@code len - TAG_LENGTH} bytes.
     */
    public boolean open(byte[] key, long counter, byte[] ad,
                        MemorySegment src, long srcOff, int len, MemorySegment dst, long dstOff) {
        if (len < TAG_LENGTH) return false;
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce(counter)));
            if (ad != null && ad.length > 0) c.updateAAD(ad);
            byte[] out = c.doFinal(src.asSlice(srcOff, len).toArray(ValueLayout.JAVA_BYTE));
            MemorySegment.copy(MemorySegment.ofArray(out), 0, dst, dstOff, out.length);
            return true;
        } catch (javax.crypto.AEADBadTagException e) {
            return false;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** byte[] convenience form of {@link #seal}. */
    public int seal(byte[] key, long counter, byte[] ad, byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        return seal(key, counter, ad, MemorySegment.ofArray(src), srcOff, len, MemorySegment.ofArray(dst), dstOff);
    }

    /** byte[] convenience form of {@link #open}. */
    public boolean open(byte[] key, long counter, byte[] ad, byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        return open(key, counter, ad, MemorySegment.ofArray(src), srcOff, len, MemorySegment.ofArray(dst), dstOff);
    }

    private byte[] nonce(long counter) {
        for (int i = 0; i < 4; i++) nonce[i] = 0;
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (counter >>> (8 * i));
        return nonce;
    }
}
