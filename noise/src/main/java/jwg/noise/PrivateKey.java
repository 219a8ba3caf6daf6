package jwg.noise;

import java.security.SecureRandom;
import jwg.noise.crypto.X25519;

/** A Curve25519 private key, clamped on creation. Secret: never printed. */
public final class PrivateKey extends Key {
    public PrivateKey(byte[] bytes) {
        super(bytes);
        X25519.clamp(this.bytes);
    }

    public static PrivateKey generate(SecureRandom random) {
        byte[] b = X25519.generatePrivateKey(random);
        try {
            return new PrivateKey(b);
        } finally {
            java.util.Arrays.fill(b, (byte) 0);
        }
    }

    public static PrivateKey fromBase64(String s) {
        return new PrivateKey(decodeBase64(s));
    }

    public static PrivateKey fromHex(String s) {
        return new PrivateKey(decodeHex(s));
    }

    public PublicKey publicKey() {
        return PublicKey.of(this);
    }

    @Override
    public String toString() {
        return "PrivateKey[redacted]";
    }
}
