package jwg.ice.stun;

/**
 * The STUN message header (RFC 5389 §6) and the protocol's numbers, by their RFC names. Reads a
 * datagram in place: no allocation, never throws for {@code len <= b.length}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 0 | message type (14 bits)     | message length (attributes only, multiple of 4)
 *  magic cookie 0x2112A442
 *  transaction ID (96 bits)
 * </pre>
 */
public final class Stun {
    public static final int HEADER = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int TRANSACTION_ID_LENGTH = 12;

    // methods (RFC 5389 §18.1, RFC 5766 §13)
    public static final int BINDING = 0x001,
            ALLOCATE = 0x003,
            REFRESH = 0x004,
            SEND = 0x006,
            DATA = 0x007,
            CREATE_PERMISSION = 0x008,
            CHANNEL_BIND = 0x009;
    // classes, as bits of the message type (RFC 5389 §6)
    public static final int REQUEST = 0x000, INDICATION = 0x010, SUCCESS_RESPONSE = 0x100, ERROR_RESPONSE = 0x110;

    // attributes (RFC 5389 §18.2, RFC 5766 §14, RFC 5780 §7)
    public static final int MAPPED_ADDRESS = 0x0001,
            CHANGE_REQUEST = 0x0003,
            USERNAME = 0x0006,
            MESSAGE_INTEGRITY = 0x0008,
            ERROR_CODE = 0x0009,
            CHANNEL_NUMBER = 0x000C,
            LIFETIME = 0x000D,
            XOR_PEER_ADDRESS = 0x0012,
            DATA_ATTRIBUTE = 0x0013, // RFC 5766's DATA (the method of that name is DATA above)
            REALM = 0x0014,
            NONCE = 0x0015,
            XOR_RELAYED_ADDRESS = 0x0016,
            REQUESTED_TRANSPORT = 0x0019,
            XOR_MAPPED_ADDRESS = 0x0020,
            SOFTWARE = 0x8022,
            FINGERPRINT = 0x8028,
            RESPONSE_ORIGIN = 0x802B,
            OTHER_ADDRESS = 0x802C;

    /** CHANGE-REQUEST flags (RFC 5780 §7.2). */
    public static final int CHANGE_IP = 0x04, CHANGE_PORT = 0x02;
    /** REQUESTED-TRANSPORT's protocol number for UDP (RFC 5766 §14.7). */
    public static final int PROTOCOL_UDP = 17;

    private Stun() {}

    /**
     * True if the first {@code len} bytes of {@code b} start with a well-formed STUN header: the two
     * top bits zero, the magic cookie, a length that is a multiple of 4 and fits in {@code len}
     * (bytes after the message are allowed). The attributes are not looked at.
     */
    public static boolean isMessage(byte[] b, int len) {
        if (len < HEADER || len > b.length || (b[0] & 0xC0) != 0 || int32(b, 4) != MAGIC_COOKIE) return false;
        int length = uint16(b, 2);
        return (length & 3) == 0 && HEADER + length <= len;
    }

    /** The 16-bit message type of a message. */
    public static int type(byte[] b) {
        return uint16(b, 0);
    }

    /** The header's message length: the attributes' bytes. */
    public static int length(byte[] b) {
        return uint16(b, 2);
    }

    /** Where the message ends (the header plus its length). */
    public static int end(byte[] b) {
        return HEADER + uint16(b, 2);
    }

    /** The class bits of a message type: {@link #REQUEST}, {@link #INDICATION}, {@link #SUCCESS_RESPONSE} or {@link #ERROR_RESPONSE}. */
    public static int messageClass(int type) {
        return type & 0x110;
    }

    /** The method of a message type (the 12 bits around the class bits). */
    public static int method(int type) {
        return (type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80);
    }

    /** The message type of {@code method} in class {@code cls}. */
    public static int messageType(int method, int cls) {
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | cls;
    }

    /** True if the message's transaction ID is {@code id} (12 bytes). */
    public static boolean hasTransactionId(byte[] b, byte[] id) {
        int diff = id.length ^ TRANSACTION_ID_LENGTH;
        for (int i = 0; i < TRANSACTION_ID_LENGTH && i < id.length; i++) diff |= b[8 + i] ^ id[i];
        return diff == 0;
    }

    /** Attribute values are padded to a multiple of 4 bytes. */
    public static int pad(int n) {
        return (n + 3) & ~3;
    }

    public static int uint16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    public static int int32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(byte[] b, int i, int v) {
        put16(b, i, v >>> 16);
        put16(b, i + 2, v);
    }
}
