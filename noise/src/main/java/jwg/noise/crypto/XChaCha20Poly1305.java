package jwg.noise.crypto;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): used only by WireGuard cookie replies,
 * with a 24-byte random nonce. HChaCha20 derives a subkey from the first 16 nonce bytes;
 * the rest is ChaCha20-Poly1305 with nonce {@code 0^32 || nonce[16..24]}.
 *
 * <p>REFERENCE VERSION: not yet implemented; to be filled in with HChaCha20 + {@link ChaCha20Poly1305}.
 */
public final class XChaCha20Poly1305 {
    public static final int NONCE_LENGTH = 24;
    private XChaCha20Poly1305() {}

    /** Seals {@code plaintext} into {@code out} (plaintext.length + 16 bytes). */
    public static void seal(byte[] key, byte[] nonce24, byte[] ad, byte[] plaintext, byte[] out) {
        throw new UnsupportedOperationException("XChaCha20Poly1305 not implemented yet");
    }

    /** Opens {@code ciphertext} (with tag) into {@code out}; false if the tag does not verify. */
    public static boolean open(byte[] key, byte[] nonce24, byte[] ad, byte[] ciphertext, byte[] out) {
        throw new UnsupportedOperationException("XChaCha20Poly1305 not implemented yet");
    }
}
