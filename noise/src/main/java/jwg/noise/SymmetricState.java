package jwg.noise;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jwg.noise.crypto.Blake2s;
import jwg.noise.crypto.ChaCha20Poly1305;
import jwg.noise.crypto.Kdf;

/**
 * The Noise SymmetricState (Noise spec section 5.2) for Noise_*_25519_ChaChaPoly_BLAKE2s:
 * chaining key {@code ck} (the whitepaper's C), handshake hash {@code h} (H) and the current
 * cipher key {@code k} with its nonce. WireGuard uses each k exactly once, at nonce 0.
 *
 * <p>Not thread-safe (a handshake is processed by one control thread); allocates nothing after
 * {@link #initialize}. {@link #wipe()} zeroes it.
 */
final class SymmetricState {
    final byte[] ck = new byte[32];
    final byte[] h = new byte[32];
    private final byte[] k = new byte[32];
    /** Scratch for MixKeyAndHash's tau; wiped after use. */
    private final byte[] tau = new byte[32];

    private boolean hasKey;
    private static final byte[] EMPTY = new byte[0];
    /** The handshake AEAD of the calling thread (handshakes run on the control thread). */
    private static final ThreadLocal<ChaCha20Poly1305> AEAD = ThreadLocal.withInitial(ChaCha20Poly1305::new);

    private long n;

    /** InitializeSymmetric(protocol_name): h = HASH(name) (name > 32 bytes), ck = h. */
    void initialize(String protocolName) {
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        if (name.length <= 32) {
            Arrays.fill(h, (byte) 0);
            System.arraycopy(name, 0, h, 0, name.length);
        } else {
            System.arraycopy(Blake2s.hash(name), 0, h, 0, 32);
        }
        System.arraycopy(h, 0, ck, 0, 32);
        hasKey = false;
    }

    /** Copies another state (used to start from a precomputed initial state). */
    void copyFrom(SymmetricState o) {
        System.arraycopy(o.ck, 0, ck, 0, 32);
        System.arraycopy(o.h, 0, h, 0, 32);
        System.arraycopy(o.k, 0, k, 0, 32);
        hasKey = o.hasKey;
        n = o.n;
    }

    /** MixHash(data): h = HASH(h || data). */
    void mixHash(byte[] data, int off, int len) {
        Blake2s.hash(h, data, off, len, h);
    }

    void mixHash(byte[] data) {
        mixHash(data, 0, data.length);
    }

    /** MixKey(ikm): ck, k = KDF2(ck, ikm); n = 0. */
    void mixKey(byte[] ikm) {
        Kdf.kdf(ck, ikm, 2, ck, k, null);
        hasKey = true;
        n = 0;
    }

    /** MixKeyAndHash(ikm) (the psk token): ck, tau, k = KDF3(ck, ikm); MixHash(tau); n = 0. */
    void mixKeyAndHash(byte[] ikm) {
        Kdf.kdf(ck, ikm, 3, ck, tau, k);
        mixHash(tau);
        Arrays.fill(tau, (byte) 0);
        hasKey = true;
        n = 0;
    }

    /**
     * EncryptAndHash(plaintext): c = AEAD(k, n++, plaintext, h); MixHash(c). Writes
     * {@code len + 16} bytes to {@code out[outOff..]} (just the plaintext if no key yet).
     */
    int encryptAndHash(byte[] plaintext, int off, int len, byte[] out, int outOff) {
        int clen;
        if (hasKey) {
            clen = AEAD.get().seal(k, n++, h, plaintext, off, len, out, outOff);
        } else {
            System.arraycopy(plaintext, off, out, outOff, len);
            clen = len;
        }
        mixHash(out, outOff, clen);
        return clen;
    }

    /**
     * DecryptAndHash(ciphertext): p = AEAD-open(k, n++, c, h); MixHash(c). Returns false (state
     * unusable afterwards) if the tag does not verify.
     */
    boolean decryptAndHash(byte[] ciphertext, int off, int len, byte[] out, int outOff) {
        if (hasKey) {
            if (len < ChaCha20Poly1305.TAG_LENGTH) return false;
            if (!AEAD.get().open(k, n++, h, ciphertext, off, len, out, outOff)) return false;
        } else {
            System.arraycopy(ciphertext, off, out, outOff, len);
        }
        mixHash(ciphertext, off, len);
        return true;
    }

    /** Split(): (k1, k2) = KDF2(ck, empty). k1 is the initiator's sending key. */
    void split(byte[] k1, byte[] k2) {
        Kdf.kdf(ck, EMPTY, 2, k1, k2, null);
    }

    void wipe() {
        Arrays.fill(ck, (byte) 0);
        Arrays.fill(h, (byte) 0);
        Arrays.fill(k, (byte) 0);
        hasKey = false;
        n = 0;
    }

    @Override
    public String toString() {
        return "SymmetricState[redacted]";
    }
}
