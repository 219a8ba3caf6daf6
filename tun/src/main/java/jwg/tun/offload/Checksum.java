package jwg.tun.offload;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones' complement sum of big-endian 16-bit words, odd
 * tail byte padded with zero on the right. Sums are kept unfolded in a {@code long} so ranges
 * and pseudo-headers add up without folding in between; {@link #fold} reduces to 16 bits and the
 * caller inverts. Eight bytes are read at a time: a ones' complement sum may add wider words as
 * long as the carries are folded back at the end (2^16 = 1 mod 0xffff), and each 64-bit word is
 * added as its two 32-bit halves so the accumulator cannot overflow for any packet.
 */
final class Checksum {
    private Checksum() {}

    static final ValueLayout.OfLong BE_LONG = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_INT = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort BE_SHORT = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static final int IPPROTO_TCP = 6, IPPROTO_UDP = 17;

    /** {@code initial} plus the 16-bit words of {@code s[off, off+len)}, unfolded. */
    static long sum(MemorySegment s, long off, int len, long initial) {
        long a = initial, b = 0;
        long p = off;
        long end = off + len;
        for (; end - p >= 16; p += 16) { // two independent chains keep both adders busy
            long x = s.get(BE_LONG, p);
            long y = s.get(BE_LONG, p + 8);
            a += (x >>> 32) + (x & 0xffffffffL);
            b += (y >>> 32) + (y & 0xffffffffL);
        }
        a += b;
        if (end - p >= 8) {
            long x = s.get(BE_LONG, p);
            a += (x >>> 32) + (x & 0xffffffffL);
            p += 8;
        }
        if (end - p >= 4) {
            a += s.get(BE_INT, p) & 0xffffffffL;
            p += 4;
        }
        if (end - p >= 2) {
            a += s.get(BE_SHORT, p) & 0xffff;
            p += 2;
        }
        if (end - p == 1) a += (s.get(JAVA_BYTE, p) & 0xff) << 8; // the odd byte is the high half of a zero-padded word
        return a;
    }

    /** Folds an unfolded sum to 16 bits (end-around carry), not inverted. */
    static int fold(long sum) {
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    /** The checksum to store: the inverted fold of {@code s[off, off+len)} plus {@code initial}. */
    static int checksum(MemorySegment s, long off, int len, long initial) {
        return ~fold(sum(s, off, len, initial)) & 0xffff;
    }

    /**
     * IPv4 pseudo-header (RFC 793/768): source and destination address of the header at
     * {@code ip}, zero, protocol, transport length.
     */
    static long pseudoV4(MemorySegment s, long ip, int protocol, int transportLen) {
        return (s.get(BE_INT, ip + 12) & 0xffffffffL) + (s.get(BE_INT, ip + 16) & 0xffffffffL) + protocol + transportLen;
    }

    /** IPv6 pseudo-header (RFC 8200 8.1): both addresses, upper-layer length, next header. */
    static long pseudoV6(MemorySegment s, long ip, int protocol, int transportLen) {
        return sum(s, ip + 8, 32, (long) protocol + transportLen);
    }

    /** The pseudo-header sum for the IPv4 or IPv6 header at {@code ip}. */
    static long pseudo(MemorySegment s, long ip, boolean v6, int protocol, int transportLen) {
        return v6 ? pseudoV6(s, ip, protocol, transportLen) : pseudoV4(s, ip, protocol, transportLen);
    }

    /** Recomputes the IPv4 header checksum of the {@code ihl}-byte header at {@code ip}. */
    static void setIpv4HeaderChecksum(MemorySegment s, long ip, int ihl) {
        s.set(BE_SHORT, ip + 10, (short) 0);
        s.set(BE_SHORT, ip + 10, (short) checksum(s, ip, ihl, 0));
    }
}
