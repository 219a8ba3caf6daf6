package jwg.noise.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 section 2.3): used only by WireGuard cookie
 * replies, with a 24-byte random nonce. HChaCha20 derives a subkey from the key and the first 16
 * nonce bytes; the rest is ChaCha20-Poly1305 under that subkey with nonce
 * {@code 0^32 || nonce[16..24]} (the 64-bit counter form of ChaCha20-Poly1305 with counter =
 * nonce[16..24] little-endian). The subkey is wiped after use. Thread-safe. The forms taking a
 * {@code subkey} scratch array allocate nothing (the responder answers floods with cookie replies).
 */
public final class XChaCha20Poly1305 {
    public static final int NONCE_LENGTH = 24;
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** One AEAD per thread (it holds scratch state), not one per cookie. */
    private static final ThreadLocal<ChaCha20Poly1305> AEAD =
            ThreadLocal.withInitial(() -> new ChaCha20Poly1305().scalarOnly());

    private XChaCha20Poly1305() {}

    /** Seals {@code plaintext} into {@code out} (plaintext.length + 16 bytes). */
    public static void seal(byte[] key, byte[] nonce24, byte[] ad, byte[] plaintext, byte[] out) {
        if (key == null || key.length != ChaCha20Poly1305.KEY_LENGTH)
            throw new IllegalArgumentException("key must be 32 bytes");
        if (nonce24 == null || nonce24.length != NONCE_LENGTH)
            throw new IllegalArgumentException("nonce must be 24 bytes");
        byte[] subkey = new byte[ChaCha20Poly1305.KEY_LENGTH];
        try {
            ChaCha20Core.hchacha20(key, nonce24, 0, subkey);
            MemorySegment n = MemorySegment.ofArray(nonce24);
            AEAD.get()
                    .seal(
                            subkey,
                            0,
                            n.get(LE32, 16),
                            n.get(LE32, 20),
                            ad,
                            MemorySegment.ofArray(plaintext),
                            0,
                            plaintext.length,
                            MemorySegment.ofArray(out),
                            0);
        } finally {
            java.util.Arrays.fill(subkey, (byte) 0);
        }
    }

    /**
     * Allocation-free seal: {@code len} bytes of {@code plaintext} at {@code pOff} into {@code out}
     * at {@code outOff} (len + 16 bytes), AD = all of {@code ad}; {@code subkey} (32 bytes) is
     * the caller's scratch, wiped before returning.
     */
    public static void seal(
            byte[] key,
            byte[] nonce24,
            byte[] ad,
            byte[] plaintext,
            int pOff,
            int len,
            byte[] out,
            int outOff,
            byte[] subkey) {
        if (key == null || key.length != ChaCha20Poly1305.KEY_LENGTH)
            throw new IllegalArgumentException("key must be 32 bytes");
        if (nonce24 == null || nonce24.length != NONCE_LENGTH)
            throw new IllegalArgumentException("nonce must be 24 bytes");
        try {
            ChaCha20Core.hchacha20(key, nonce24, 0, subkey);
            AEAD.get().seal(subkey, tailCounter(nonce24), ad, plaintext, pOff, len, out, outOff);
        } finally {
            java.util.Arrays.fill(subkey, (byte) 0);
        }
    }

    /** Allocation-free open (see the allocation-free {@code seal}); false if the tag does not verify. */
    public static boolean open(
            byte[] key,
            byte[] nonce24,
            byte[] ad,
            byte[] ciphertext,
            int cOff,
            int len,
            byte[] out,
            int outOff,
            byte[] subkey) {
        if (key == null
                || key.length != ChaCha20Poly1305.KEY_LENGTH
                || nonce24 == null
                || nonce24.length != NONCE_LENGTH
                || ciphertext == null
                || out == null) return false;
        try {
            ChaCha20Core.hchacha20(key, nonce24, 0, subkey);
            return AEAD.get().open(subkey, tailCounter(nonce24), ad, ciphertext, cOff, len, out, outOff);
        } finally {
            java.util.Arrays.fill(subkey, (byte) 0);
        }
    }

    /** nonce[16..24] as the little-endian 64-bit counter of the inner ChaCha20-Poly1305. */
    private static long tailCounter(byte[] nonce24) {
        long c = 0;
        for (int i = 23; i >= 16; i--) c = (c << 8) | (nonce24[i] & 0xff);
        return c;
    }

    /** Opens {@code ciphertext} (with tag) into {@code out}; false if the tag does not verify. */
    public static boolean open(byte[] key, byte[] nonce24, byte[] ad, byte[] ciphertext, byte[] out) {
        if (key == null
                || key.length != ChaCha20Poly1305.KEY_LENGTH
                || nonce24 == null
                || nonce24.length != NONCE_LENGTH
                || ciphertext == null
                || out == null) return false;
        byte[] subkey = new byte[ChaCha20Poly1305.KEY_LENGTH];
        try {
            ChaCha20Core.hchacha20(key, nonce24, 0, subkey);
            MemorySegment n = MemorySegment.ofArray(nonce24);
            return AEAD.get()
                    .open(
                            subkey,
                            0,
                            n.get(LE32, 16),
                            n.get(LE32, 20),
                            ad,
                            MemorySegment.ofArray(ciphertext),
                            0,
                            ciphertext.length,
                            MemorySegment.ofArray(out),
                            0);
        } finally {
            java.util.Arrays.fill(subkey, (byte) 0);
        }
    }
}
