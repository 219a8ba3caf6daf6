package jwg.noise.crypto;

import java.security.SecureRandom;

/** X25519 (RFC 7748) on 32-byte little-endian arrays. Thread-safe, stateless. */
public final class X25519 {
    public static final int KEY_LENGTH = 32;
    private X25519() {}

    /** A new clamped private key from {@code random}. */
    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] k = new byte[KEY_LENGTH];
        random.nextBytes(k);
        clamp(k);
        return k;
    }

    public static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
    }

    /** Writes the public key of {@code privateKey} into {@code out}. */
    public static void publicKey(byte[] privateKey, byte[] out) {
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(privateKey, 0, out, 0);
    }

    public static byte[] publicKey(byte[] privateKey) {
        byte[] out = new byte[KEY_LENGTH];
        publicKey(privateKey, out);
        return out;
    }

    /**
     * DH(privateKey, publicKey) into {@code out}. Returns false if the result is all zeros
     * (a low-order point), which WireGuard must reject.
     */
    public static boolean sharedSecret(byte[] privateKey, byte[] publicKey, byte[] out) {
        return org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0);
    }
}
