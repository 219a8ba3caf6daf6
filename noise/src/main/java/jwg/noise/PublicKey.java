package jwg.noise;

import jwg.noise.crypto.X25519;

/** A Curve25519 public key. Not secret: prints as base64. */
public final class PublicKey extends Key {
    public PublicKey(byte[] bytes) {
        super(bytes);
    }

    public static PublicKey fromBase64(String s) {
        return new PublicKey(decodeBase64(s));
    }

    public static PublicKey fromHex(String s) {
        return new PublicKey(decodeHex(s));
    }

    /** The public key of {@code privateKey}. */
    public static PublicKey of(PrivateKey privateKey) {
        return new PublicKey(X25519.publicKey(privateKey.bytes));
    }

    @Override
    public String toString() {
        return toBase64();
    }
}
