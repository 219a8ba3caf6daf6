package jwg.ice;

import java.nio.charset.StandardCharsets;
import jwg.ice.stun.ChannelData;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunAttributes;

/**
 * The mux's view of a datagram that is not WireGuard: what kind of STUN it is (or TURN ChannelData)
 * and the keys that route it — the transaction ID, and the USERNAME of a request. A flyweight over
 * the codec in {@link jwg.ice.stun}: it reads the received bytes in place, classifying allocates
 * nothing, nothing throws. Everything else about the message is ice4j's business.
 */
final class StunPacket {
    enum Kind {
        REQUEST,
        INDICATION,
        RESPONSE,
        CHANNEL_DATA,
        OTHER
    }

    private StunPacket() {}

    /** The demux rule of Netbird's ICEBind, made strict: a STUN header (magic cookie at offset 4, length a multiple of 4). */
    static boolean isStun(byte[] b, int len) {
        return Stun.isMessage(b, len);
    }

    static Kind kind(byte[] b, int len) {
        if (Stun.isMessage(b, len)) {
            return switch (Stun.messageClass(Stun.type(b))) {
                case Stun.REQUEST -> Kind.REQUEST;
                case Stun.INDICATION -> Kind.INDICATION;
                default -> Kind.RESPONSE; // success or error
            };
        }
        return ChannelData.isChannelData(b, len) ? Kind.CHANNEL_DATA : Kind.OTHER;
    }

    /** The 96-bit transaction ID as a string key (control path: allocates). */
    static String transactionId(byte[] b) {
        StringBuilder s = new StringBuilder(2 * Stun.TRANSACTION_ID_LENGTH);
        for (int i = 8; i < Stun.HEADER; i++)
            s.append(Character.forDigit((b[i] >> 4) & 15, 16)).append(Character.forDigit(b[i] & 15, 16));
        return s.toString();
    }

    /** The USERNAME attribute's value, or null if absent or the message is malformed up to it. */
    static String username(byte[] b, int len) {
        int p = StunAttributes.find(b, len, Stun.USERNAME);
        if (p < 0) return null;
        return new String(b, StunAttributes.valueOffset(p), StunAttributes.valueLength(b, p), StandardCharsets.UTF_8);
    }

    /** The local ufrag (before the colon) of a connectivity check's USERNAME "local:remote", or null. */
    static String localUfrag(byte[] b, int len) {
        String u = username(b, len);
        if (u == null) return null;
        int colon = u.indexOf(':');
        return colon <= 0 ? null : u.substring(0, colon);
    }
}
