package jwg.ice.stun;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One STUN message as an object, for the clients that talk STUN themselves (the doctor's): built
 * attribute by attribute and encoded with optional MESSAGE-INTEGRITY and FINGERPRINT, or parsed
 * strictly — null for anything {@link StunAttributes} rejects, never an exception. Attributes after
 * MESSAGE-INTEGRITY (other than FINGERPRINT) are left out, as RFC 5389 §15.4 asks. Control path:
 * parsing copies the message and its attribute values.
 */
public final class StunMessage {
    /** One attribute; {@code offset} is where its header starts in the parsed message (-1 when built). */
    public record Attribute(int type, byte[] value, int offset) {}

    /** The ERROR-CODE attribute (RFC 5389 §15.6). */
    public record ErrorCode(int code, String reason) {}

    private final int type;
    private final byte[] transactionId;
    private final List<Attribute> attributes;
    private final byte[] raw; // the parsed bytes (header + length), null for a message being built

    private StunMessage(int type, byte[] transactionId, List<Attribute> attributes, byte[] raw) {
        this.type = type;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.raw = raw;
    }

    /** A new message to encode. */
    public static StunMessage of(int method, int cls, byte[] transactionId) {
        if (transactionId.length != Stun.TRANSACTION_ID_LENGTH)
            throw new IllegalArgumentException("transaction ID must be 96 bits");
        return new StunMessage(Stun.messageType(method, cls), transactionId.clone(), new ArrayList<>(), null);
    }

    public int method() {
        return Stun.method(type);
    }

    public int cls() {
        return Stun.messageClass(type);
    }

    public int type() {
        return type;
    }

    public byte[] transactionId() {
        return transactionId.clone();
    }

    public boolean hasTransactionId(byte[] id) {
        return java.security.MessageDigest.isEqual(transactionId, id);
    }

    public StunMessage add(int attrType, byte[] value) {
        if (raw != null) throw new IllegalStateException("a parsed message is read-only");
        attributes.add(new Attribute(attrType, value.clone(), -1));
        return this;
    }

    public StunMessage add(int attrType, String value) {
        return add(attrType, value.getBytes(StandardCharsets.UTF_8));
    }

    public StunMessage addInt(int attrType, int value) {
        return add(
                attrType,
                new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** An address attribute's value for {@code a}, XORed if {@code attrType} is an XOR type. */
    public StunMessage add(int attrType, InetSocketAddress a) {
        return add(attrType, StunAddress.encode(a, StunAddress.xored(attrType) ? transactionId : null));
    }

    /** The wire form; {@code integrityKey} (or null) adds MESSAGE-INTEGRITY, then FINGERPRINT if asked. */
    public byte[] encode(byte[] integrityKey, boolean fingerprint) {
        int size = Stun.HEADER;
        for (Attribute a : attributes) size += 4 + Stun.pad(a.value().length);
        byte[] b = new byte
                [size
                        + (integrityKey != null ? 4 + MessageIntegrity.LENGTH : 0)
                        + (fingerprint ? 4 + Fingerprint.LENGTH : 0)];
        Stun.put16(b, 0, type);
        Stun.put32(b, 4, Stun.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, b, 8, Stun.TRANSACTION_ID_LENGTH);
        int p = Stun.HEADER;
        for (Attribute a : attributes) {
            Stun.put16(b, p, a.type());
            Stun.put16(b, p + 2, a.value().length);
            System.arraycopy(a.value(), 0, b, p + 4, a.value().length);
            p += 4 + Stun.pad(a.value().length);
        }
        Stun.put16(b, 2, p - Stun.HEADER);
        if (integrityKey != null) {
            MessageIntegrity.write(integrityKey, b, p);
            p += 4 + MessageIntegrity.LENGTH;
        }
        if (fingerprint) {
            Fingerprint.write(b, p);
            p += 4 + Fingerprint.LENGTH;
        }
        return b;
    }

    /** Parses {@code len} bytes of {@code b}; null unless a well-formed STUN message. Never throws. */
    public static StunMessage parse(byte[] b, int len) {
        if (b == null || !StunAttributes.wellFormed(b, len)) return null;
        int end = Stun.end(b);
        byte[] raw = Arrays.copyOf(b, end);
        List<Attribute> attrs = new ArrayList<>();
        boolean integritySeen = false;
        for (int p = StunAttributes.first(); p < end; p = StunAttributes.next(raw, p, end)) {
            int t = StunAttributes.type(raw, p), v = StunAttributes.valueOffset(p);
            if (!integritySeen || t == Stun.FINGERPRINT)
                attrs.add(new Attribute(t, Arrays.copyOfRange(raw, v, v + StunAttributes.valueLength(raw, p)), p));
            integritySeen |= t == Stun.MESSAGE_INTEGRITY;
        }
        return new StunMessage(Stun.type(raw), Arrays.copyOfRange(raw, 8, Stun.HEADER), List.copyOf(attrs), raw);
    }

    /** The first attribute of {@code attrType}'s value, or null. */
    public byte[] attribute(int attrType) {
        Attribute a = find(attrType);
        return a == null ? null : a.value().clone();
    }

    public String text(int attrType) {
        Attribute a = find(attrType);
        return a == null ? null : new String(a.value(), StandardCharsets.UTF_8);
    }

    /** A 32-bit attribute (LIFETIME), or -1 if absent or malformed. */
    public long uint32(int attrType) {
        Attribute a = find(attrType);
        return a == null || a.value().length != 4 ? -1 : Stun.int32(a.value(), 0) & 0xFFFFFFFFL;
    }

    public List<Attribute> attributes() {
        return attributes;
    }

    /** An address attribute of a parsed message; XOR types de-XORed. Null if absent, malformed or built. */
    public InetSocketAddress address(int attrType) {
        Attribute a = find(attrType);
        return a == null || raw == null ? null : StunAddress.decode(raw, a.offset());
    }

    /** The address in attribute {@code a} of this parsed message (several XOR-PEER-ADDRESS); null if malformed or built. */
    public InetSocketAddress address(Attribute a) {
        return raw == null || a.offset() < 0 ? null : StunAddress.decode(raw, a.offset());
    }

    /** ERROR-CODE, or null if absent or malformed. */
    public ErrorCode errorCode() {
        Attribute a = find(Stun.ERROR_CODE);
        if (a == null || a.value().length < 4) return null;
        byte[] v = a.value();
        int cls = v[2] & 0x07, number = v[3] & 0xFF;
        if (cls < 3 || cls > 6 || number > 99) return null;
        return new ErrorCode(cls * 100 + number, new String(v, 4, v.length - 4, StandardCharsets.UTF_8));
    }

    /** The value of an ERROR-CODE attribute (RFC 5389 §15.6). */
    public static byte[] errorCodeValue(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[4 + r.length];
        v[2] = (byte) (code / 100);
        v[3] = (byte) (code % 100);
        System.arraycopy(r, 0, v, 4, r.length);
        return v;
    }

    /** True if MESSAGE-INTEGRITY is present and matches {@code key} (a parsed message only). */
    public boolean integrityValid(byte[] key) {
        Attribute mi = find(Stun.MESSAGE_INTEGRITY);
        return mi != null && raw != null && MessageIntegrity.valid(raw, mi.offset(), key);
    }

    /** True if FINGERPRINT is present and matches (a parsed message only). */
    public boolean fingerprintValid() {
        Attribute fp = find(Stun.FINGERPRINT);
        return fp != null && raw != null && Fingerprint.valid(raw, fp.offset());
    }

    public boolean has(int attrType) {
        return find(attrType) != null;
    }

    private Attribute find(int attrType) {
        for (Attribute a : attributes) if (a.type() == attrType) return a;
        return null;
    }

    @Override
    public String toString() {
        return String.format("STUN[type=0x%04x, %d attributes]", type, attributes.size());
    }
}
