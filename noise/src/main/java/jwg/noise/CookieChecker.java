package jwg.noise;

import java.net.InetSocketAddress;
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
 * Called on the control thread; methods are synchronized anyway (they are cheap and rare).
 */
final class CookieChecker {
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final byte[] secret = new byte[32];
    private long secretSetAt;
    private boolean secretValid;
    private final SecureRandom random;
    private final byte[] mac = new byte[16];

    CookieChecker(PublicKey local, SecureRandom random) {
        this.mac1Key = labelledKey(Constants.LABEL_MAC1, local);
        this.cookieKey = labelledKey(Constants.LABEL_COOKIE, local);
        this.random = random;
    }

    /** HASH(label || public key): the MAC1 key or the cookie encryption key for that public key. */
    static byte[] labelledKey(String label, PublicKey key) {
        return Blake2s.hash(label.getBytes(StandardCharsets.US_ASCII), key.rawBytes());
    }

    /** Am: the source address as IP bytes (4 or 16) followed by the port, little-endian. */
    static byte[] addressBytes(InetSocketAddress from) {
        if (from == null || from.getAddress() == null) return new byte[0];
        byte[] ip = from.getAddress().getAddress();
        byte[] a = Arrays.copyOf(ip, ip.length + 2);
        a[ip.length] = (byte) from.getPort();
        a[ip.length + 1] = (byte) (from.getPort() >>> 8);
        return a;
    }

    /** True if msg[macOff..+16] = MAC(mac1Key, msg[0..macOff]). Constant-time comparison. */
    synchronized boolean checkMac1(byte[] msg, int macOff) {
        Blake2s.mac(mac1Key, msg, 0, macOff, mac, 0);
        return ConstantTime.equals(mac, 0, msg, macOff, 16);
    }

    /** True if msg[mac2Off..+16] is the MAC2 made with the cookie we would give {@code src} now. */
    synchronized boolean checkMac2(byte[] msg, int mac2Off, byte[] src, long now) {
        if (!secretValid || now - secretSetAt > Constants.COOKIE_REFRESH_TIME) return false;
        byte[] cookie = new byte[16];
        Blake2s.mac(secret, src, 0, src.length, cookie, 0);
        byte[] mac = new byte[16];
        Blake2s.mac(cookie, msg, 0, mac2Off, mac, 0);
        return ConstantTime.equals(mac, 0, msg, mac2Off, 16);
    }

    /**
     * Writes a 64-byte cookie reply to {@code msg} (whose sender index sits at {@code senderOff}
     * and MAC1 at {@code mac1Off}) into {@code out}.
     */
    synchronized void createReply(byte[] msg, int senderOff, int mac1Off, byte[] src, long now, byte[] out) {
        if (!secretValid || now - secretSetAt > Constants.COOKIE_REFRESH_TIME) {
            random.nextBytes(secret);
            secretSetAt = now;
            secretValid = true;
        }
        byte[] cookie = new byte[16];
        Blake2s.mac(secret, src, 0, src.length, cookie, 0);
        Messages.putIntLE(out, 0, Messages.TYPE_COOKIE_REPLY);
        System.arraycopy(msg, senderOff, out, Messages.COOKIE_RECEIVER, 4);
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LENGTH];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, Messages.COOKIE_NONCE, nonce.length);
        byte[] mac1 = Arrays.copyOfRange(msg, mac1Off, mac1Off + 16);
        byte[] sealed = new byte[Messages.COOKIE_ENCRYPTED_LENGTH];
        XChaCha20Poly1305.seal(cookieKey, nonce, mac1, cookie, sealed);
        System.arraycopy(sealed, 0, out, Messages.COOKIE_ENCRYPTED, sealed.length);
        Arrays.fill(cookie, (byte) 0);
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
