package jwg.ice;

import java.nio.charset.StandardCharsets;

/**
 * Just enough of STUN (RFC 5389) and TURN ChannelData (RFC 5766 §11) to route a datagram that is
 * not WireGuard to the ICE agent it belongs to: the message class, the transaction ID and the
 * USERNAME of a request. Everything else is ice4j's business. Reads heap arrays, never throws.
 */
final class StunPacket {
    static final int HEADER = 20;
    static final int MAGIC_COOKIE = 0x2112A442;
    static final int ATTR_USERNAME = 0x0006;

    enum Kind { REQUEST, INDICATION, RESPONSE, CHANNEL_DATA, OTHER }

    private StunPacket() {}

    /** The demux rule of Netbird's ICEBind: the magic cookie at offset 4 makes it STUN. */
    static boolean isStun(byte[] b, int len) {
        return len >= HEADER && (b[0] & 0xC0) == 0 && int32(b, 4) == MAGIC_COOKIE
                && HEADER + uint16(b, 2) <= len;
    }

    /** TURN ChannelData: channel numbers 0x4000–0x7FFF in the first two bytes. */
    static boolean isChannelData(byte[] b, int len) {
        return len >= 4 && (b[0] & 0xC0) == 0x40 && 4 + uint16(b, 2) <= len;
    }

    static Kind kind(byte[] b, int len) {
        if (isStun(b, len)) {
            int type = uint16(b, 0);
            int cls = ((type >> 7) & 0b10) | ((type >> 4) & 0b01);
            return switch (cls) {
                case 0 -> Kind.REQUEST;
                case 1 -> Kind.INDICATION;
                default -> Kind.RESPONSE; // success (2) or error (3)
            };
        }
        return isChannelData(b, len) ? Kind.CHANNEL_DATA : Kind.OTHER;
    }

    /** The 96-bit transaction ID as a string key (control path: allocates). */
    static String transactionId(byte[] b) {
        StringBuilder s = new StringBuilder(24);
        for (int i = 8; i < HEADER; i++) s.append(Character.forDigit((b[i] >> 4) & 15, 16)).append(Character.forDigit(b[i] & 15, 16));
        return s.toString();
    }

    /** The USERNAME attribute's value, or null if absent or malformed. */
    static String username(byte[] b, int len) {
        int end = Math.min(len, HEADER + uint16(b, 2));
        int p = HEADER;
        while (p + 4 <= end) {
            int type = uint16(b, p), alen = uint16(b, p + 2);
            if (p + 4 + alen > end) return null;
            if (type == ATTR_USERNAME) return new String(b, p + 4, alen, StandardCharsets.UTF_8);
            p += 4 + ((alen + 3) & ~3);
        }
        return null;
    }

    /** The local ufrag (before the colon) of a connectivity check's USERNAME "local:remote", or null. */
    static String localUfrag(byte[] b, int len) {
        String u = username(b, len);
        if (u == null) return null;
        int colon = u.indexOf(':');
        return colon <= 0 ? null : u.substring(0, colon);
    }

    static int uint16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static int int32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
