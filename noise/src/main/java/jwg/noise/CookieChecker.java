package jwg.noise;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import jwg.noise.crypto.Blake2s;
import jwg.noise.crypto.ConstantTime;
import jwg.noise.crypto.XChaCha20Poly1305;

/**
 * The responder's side of MAC1/MAC2 and cookies (whitepaper 5.4.4, 5.4.7), one per device:
 * <pre>
 *   msg.mac1 = MAC(HASH(LABEL_MAC1 || Spub_m), msg_alpha)          -- always checked
 *   Rm       = random 32 bytes, renewed every COOKIE_REFRESH_TIME (120 s)
 *   cookie   = MAC(Rm, Am)        Am = source IP || source port     -- keyed by IP AND port
 *   msg.mac2 = MAC(cookie, msg_beta)                                -- checked only under load
 *   reply    = nonce(24) || XAEAD(HASH(LABEL_COOKIE || Spub_m), nonce, cookie, msg.mac1)
 * </pre>
 * Called on the control thread (synchronized anyway); {@link #checkMac1(byte[], int, byte[])}
 * from any thread.
 */
final class CookieChecker {
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final byte[] secret = new byte[32];
    private long secretSetAt;
    private boolean secretValid;
    private final SecureRandom random;
    // scratch (under this monitor): checking MAC2 and answering with a cookie allocate nothing
    private final byte[] mac = new byte[16];
    private final byte[] cookie = new byte[16];
    private final byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LENGTH];
    private final byte[] ad = new byte[16];
    private final byte[] subkey = new byte[32];
    private long nonceCounter;

    CookieChecker(PublicKey local, SecureRandom random) {
        this.mac1Key = labelledKey(Constants.LABEL_MAC1, local);
        this.cookieKey = labelledKey(Constants.LABEL_COOKIE, local);
        this.random = random;
    }

    /** HASH(label || public key): the MAC1 key or the cookie encryption key for that public key. */
    static byte[] labelledKey(String label, PublicKey key) {
        return Blake2s.hash(label.getBytes(StandardCharsets.US_ASCII), key.rawBytes());
    }

    /** True if msg[macOff..+16] = MAC(mac1Key, msg[0..macOff]). Constant-time comparison. */
    synchronized boolean checkMac1(byte[] msg, int macOff) {
        return checkMac1(msg, macOff, mac);
    }

    /**
     * {@link #checkMac1} with the caller's 16-byte scratch: lock-free (the MAC1 key never changes),
     * for the receive thread's check before a message may take a handshake-queue slot.
     */
    boolean checkMac1(byte[] msg, int macOff, byte[] scratch16) {
        Blake2s.mac(mac1Key, msg, 0, macOff, scratch16, 0);
        return ConstantTime.equals(scratch16, 0, msg, macOff, 16);
    }

    /** True if msg[mac2Off..+16] is the MAC2 made with the cookie we would give {@code src} now. Allocates nothing. */
    synchronized boolean checkMac2(byte[] msg, int mac2Off, SourceAddress src, long now) {
        if (!secretValid || now - secretSetAt > Constants.COOKIE_REFRESH_TIME) return false;
        Blake2s.mac(secret, src.bytes, 0, src.length, cookie, 0);
        Blake2s.mac(cookie, msg, 0, mac2Off, mac, 0);
        Arrays.fill(cookie, (byte) 0);
        return ConstantTime.equals(mac, 0, msg, mac2Off, 16);
    }

    /**
     * Writes a 64-byte cookie reply to {@code msg} (whose sender index sits at {@code senderOff}
     * and MAC1 at {@code mac1Off}) into {@code out}. Allocates nothing (beyond what the
     * SecureRandom's nextBytes may).
     */
    synchronized void createReply(byte[] msg, int senderOff, int mac1Off, SourceAddress src, long now, byte[] out) {
        if (!secretValid || now - secretSetAt > Constants.COOKIE_REFRESH_TIME) {
            random.nextBytes(secret);
            random.nextBytes(nonce); // a fresh random prefix with each secret (see nextNonce)
            secretSetAt = now;
            secretValid = true;
        }
        Blake2s.mac(secret, src.bytes, 0, src.length, cookie, 0);
        Messages.putIntLE(out, 0, Messages.TYPE_COOKIE_REPLY);
        System.arraycopy(msg, senderOff, out, Messages.COOKIE_RECEIVER, 4);
        nextNonce();
        System.arraycopy(nonce, 0, out, Messages.COOKIE_NONCE, nonce.length);
        System.arraycopy(msg, mac1Off, ad, 0, 16);
        XChaCha20Poly1305.seal(cookieKey, nonce, ad, cookie, 0, 16, out, Messages.COOKIE_ENCRYPTED, subkey);
        Arrays.fill(cookie, (byte) 0);
    }

    /**
     * The reply's 24-byte XChaCha20 nonce: a random 16-byte prefix (drawn with each new secret)
     * then a 64-bit counter. Unique under the fixed cookie key like a random nonce would be,
     * unpredictable to the sender, and without asking the SecureRandom (which allocates) per reply.
     */
    private void nextNonce() {
        long c = nonceCounter++;
        for (int i = 0; i < 8; i++) nonce[16 + i] = (byte) (c >>> (8 * i));
    }

    /** Forgets the cookie secret (device shutdown). */
    synchronized void wipe() {
        Arrays.fill(secret, (byte) 0);
        secretValid = false;
    }

    @Override
    public String toString() {
        return "CookieChecker[redacted]";
    }
}
