package jwg.ice.doctor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One STUN message (RFC 5389 §6) as the doctor needs it: encoding with optional MESSAGE-INTEGRITY
 * (HMAC-SHA1, §15.4) and FINGERPRINT (§15.5), and strict parsing that returns null for anything
 * malformed instead of throwing. Attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) and
 * after FINGERPRINT are ignored, as §15.4 asks.
 */
final class StunMessage {
    static final int HEADER = 20;
    static final int MAGIC_COOKIE = 0x2112A442;

    // methods
    static final int BINDING = 0x001, ALLOCATE = 0x003, REFRESH = 0x004;
    // classes (as bits of the message type)
    static final int REQUEST = 0x000, SUCCESS_RESPONSE = 0x100, ERROR_RESPONSE = 0x110;

    // attributes (RFC 5389 §18.2, RFC 5766 §14, RFC 5780 §7)
    static final int MAPPED_ADDRESS = 0x0001, CHANGE_REQUEST = 0x0003, USERNAME = 0x0006,
            MESSAGE_INTEGRITY = 0x0008, ERROR_CODE = 0x0009, LIFETIME = 0x000D, REALM = 0x0014,
            NONCE = 0x0015, XOR_RELAYED_ADDRESS = 0x0016, REQUESTED_TRANSPORT = 0x0019,
            XOR_MAPPED_ADDRESS = 0x0020, SOFTWARE = 0x8022, FINGERPRINT = 0x8028,
            RESPONSE_ORIGIN = 0x802B, OTHER_ADDRESS = 0x802C;

    static final int CHANGE_IP = 0x04, CHANGE_PORT = 0x02; // CHANGE-REQUEST flags (RFC 5780 §7.2)
    static final int FINGERPRINT_XOR = 0x5354554e;
    static final int PROTOCOL_UDP = 17;
    private static final int FAMILY_IPV4 = 0x01, FAMILY_IPV6 = 0x02;

    /** One attribute; {@code offset} is where its header starts in the parsed message. */
    record Attribute(int type, byte[] value, int offset) {}

    /** The ERROR-CODE attribute (RFC 5389 §15.6). */
    record ErrorCode(int code, String reason) {}

    private final int type;
    private final byte[] transactionId;
    private final List<Attribute> attributes;
    private final byte[] raw; // the parsed bytes (header + Length), null for a message being built

    private StunMessage(int type, byte[] transactionId, List<Attribute> attributes, byte[] raw) {
        this.type = type;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.raw = raw;
    }

    /** A new message to encode. */
    static StunMessage of(int method, int cls, byte[] transactionId) {
        if (transactionId.length != 12) throw new IllegalArgumentException("transaction ID must be 96 bits");
        return new StunMessage(messageType(method, cls), transactionId.clone(), new ArrayList<>(), null);
    }

    static int messageType(int method, int cls) {
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | cls;
    }

    int method() {
        return (type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80);
    }

    int cls() {
        return type & 0x110;
    }

    int type() {
        return type;
    }

    byte[] transactionId() {
        return transactionId.clone();
    }

    boolean hasTransactionId(byte[] id) {
        return MessageDigest.isEqual(transactionId, id);
    }

    StunMessage add(int attrType, byte[] value) {
        attributes.add(new Attribute(attrType, value.clone(), -1));
        return this;
    }

    StunMessage add(int attrType, String value) {
        return add(attrType, value.getBytes(StandardCharsets.UTF_8));
    }

