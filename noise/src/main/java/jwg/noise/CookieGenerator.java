package jwg.noise;

import java.util.Arrays;
import jwg.noise.crypto.Blake2s;
import jwg.noise.crypto.XChaCha20Poly1305;

/**
 * The sender's side of MAC1/MAC2, one per peer: adds MAC1 (keyed by the peer's public key) to
 * every handshake message we send, and MAC2 when we hold a cookie younger than 120 s (from a
 * cookie reply the peer sent while under load). See {@link CookieChecker} for the formulas.
 * Control thread only (synchronized for safety).
 */
final class CookieGenerator {
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final byte[] cookie = new byte[16];
    private long cookieSetAt;
    private boolean hasCookie;
    private final byte[] lastMac1 = new byte[16];
    private boolean hasLastMac1;
    // scratch: a cookie reply is checked without allocating
    private final byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LENGTH];
    private final byte[] got = new byte[16];
    private final byte[] subkey = new byte[32];

    CookieGenerator(PublicKey remote) {
        this.mac1Key = CookieChecker.labelledKey(Constants.LABEL_MAC1, remote);
        this.cookieKey = CookieChecker.labelledKey(Constants.LABEL_COOKIE, remote);
    }

    /** Writes msg.mac1 at {@code mac1Off} and msg.mac2 (16 bytes later; zeros without a fresh cookie). */
    synchronized void addMacs(byte[] msg, int mac1Off, long now) {
        Blake2s.mac(mac1Key, msg, 0, mac1Off, msg, mac1Off);
        System.arraycopy(msg, mac1Off, lastMac1, 0, 16);
        hasLastMac1 = true;
        int mac2Off = mac1Off + 16;
        if (hasCookie && now - cookieSetAt <= Constants.COOKIE_REFRESH_TIME) {
            Blake2s.mac(cookie, msg, 0, mac2Off, msg, mac2Off);
        } else {
            Arrays.fill(msg, mac2Off, mac2Off + 16, (byte) 0);
        }
    }

    /**
     * Consumes a cookie reply (64 bytes): decrypts the cookie with AD = the MAC1 of the last
     * message we sent. False if we sent nothing or it does not verify.
     */
    synchronized boolean consumeReply(byte[] reply, long now) {
        if (!hasLastMac1) return false;
        System.arraycopy(reply, Messages.COOKIE_NONCE, nonce, 0, XChaCha20Poly1305.NONCE_LENGTH);
        if (!XChaCha20Poly1305.open(
                cookieKey,
                nonce,
                lastMac1,
                reply,
                Messages.COOKIE_ENCRYPTED,
                Messages.COOKIE_ENCRYPTED_LENGTH,
                got,
                0,
                subkey)) return false;
        System.arraycopy(got, 0, cookie, 0, 16);
        Arrays.fill(got, (byte) 0);
        cookieSetAt = now;
        hasCookie = true;
        hasLastMac1 = false; // one reply per message sent: a duplicate reply is rejected
        return true;
    }

    synchronized boolean hasFreshCookie(long now) {
        return hasCookie && now - cookieSetAt <= Constants.COOKIE_REFRESH_TIME;
    }

    synchronized void wipe() {
        Arrays.fill(cookie, (byte) 0);
        hasCookie = false;
        hasLastMac1 = false;
    }

    @Override
    public String toString() {
        return "CookieGenerator[redacted]";
    }
}
