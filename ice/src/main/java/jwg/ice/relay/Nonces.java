package jwg.ice.relay;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's NONCEs (RFC 8656 §9): stateless, the issue time in hex and an HMAC of it under a
 * secret drawn at start, so a nonce can be checked without a table and a stale one told from a
 * forged one. Stale after the configured lifetime: the request then gets 438 with a fresh nonce.
 */
final class Nonces {
    enum Check {
        VALID,
        STALE,
        INVALID
    }

    private static final int TIME_HEX = 12, MAC_HEX = 20;
    private final byte[] secret = new byte[32];
    private final long lifetimeMs;

    Nonces(long lifetimeMs) {
        new SecureRandom().nextBytes(secret);
        this.lifetimeMs = lifetimeMs;
    }

    /** A new nonce issued at {@code nowMs}. */
    String issue(long nowMs) {
        String time = String.format("%012x", nowMs);
        return time + mac(time);
    }

    Check check(String nonce, long nowMs) {
        if (nonce == null || nonce.length() != TIME_HEX + MAC_HEX) return Check.INVALID;
        String time = nonce.substring(0, TIME_HEX);
        if (!java.security.MessageDigest.isEqual(
                mac(time).getBytes(StandardCharsets.US_ASCII),
                nonce.substring(TIME_HEX).getBytes(StandardCharsets.US_ASCII))) return Check.INVALID;
        long issued;
        try {
            issued = Long.parseLong(time, 16);
        } catch (NumberFormatException e) {
            return Check.INVALID;
        }
        return nowMs - issued >= lifetimeMs || issued > nowMs + 1000 ? Check.STALE : Check.VALID;
    }

    private String mac(String time) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] h = m.doFinal(time.getBytes(StandardCharsets.US_ASCII));
            return java.util.HexFormat.of().formatHex(h, 0, MAC_HEX / 2);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }
}
