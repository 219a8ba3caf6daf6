package jwg.ice.stun;

import java.util.zip.CRC32;

/**
 * FINGERPRINT (RFC 5389 §15.5): the CRC-32 of the message up to the attribute, XORed with
 * 0x5354554e, computed with the header's length already counting the FINGERPRINT attribute. The
 * length is patched on the fly, never in the datagram.
 */
public final class Fingerprint {
    public static final int LENGTH = 4;
    public static final int XOR = 0x5354554e;

    private Fingerprint() {}

    /** The value of a FINGERPRINT attribute at position {@code p} of the message in {@code b}. */
    public static int compute(byte[] b, int p) {
        CRC32 c = new CRC32();
        c.update(b, 0, 2);
        int length = p + 4 + LENGTH - Stun.HEADER;
        c.update(length >>> 8);
        c.update(length);
        c.update(b, 4, p - 4);
        return (int) c.getValue() ^ XOR;
    }

    /** True if the FINGERPRINT attribute at position {@code p} (see {@link StunAttributes}) matches. */
    public static boolean valid(byte[] b, int p) {
        return Stun.int32(b, StunAttributes.valueOffset(p)) == compute(b, p);
    }

    /** Writes a FINGERPRINT attribute at {@code p} (the message's last, 8 bytes) and sets the header's length. */
    static void write(byte[] b, int p) {
        Stun.put16(b, 2, p + 4 + LENGTH - Stun.HEADER);
        Stun.put16(b, p, Stun.FINGERPRINT);
        Stun.put16(b, p + 2, LENGTH);
        Stun.put32(b, p + 4, compute(b, p));
    }
}
