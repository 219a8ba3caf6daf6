package jwg.ice.stun;

import static jwg.ice.stun.Stun.uint16;

/**
 * The attribute walk (RFC 5389 §15): after the header, type-length-value attributes, each value
 * padded to a multiple of 4 bytes, all inside the header's length. The rules checked here, once,
 * for every reader: an attribute header and its padded value lie inside the message;
 * MESSAGE-INTEGRITY is 20 bytes; FINGERPRINT is 4 bytes and the last attribute. Attributes after
 * MESSAGE-INTEGRITY other than FINGERPRINT are framed but not to be used (§15.4).
 *
 * <p>Positions are offsets of an attribute's header in the datagram: its type at {@code p}, the
 * value's length at {@code p + 2}, the value at {@code p + 4}. No allocation, never throws.
 */
public final class StunAttributes {
    /** {@link #find}: no such attribute. */
    public static final int ABSENT = -1;
    /** {@link #find} and {@link #next}: the message breaks the framing rules. */
    public static final int MALFORMED = -2;

    private StunAttributes() {}

    /** The first attribute's position, or {@link Stun#end} if there is none. */
    public static int first() {
        return Stun.HEADER;
    }

    /**
     * Checks the attribute at {@code p} of a message ending at {@code end} and returns the next
     * attribute's position ({@code end} after the last), or {@link #MALFORMED}.
     */
    public static int next(byte[] b, int p, int end) {
        if (p + 4 > end) return MALFORMED;
        int type = uint16(b, p), length = uint16(b, p + 2);
        int after = p + 4 + Stun.pad(length);
        if (after > end) return MALFORMED;
        if (type == Stun.MESSAGE_INTEGRITY && length != MessageIntegrity.LENGTH) return MALFORMED;
        if (type == Stun.FINGERPRINT && (length != Fingerprint.LENGTH || after != end)) return MALFORMED;
        return after;
    }

    public static int type(byte[] b, int p) {
        return uint16(b, p);
    }

    public static int valueLength(byte[] b, int p) {
        return uint16(b, p + 2);
    }

    public static int valueOffset(int p) {
        return p + 4;
    }

    /**
     * The position of the first usable {@code type} attribute in the first {@code len} bytes of
     * {@code b}: {@link #ABSENT}, or {@link #MALFORMED} if the header or the attributes up to it
     * break the rules. A type other than FINGERPRINT is not looked for after MESSAGE-INTEGRITY.
     */
    public static int find(byte[] b, int len, int type) {
        if (!Stun.isMessage(b, len)) return MALFORMED;
        int end = Stun.end(b);
        for (int p = first(); p < end; ) {
            int next = next(b, p, end);
            if (next < 0) return MALFORMED;
            int t = type(b, p);
            if (t == type) return p;
            if (t == Stun.MESSAGE_INTEGRITY && type != Stun.FINGERPRINT) return ABSENT;
            p = next;
        }
        return ABSENT;
    }

    /** True if {@link Stun#isMessage} and every attribute keeps the rules. */
    public static boolean wellFormed(byte[] b, int len) {
        if (!Stun.isMessage(b, len)) return false;
        int end = Stun.end(b);
        for (int p = first(); p < end; ) {
            p = next(b, p, end);
            if (p < 0) return false;
        }
        return true;
    }
}
