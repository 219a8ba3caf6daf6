package jwg.noise.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 section 2.3): used only by WireGuard cookie
 * replies, with a 24-byte random nonce. HChaCha20 derives a subkey from the key and the first 16
 * nonce bytes; the rest is ChaCha20-Poly1305 under that subkey with nonce
 * {@code 0^32 || nonce[16..24]}. The subkey is wiped after use. Thread-safe (allocates per call:
 * cookie replies are rare).
 */
public final class XChaCha20Poly1305 {
    public static final int NONCE_LENGTH = 24;
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** One AEAD per thread (it holds scratch state), not one per cookie. */
    private static final ThreadLocal<ChaCha20Poly1305> AEAD = ThreadLocal.withInitial(ChaCha20Poly1305::new);

    private XChaCha20Poly1305() {}

    /** Seals {@code plaintext} into {@code out} (plaintext.length + 16 bytes). */
    public static void seal(byte[] key, byte[] nonce24, byte[] ad, byte[] plaintext, byte[] out) {
        if (key == null || key.length != ChaCha20Poly1305.KEY_LENGTH) throw new IllegalArgumentException("key must be 32 bytes");
        if (nonce24 == null || nonce24.length != NONCE_LENGTH) throw new IllegalArgumentException("nonce must be 24 bytes");
        byte[] subkey = new byte[ChaCha20Poly1305.KEY_LENGTH];
        try {
            ChaCha20Core.hchacha20(key, nonce24, 0, subkey);
            MemorySegment n = MemorySegment.ofArray(nonce24);
            AEAD.get().seal(subkey, 0, n.get(LE32, 16), n.get(LE32, 20), ad,
                    MemorySegment.ofArray(plaintext), 0, plaintext.length, MemorySegment.ofArray(out), 0);
        } finally {
            java.util.Arrays.fill(subkey, (byte) 0);
        }
    }

    /** Opens {@code ciphertext} (with tag) into {@code out}; false if the tag does not verify. */
    public static boolean open(byte[] key, byte[] nonce24, byte[] ad, byte[] ciphertext, byte[] out) {
        if (key == null || key.length != ChaCha20Poly1305.KEY_LENGTH || nonce24 == null
                || nonce24.length != NONCE_LENGTH || ciphertext == null || out == null) return false;
        byte[] subkey = new byte[ChaCha20Poly1305.KEY_LENGTH];
        try {
            ChaCha20Core.hchacha20(key, nonce24, 0, subkey);
            MemorySegment n = MemorySegment.ofArray(nonce24);
            return AEAD.get().open(subkey, 0, n.get(LE32, 16), n.get(LE32, 20), ad,
                    MemorySegment.ofArray(ciphertext), 0, ciphertext.length, MemorySegment.ofArray(out), 0);
        } finally {
            java.util.Arrays.fill(subkey, (byte) 0);
        }
    }
}
