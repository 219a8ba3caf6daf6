package jwg.ice.signal;

import java.util.Base64;
import java.util.Optional;
import jwg.noise.PublicKey;

/**
 * Public keys in URLs: hex (64 characters, either case), URL-safe base64, or standard base64
 * (percent-encoded in the URL; 43 characters, or 44 padded).
 */
final class KeyText {
    private KeyText() {}

    static String of(PublicKey key) {
        return key.toHex();
    }

    static Optional<PublicKey> parse(String s) {
        try {
            if (s.length() == 64) return Optional.of(PublicKey.fromHex(s.toLowerCase(java.util.Locale.ROOT)));
            if (s.length() == 43 || s.length() == 44) {
                boolean standard = s.indexOf('+') >= 0 || s.indexOf('/') >= 0;
                byte[] b = (standard ? Base64.getDecoder() : Base64.getUrlDecoder()).decode(s);
                if (b.length == 32) return Optional.of(new PublicKey(b));
            }
        } catch (IllegalArgumentException e) {
            // falls through: not a key
        }
        return Optional.empty();
    }
}
