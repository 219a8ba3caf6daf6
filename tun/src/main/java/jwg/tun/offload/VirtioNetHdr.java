package jwg.tun.offload;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * struct virtio_net_hdr (include/uapi/linux/virtio_net.h), the 10 bytes that precede every
 * packet read from or written to a TUN opened with IFF_VNET_HDR:
 * {@code flags u8, gso_type u8, hdr_len u16, gso_size u16, csum_start u16, csum_offset u16}.
 * The u16 fields are in the host's byte order (the legacy header; tun uses native order unless
 * TUNSETVNETBE/LE says otherwise), i.e. little-endian on x86. All offsets here are the header's
 * own start; nothing allocates.
 */
public final class VirtioNetHdr {
    private VirtioNetHdr() {}

    /** sizeof(struct virtio_net_hdr). */
    public static final int SIZE = 10;

    /** flags: the checksum is partial, complete it from csum_start, store it at csum_start+csum_offset. */
    public static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    /** flags: the checksum was already checked (receive side). */
    public static final int VIRTIO_NET_HDR_F_DATA_VALID = 2;

    /** gso_type: a single packet. */
    public static final int VIRTIO_NET_HDR_GSO_NONE = 0;
    /** gso_type: TCP over IPv4, segmented by gso_size. */
    public static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    /** gso_type: UDP fragmentation offload (UFO, IP fragments; not supported by jwg). */
    public static final int VIRTIO_NET_HDR_GSO_UDP = 3;
    /** gso_type: TCP over IPv6. */
    public static final int VIRTIO_NET_HDR_GSO_TCPV6 = 4;
    /** gso_type: UDP segmentation (USO, one datagram per gso_size of payload). */
    public static final int VIRTIO_NET_HDR_GSO_UDP_L4 = 5;
    /** gso_type bit: the TCP stream uses ECN (CWR only on the first segment). */
    public static final int VIRTIO_NET_HDR_GSO_ECN = 0x80;

    static final long FLAGS = 0, GSO_TYPE = 1, HDR_LEN = 2, GSO_SIZE = 4, CSUM_START = 6, CSUM_OFFSET = 8;

    public static int flags(MemorySegment s, long off) {
        return s.get(JAVA_BYTE, off + FLAGS) & 0xff;
    }

    public static int gsoType(MemorySegment s, long off) {
        return s.get(JAVA_BYTE, off + GSO_TYPE) & 0xff;
    }

    public static int hdrLen(MemorySegment s, long off) {
        return u16(s, off + HDR_LEN);
    }

    public static int gsoSize(MemorySegment s, long off) {
        return u16(s, off + GSO_SIZE);
    }

    public static int csumStart(MemorySegment s, long off) {
        return u16(s, off + CSUM_START);
    }

    public static int csumOffset(MemorySegment s, long off) {
        return u16(s, off + CSUM_OFFSET);
    }

    public static void setFlags(MemorySegment s, long off, int v) {
        s.set(JAVA_BYTE, off + FLAGS, (byte) v);
    }

    public static void setGsoType(MemorySegment s, long off, int v) {
        s.set(JAVA_BYTE, off + GSO_TYPE, (byte) v);
    }

    public static void setHdrLen(MemorySegment s, long off, int v) {
        s.set(JAVA_SHORT_UNALIGNED, off + HDR_LEN, (short) v);
    }

    public static void setGsoSize(MemorySegment s, long off, int v) {
        s.set(JAVA_SHORT_UNALIGNED, off + GSO_SIZE, (short) v);
    }

    public static void setCsumStart(MemorySegment s, long off, int v) {
        s.set(JAVA_SHORT_UNALIGNED, off + CSUM_START, (short) v);
    }

    public static void setCsumOffset(MemorySegment s, long off, int v) {
        s.set(JAVA_SHORT_UNALIGNED, off + CSUM_OFFSET, (short) v);
    }

    /** Writes all six fields at once. */
    public static void set(
            MemorySegment s, long off, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        setFlags(s, off, flags);
        setGsoType(s, off, gsoType);
        setHdrLen(s, off, hdrLen);
        setGsoSize(s, off, gsoSize);
        setCsumStart(s, off, csumStart);
        setCsumOffset(s, off, csumOffset);
    }

    /** An all-zero header: one packet, checksum complete (GSO_NONE, no flags). */
    public static void writeNone(MemorySegment s, long off) {
        s.set(JAVA_SHORT_UNALIGNED, off, (short) 0);
        s.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, off + 2, 0L);
    }

    private static int u16(MemorySegment s, long at) {
        return s.get(JAVA_SHORT_UNALIGNED, at) & 0xffff;
    }
}
