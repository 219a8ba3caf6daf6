package jwg.tun.offload;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static jwg.tun.offload.Checksum.BE_INT;
import static jwg.tun.offload.Checksum.BE_SHORT;
import static jwg.tun.offload.Checksum.IPPROTO_TCP;
import static jwg.tun.offload.Checksum.IPPROTO_UDP;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_F_NEEDS_CSUM;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_ECN;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_NONE;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV4;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV6;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_UDP_L4;

import java.lang.foreign.MemorySegment;

/**
 * TSO/USO in software, for the sending side: a packet read from a TUN with IFF_VNET_HDR is a
 * virtio_net_hdr followed by an IP packet that may be a super-packet of up to 64 KB; this splits
 * it into the MTU-sized packets the kernel would have put on the wire (what Linux's
 * tcp_gso_segment / __udp_gso_segment do, and wireguard-go's gsoSplit), each complete with its
 * checksums, ready to be encrypted.
 *
 * <p>Everything the header and the packet claim is checked first ({@link #segmentCount}); a
 * malformed one yields a negative {@link OffloadDrop} code, never an exception. The source is
 * never modified. Nothing allocates.
 */
public final class Segmenter {
    static final int TCP_FLAG_FIN = 0x01, TCP_FLAG_PSH = 0x08, TCP_FLAG_CWR = 0x80;
    /** The largest IPv4 packet (tot_len is 16 bits); IPv6 may add its 40-byte header to a 65535-byte payload. */
    static final int IP_MAXPACKET = 65535;

    public Segmenter() {}

