package jwg.ice.stun;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MESSAGE-INTEGRITY (RFC 5389 §15.4): HMAC-SHA1 of the message up to the attribute, computed with
 * the header's length already counting the attribute (not FINGERPRINT after it). The length is
 * patched on the fly, never in the datagram; the comparison takes the same time whatever the bytes.
 */
public final class MessageIntegrity {
    public static final int LENGTH = 20;

    private MessageIntegrity() {}

    /** The long-term credential key (§15.4): MD5(username ":" realm ":" password), without SASLprep. */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    /** The short-term credential key (§15.4): the password itself, without SASLprep. */
    public static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the HMAC for a MESSAGE-INTEGRITY attribute at position {@code p} into {@code out[off..off+20)}. */
    static void compute(byte[] key, byte[] b, int p, byte[] out, int off) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            mac.update(b, 0, 2);
            int length = p + 4 + LENGTH - Stun.HEADER;
            mac.update((byte) (length >>> 8));
            mac.update((byte) length);
            mac.update(b, 4, p - 4);
            mac.doFinal(out, off);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 missing from the JDK", e);
        }
    }

    /**
     * True if the MESSAGE-INTEGRITY attribute at position {@code p} (see {@link StunAttributes})
     * matches {@code key}. Constant time in the attribute's bytes.
     */
    public static boolean valid(byte[] b, int p, byte[] key) {
        byte[] mac = new byte[LENGTH];
        compute(key, b, p, mac, 0);
        int v = StunAttributes.valueOffset(p), diff = 0;
        for (int i = 0; i < LENGTH; i++) diff |= mac[i] ^ b[v + i];
        return diff == 0;
    }

    /** Writes a MESSAGE-INTEGRITY attribute at {@code p} (24 bytes) and sets the header's length to end after it. */
    static void write(byte[] key, byte[] b, int p) {
        Stun.put16(b, 2, p + 4 + LENGTH - Stun.HEADER);
        Stun.put16(b, p, Stun.MESSAGE_INTEGRITY);
        Stun.put16(b, p + 2, LENGTH);
        compute(key, b, p, b, p + 4);
    }
}
