package jwg.noise;

import java.security.SecureRandom;

/** A 32-byte symmetric preshared key (all zeros = none). Secret: never printed. */
public final class PresharedKey extends Key {
    public PresharedKey(byte[] bytes) {
        super(bytes);
    }

    public static PresharedKey none() {
        return new PresharedKey(new byte[LENGTH]);
    }

    public static PresharedKey generate(SecureRandom random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        return new PresharedKey(b);
    }

    public static PresharedKey fromBase64(String s) {
        return new PresharedKey(decodeBase64(s));
    }

    public static PresharedKey fromHex(String s) {
        return new PresharedKey(decodeHex(s));
    }

    @Override
    public String toString() {
        return "PresharedKey[redacted]";
    }
}