    /**
     * How many packets {@link #split} makes of the virtio header at {@code src[off]} and the IP
     * packet after it ({@code len} counts both): 1 for GSO_NONE, else ceil(payload / gso_size);
     * or a negative {@link OffloadDrop} code when the header or the packet is malformed.
     */
    public static int segmentCount(MemorySegment src, long off, int len) {
        if (len <= VirtioNetHdr.SIZE || off < 0 || off + len > src.byteSize()) return OffloadDrop.TRUNCATED.code();
        long ip = off + VirtioNetHdr.SIZE;
        int n = len - VirtioNetHdr.SIZE;
        int gsoType = VirtioNetHdr.gsoType(src, off);
        int csumStart = VirtioNetHdr.csumStart(src, off);
        int csumOffset = VirtioNetHdr.csumOffset(src, off);
        if (gsoType == VIRTIO_NET_HDR_GSO_NONE) {
            // CHECKSUM_PARTIAL: the field must lie inside the packet, after csum_start
            if ((VirtioNetHdr.flags(src, off) & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0
                    && (long) csumStart + csumOffset + 2 > n) {
                return OffloadDrop.BAD_CSUM_OFFSET.code();
            }
            return 1;
        }
        int type =
                gsoType & ~VIRTIO_NET_HDR_GSO_ECN; // ECN only says CWR belongs to the first segment, which we always do
        if (type != VIRTIO_NET_HDR_GSO_TCPV4 && type != VIRTIO_NET_HDR_GSO_TCPV6 && type != VIRTIO_NET_HDR_GSO_UDP_L4) {
            return OffloadDrop.BAD_GSO_TYPE.code();
        }
        int version = (src.get(JAVA_BYTE, ip) & 0xff) >>> 4;
        int ipHdrLen;
        int protocol;
        if (version == 4) {
            if (type == VIRTIO_NET_HDR_GSO_TCPV6) return OffloadDrop.GSO_TYPE_MISMATCH.code();
            if (n < 20) return OffloadDrop.TRUNCATED.code();
            ipHdrLen = (src.get(JAVA_BYTE, ip) & 0x0f) * 4;
            if (ipHdrLen < 20) return OffloadDrop.BAD_IP_HEADER.code();
            if ((src.get(BE_SHORT, ip + 6) & 0x3fff) != 0)
                return OffloadDrop.BAD_IP_HEADER.code(); // MF or a fragment offset
            protocol = src.get(JAVA_BYTE, ip + 9) & 0xff;
            if (n > IP_MAXPACKET) return OffloadDrop.TOO_LONG.code();
        } else if (version == 6) {
            if (type == VIRTIO_NET_HDR_GSO_TCPV4) return OffloadDrop.GSO_TYPE_MISMATCH.code();
            if (n < 40) return OffloadDrop.TRUNCATED.code();
            ipHdrLen = 40; // no extension headers: the next header must be the transport itself
            protocol = src.get(JAVA_BYTE, ip + 6) & 0xff;
            if (n > 40 + IP_MAXPACKET) return OffloadDrop.TOO_LONG.code();
        } else {
            return OffloadDrop.BAD_IP_VERSION.code();
        }
        boolean tcp = type != VIRTIO_NET_HDR_GSO_UDP_L4;
        if (protocol != (tcp ? IPPROTO_TCP : IPPROTO_UDP)) return OffloadDrop.BAD_PROTOCOL.code();
        // csum_start is where the transport header begins: it must be the IP header's end
        if (csumStart != ipHdrLen) return OffloadDrop.BAD_CSUM_OFFSET.code();
        if (csumOffset != (tcp ? 16 : 6)) return OffloadDrop.BAD_CSUM_OFFSET.code();
        // hdr_len is not trusted (on the forward path it can be the whole first packet): the
        // headers end at csum_start plus the transport header's own length
        int transportHdrLen;
        if (tcp) {
            if (n < ipHdrLen + 20) return OffloadDrop.TRUNCATED.code();
            transportHdrLen = ((src.get(JAVA_BYTE, ip + ipHdrLen + 12) & 0xff) >>> 4) * 4;
            if (transportHdrLen < 20) return OffloadDrop.BAD_TCP_HEADER.code();
        } else {
            transportHdrLen = 8;
        }
        int hdrLen = ipHdrLen + transportHdrLen;
        if (n < hdrLen) return OffloadDrop.TRUNCATED.code();
        int gsoSize = VirtioNetHdr.gsoSize(src, off);
        if (gsoSize == 0 || hdrLen + gsoSize > IP_MAXPACKET) return OffloadDrop.BAD_GSO_SIZE.code();
        int payload = n - hdrLen;
        if (payload == 0) return OffloadDrop.NO_PAYLOAD.code();
        return (payload + gsoSize - 1) / gsoSize;
    }

    /**
     * Splits the super-packet at {@code src[off]} (virtio header first, {@code len} bytes in all)
     * into {@code dst[first + i]} at {@code dstOffset}, each packet's length into
     * {@code lengths[first + i]}. Returns the number of packets, or a negative {@link OffloadDrop}
     * code (then no packet counts as produced) — also when more than {@code max} packets would
     * be needed or a slot is too small. The slots are MemorySegments; the caller may keep them in
     * an {@code Object[]} (a store into a {@code MemorySegment[]} costs a deoptimization in JDK 25's
     * C2: see {@link Coalescer}).
     */
    public int split(
            MemorySegment src, long off, int len, Object[] dst, int first, int max, long dstOffset, int[] lengths) {
        int count = segmentCount(src, off, len);
        if (count < 0) return count;
        if (count > max) return OffloadDrop.TOO_MANY_SEGMENTS.code();
        if (first < 0 || dstOffset < 0 || first + count > dst.length || first + count > lengths.length) {
            return OffloadDrop.DESTINATION_TOO_SMALL.code();
        }
        long ip = off + VirtioNetHdr.SIZE;
        int n = len - VirtioNetHdr.SIZE;
        if (VirtioNetHdr.gsoType(src, off) == VIRTIO_NET_HDR_GSO_NONE)
            return single(src, off, ip, n, (MemorySegment) dst[first], dstOffset, lengths, first);

        int csumStart = VirtioNetHdr.csumStart(src, off); // validated: the IP header length
        boolean v6 = (src.get(JAVA_BYTE, ip) & 0xf0) == 0x60;
        boolean tcp = (VirtioNetHdr.gsoType(src, off) & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_UDP_L4;
        int transportHdrLen = tcp ? ((src.get(JAVA_BYTE, ip + csumStart + 12) & 0xff) >>> 4) * 4 : 8;
        int hdrLen = csumStart + transportHdrLen;
        int gsoSize = VirtioNetHdr.gsoSize(src, off);
        for (int i = 0; i < count; i++) { // every slot must hold its packet before anything is written
            MemorySegment d = (MemorySegment) dst[first + i];
            int size = i < count - 1 ? hdrLen + gsoSize : n - gsoSize * (count - 1);
            if (d == null || d.byteSize() - dstOffset < size) return OffloadDrop.DESTINATION_TOO_SMALL.code();
        }

        int protocol = tcp ? IPPROTO_TCP : IPPROTO_UDP;
        int csumAt = csumStart + (tcp ? 16 : 6);
        int zero = tcp ? 0 : 0xffff; // how a checksum of 0 is sent: UDP's 0 means "no checksum"
        int firstSeq = tcp ? src.get(BE_INT, ip + csumStart + 4) : 0;
        int firstId = v6 ? 0 : src.get(BE_SHORT, ip + 4) & 0xffff;
        int dataAt = hdrLen;
        for (int i = 0; i < count; i++) {
            MemorySegment d = (MemorySegment) dst[first + i];
            int segLen = Math.min(gsoSize, n - dataAt);
            int total = hdrLen + segLen;
            boolean last = i == count - 1;
            MemorySegment.copy(src, ip, d, dstOffset, hdrLen); // IP and transport headers
            MemorySegment.copy(src, ip + dataAt, d, dstOffset + hdrLen, segLen);
            if (v6) {
                d.set(BE_SHORT, dstOffset + 4, (short) (total - 40)); // IPv6: the payload length
            } else {
                // IPv4: total length, the ID incremented per segment, the header checksum
                d.set(BE_SHORT, dstOffset + 2, (short) total);
                d.set(BE_SHORT, dstOffset + 4, (short) (firstId + i));
                Checksum.setIpv4HeaderChecksum(d, dstOffset, csumStart);
            }
            long t = dstOffset + csumStart;
            if (tcp) {
                d.set(BE_INT, t + 4, firstSeq + gsoSize * i); // the sequence number advances by gso_size
                int flags = d.get(JAVA_BYTE, t + 13) & 0xff;
                if (!last) flags &= ~(TCP_FLAG_FIN | TCP_FLAG_PSH); // FIN and PSH only on the last segment
                if (i > 0) flags &= ~TCP_FLAG_CWR; // CWR only on the first
                d.set(JAVA_BYTE, t + 13, (byte) flags);
            } else {
                d.set(BE_SHORT, t + 4, (short) (8 + segLen)); // UDP: the datagram length
            }
            // the full transport checksum over pseudo-header, header and this segment's payload
            d.set(BE_SHORT, dstOffset + csumAt, (short) 0);
            long pseudo = Checksum.pseudo(d, dstOffset, v6, protocol, total - csumStart);
            int c = Checksum.checksum(d, t, total - csumStart, pseudo);
            d.set(BE_SHORT, dstOffset + csumAt, (short) Checksum.zeroAs(c, zero));
            lengths[first + i] = total;
            dataAt += segLen;
        }
        return count;
    }

    /** GSO_NONE: one packet, copied, its checksum completed when the header says it is partial. */
    private static int single(
            MemorySegment src, long off, long ip, int n, MemorySegment d, long dstOffset, int[] lengths, int slot) {
        if (d == null || d.byteSize() - dstOffset < n) return OffloadDrop.DESTINATION_TOO_SMALL.code();
        MemorySegment.copy(src, ip, d, dstOffset, n);
        if ((VirtioNetHdr.flags(src, off) & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0
                && !completeChecksum(
                        d, dstOffset, n, VirtioNetHdr.csumStart(src, off), VirtioNetHdr.csumOffset(src, off))) {
            return OffloadDrop.BAD_CSUM_OFFSET.code();
        }
        lengths[slot] = n;
        return 1;
    }

    /**
     * Completes a CHECKSUM_PARTIAL packet in place (what the kernel's skb_checksum_help does):
     * the field at {@code csumStart + csumOffset} (relative to the IP header at {@code pkt[ipOff]})
     * holds the pseudo-header sum; the checksum of everything from {@code csumStart} to the end,
     * that sum included, replaces it (0 is sent as 0xffff). False, and nothing changed, if the
     * field is not inside the {@code len}-byte packet.
     */
    public static boolean completeChecksum(MemorySegment pkt, long ipOff, int len, int csumStart, int csumOffset) {
        if (csumStart < 0
                || csumOffset < 0
                || len < 0
                || (long) csumStart + csumOffset + 2 > len
                || ipOff < 0
                || ipOff + len > pkt.byteSize()) {
            return false;
        }
        long at = ipOff + csumStart + csumOffset;
        int initial = pkt.get(BE_SHORT, at) & 0xffff;
        pkt.set(BE_SHORT, at, (short) 0);
        int c = Checksum.checksum(pkt, ipOff + csumStart, len - csumStart, initial);
        pkt.set(BE_SHORT, at, (short) Checksum.zeroAs(c, 0xffff));
        return true;
    }
}