    StunMessage addInt(int attrType, int value) {
        return add(attrType, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    // ------------------------------------------------------------------ encoding

    /** The wire form; {@code integrityKey} (or null) adds MESSAGE-INTEGRITY, then FINGERPRINT if asked. */
    byte[] encode(byte[] integrityKey, boolean fingerprint) {
        int size = HEADER;
        for (Attribute a : attributes) size += 4 + pad(a.value().length);
        int total = size + (integrityKey != null ? 24 : 0) + (fingerprint ? 8 : 0);
        byte[] b = new byte[total];
        put16(b, 0, type);
        put32(b, 4, MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, b, 8, 12);
        int p = HEADER;
        for (Attribute a : attributes) {
            put16(b, p, a.type());
            put16(b, p + 2, a.value().length);
            System.arraycopy(a.value(), 0, b, p + 4, a.value().length);
            p += 4 + pad(a.value().length);
        }
        if (integrityKey != null) {
            put16(b, 2, p + 24 - HEADER); // the length covers MESSAGE-INTEGRITY (§15.4)
            byte[] mac = hmacSha1(integrityKey, b, p);
            put16(b, p, MESSAGE_INTEGRITY);
            put16(b, p + 2, 20);
            System.arraycopy(mac, 0, b, p + 4, 20);
            p += 24;
        }
        if (fingerprint) {
            put16(b, 2, p + 8 - HEADER);
            put16(b, p, FINGERPRINT);
            put16(b, p + 2, 4);
            put32(b, p + 4, crc32(b, p) ^ FINGERPRINT_XOR);
            p += 8;
        }
        put16(b, 2, p - HEADER);
        return b;
    }

    // ------------------------------------------------------------------ parsing

    /** Parses {@code len} bytes of {@code b}; null unless a well-formed STUN message. Never throws. */
    static StunMessage parse(byte[] b, int len) {
        if (b == null || len < HEADER || len > b.length) return null;
        if ((b[0] & 0xC0) != 0 || int32(b, 4) != MAGIC_COOKIE) return null;
        int length = uint16(b, 2);
        if ((length & 3) != 0 || HEADER + length > len) return null;
        int end = HEADER + length;
        List<Attribute> attrs = new ArrayList<>();
        boolean integritySeen = false;
        int p = HEADER;
        while (p < end) {
            if (p + 4 > end) return null;
            int t = uint16(b, p), l = uint16(b, p + 2);
            if (p + 4 + l > end) return null;
            boolean ignored = integritySeen && t != FINGERPRINT;
            if (!ignored) attrs.add(new Attribute(t, Arrays.copyOfRange(b, p + 4, p + 4 + l), p));
            if (t == MESSAGE_INTEGRITY) {
                if (l != 20) return null;
                integritySeen = true;
            }
            if (t == FINGERPRINT) {
                if (l != 4) return null;
                break;
            }
            p += 4 + pad(l);
        }
        if (p > end) return null;
        return new StunMessage(uint16(b, 0), Arrays.copyOfRange(b, 8, HEADER), List.copyOf(attrs), Arrays.copyOf(b, end));
    }

    /** The first attribute of {@code attrType}'s value, or null. */
    byte[] attribute(int attrType) {
        for (Attribute a : attributes) if (a.type() == attrType) return a.value().clone();
        return null;
    }

    String text(int attrType) {
        byte[] v = attribute(attrType);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** A 32-bit attribute (LIFETIME), or -1 if absent or malformed. */
    long uint32(int attrType) {
        byte[] v = attribute(attrType);
        return v == null || v.length != 4 ? -1 : int32(v, 0) & 0xFFFFFFFFL;
    }

    List<Attribute> attributes() {
        return attributes;
    }

    /** An address attribute; XOR-* types are de-XORed (RFC 5389 §15.2). Null if absent or malformed. */
    InetSocketAddress address(int attrType) {
        byte[] v = attribute(attrType);
        if (v == null) return null;
        boolean xor = attrType == XOR_MAPPED_ADDRESS || attrType == XOR_RELAYED_ADDRESS;
        return decodeAddress(v, xor ? transactionId : null);
    }

    static InetSocketAddress decodeAddress(byte[] v, byte[] xorTransactionId) {
        if (v.length < 4 || v[0] != 0) return null;
        int family = v[1], alen = family == FAMILY_IPV4 ? 4 : family == FAMILY_IPV6 ? 16 : -1;
        if (alen < 0 || v.length != 4 + alen) return null;
        int port = uint16(v, 2);
        byte[] ip = Arrays.copyOfRange(v, 4, 4 + alen);
        if (xorTransactionId != null) {
            port ^= MAGIC_COOKIE >>> 16;
            byte[] mask = new byte[16];
            put32(mask, 0, MAGIC_COOKIE);
            System.arraycopy(xorTransactionId, 0, mask, 4, 12);
            for (int i = 0; i < alen; i++) ip[i] ^= mask[i];
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
    }

    /** ERROR-CODE, or null if absent or malformed. */
    ErrorCode errorCode() {
        byte[] v = attribute(ERROR_CODE);
        if (v == null || v.length < 4) return null;
        int cls = v[2] & 0x07, number = v[3] & 0xFF;
        if (cls < 3 || cls > 6 || number > 99) return null;
        return new ErrorCode(cls * 100 + number, new String(v, 4, v.length - 4, StandardCharsets.UTF_8));
    }

    /** True if MESSAGE-INTEGRITY is present and matches {@code key} (a parsed message only). */
    boolean integrityValid(byte[] key) {
        Attribute mi = find(MESSAGE_INTEGRITY);
        if (mi == null || raw == null) return false;
        byte[] copy = Arrays.copyOf(raw, mi.offset());
        put16(copy, 2, mi.offset() + 24 - HEADER);
        return MessageDigest.isEqual(hmacSha1(key, copy, mi.offset()), mi.value());
    }

    /** True if FINGERPRINT is present and matches (a parsed message only). */
    boolean fingerprintValid() {
        Attribute fp = find(FINGERPRINT);
        if (fp == null || raw == null) return false;
        byte[] copy = Arrays.copyOf(raw, fp.offset());
        put16(copy, 2, fp.offset() + 8 - HEADER);
        return (crc32(copy, fp.offset()) ^ FINGERPRINT_XOR) == int32(fp.value(), 0);
    }

    boolean has(int attrType) {
        return find(attrType) != null;
    }

    private Attribute find(int attrType) {
        for (Attribute a : attributes) if (a.type() == attrType) return a;
        return null;
    }

    /** The long-term credential key (RFC 5389 §15.4): MD5(username ":" realm ":" password), no SASLprep. */
    static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    // ------------------------------------------------------------------ bytes

    private static byte[] hmacSha1(byte[] key, byte[] b, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            mac.update(b, 0, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 missing from the JDK", e);
        }
    }

    private static int crc32(byte[] b, int len) {
        CRC32 c = new CRC32();
        c.update(b, 0, len);
        return (int) c.getValue();
    }

    static int pad(int n) {
        return (n + 3) & ~3;
    }

    static int uint16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static int int32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    private static void put32(byte[] b, int i, int v) {
        put16(b, i, v >>> 16);
        put16(b, i + 2, v);
    }

    @Override
    public String toString() {
        return String.format("STUN[type=0x%04x, %d attributes]", type, attributes.size());
    }
}
