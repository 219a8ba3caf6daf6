package jwg.noise;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import jwg.noise.crypto.ConstantTime;

/**
 * A 32-byte WireGuard key. Parsing accepts the two encodings users meet: base64 (wg, wg-quick
 * .conf) and lowercase hex (UAPI). Equality is constant-time. Subclasses decide whether the
 * value may be printed: secrets redact {@link #toString()}.
 */
public abstract sealed class Key permits PrivateKey, PublicKey, PresharedKey {
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    final byte[] bytes;

    Key(byte[] bytes) {
        if (bytes.length != LENGTH) throw new IllegalArgumentException("a key is 32 bytes, got " + bytes.length);
        this.bytes = bytes.clone();
    }

    /** A copy of the raw bytes (the caller wipes it when done with a secret). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The raw bytes without copying, for the protocol core. Never modify, never leak. */
    public byte[] rawBytes() {
        return bytes;
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    public String toHex() {
        return HEX.formatHex(bytes);
    }

    public boolean isZero() {
        return ConstantTime.isZero(bytes, 0, LENGTH);
    }

    /** Overwrites the key with zeros. */
    public void wipe() {
        Arrays.fill(bytes, (byte) 0);
    }

    static byte[] decodeBase64(String s) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(s.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 key");
        }
        if (b.length != LENGTH) throw new IllegalArgumentException("key must decode to 32 bytes, got " + b.length);
        return b;
    }

    static byte[] decodeHex(String s) {
        String t = s.trim();
        if (t.length() != 2 * LENGTH)
            throw new IllegalArgumentException("hex key must be 64 characters, got " + t.length());
        try {
            return HEX.parseHex(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hex key");
        }
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ConstantTime.equals(bytes, ((Key) o).bytes);
    }

    @Override
    public final int hashCode() {
        // Only public keys are used as map keys; secrets hash to a constant so the hash leaks nothing.
        return this instanceof PublicKey ? Arrays.hashCode(bytes) : 0;
    }
}
