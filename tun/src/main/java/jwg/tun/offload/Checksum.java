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
 * long as the carries are folded back at the end (2^16 = 1 mod 0xffff), in either byte order (the
 * sum of byte-swapped words is the byte-swapped sum), and each 64-bit word is
 * added as its two 32-bit halves so the accumulator cannot overflow for any packet.
 */
final class Checksum {
    private Checksum() {}

    static final ValueLayout.OfLong BE_LONG = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_INT = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort BE_SHORT = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static final int IPPROTO_TCP = 6, IPPROTO_UDP = 17;

    /** The machine's order: words are summed as loaded and the folded sum is swapped once (RFC 1071 2(B)). */
    private static final boolean SWAP = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** {@code initial} plus the 16-bit words of {@code s[off, off+len)}, unfolded. */
    static long sum(MemorySegment s, long off, int len, long initial) {
        // The sum is byte-order independent: words loaded in native order add up to the
        // byte-swapped sum, so no swap per load, one at the end.
        long a = 0, b = 0, c = 0, d = 0;
        long p = off;
        long end = off + len;
        for (; end - p >= 32; p += 32) { // four independent chains keep the adders busy
            long w = s.get(JAVA_LONG_UNALIGNED, p);
            long x = s.get(JAVA_LONG_UNALIGNED, p + 8);
            long y = s.get(JAVA_LONG_UNALIGNED, p + 16);
            long z = s.get(JAVA_LONG_UNALIGNED, p + 24);
            a += (w >>> 32) + (w & 0xffffffffL);
            b += (x >>> 32) + (x & 0xffffffffL);
            c += (y >>> 32) + (y & 0xffffffffL);
            d += (z >>> 32) + (z & 0xffffffffL);
        }
        a += b + c + d;
        for (; end - p >= 8; p += 8) {
            long x = s.get(JAVA_LONG_UNALIGNED, p);
            a += (x >>> 32) + (x & 0xffffffffL);
        }
        if (end - p >= 4) {
            a += s.get(JAVA_INT_UNALIGNED, p) & 0xffffffffL;
            p += 4;
        }
        if (end - p >= 2) {
            a += s.get(JAVA_SHORT_UNALIGNED, p) & 0xffff;
            p += 2;
        }
        if (end - p == 1) { // the odd byte is the high half of a zero-padded big-endian word
            int last = s.get(JAVA_BYTE, p) & 0xff;
            a += SWAP ? last : last << 8;
        }
        int folded = fold(a);
        if (SWAP) folded = Integer.reverseBytes(folded) >>> 16;
        return folded + initial;
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
     * {@code c} (a 16-bit checksum), or {@code zero} when {@code c} is 0 — without a branch: one
     * that the profile never saw taken (1 checksum in 65,536 is 0) would cost a deoptimization and
     * a recompilation of the whole splitting loop the first time a 0 came out.
     */
    static int zeroAs(int c, int zero) {
        return c | ((c - 1) >> 31 & zero);
    }

    /**
     * IPv4 pseudo-header (RFC 793/768): source and destination address of the header at
     * {@code ip}, zero, protocol, transport length.
     */
    static long pseudoV4(MemorySegment s, long ip, int protocol, int transportLen) {
        return (s.get(BE_INT, ip + 12) & 0xffffffffL)
                + (s.get(BE_INT, ip + 16) & 0xffffffffL)
                + protocol
                + transportLen;
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
