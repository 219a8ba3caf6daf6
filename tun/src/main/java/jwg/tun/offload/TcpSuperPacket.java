package jwg.tun.offload;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes what a TUN with TSO hands over for a TCP stream: a virtio_net_hdr (NEEDS_CSUM, GSO
 * TCPV4, the segment size) and an IPv4 + TCP header (ACK, no options) in front of a payload
 * already in place. For the daemon's warm-up, the benchmarks and tests, which need super-packets
 * without a kernel to make them.
 */
public final class TcpSuperPacket {
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** IPv4 (20) + TCP (20) header bytes. */
    public static final int HEADERS = 40;

    private TcpSuperPacket() {}

    /**
     * Writes the headers of a super-packet of {@code ipLen} IP bytes from {@code src} to
     * {@code dst} (IPv4 addresses as ints) at {@code s[off]}, the payload (ipLen - 40 bytes) left
     * as it is at {@code off + 10 + 40}; returns the length with the virtio header.
     */
    public static int write(MemorySegment s, long off, int ipLen, int mss, int src, int dst) {
        long ip = off + VirtioNetHdr.SIZE;
        s.set(ValueLayout.JAVA_BYTE, ip, (byte) 0x45);
        s.set(ValueLayout.JAVA_BYTE, ip + 1, (byte) 0);
        s.set(BE16, ip + 2, (short) ipLen);
        s.set(BE16, ip + 4, (short) 0x1234);
        s.set(BE16, ip + 6, (short) 0x4000); // DF
        s.set(ValueLayout.JAVA_BYTE, ip + 8, (byte) 64);
        s.set(ValueLayout.JAVA_BYTE, ip + 9, (byte) 6);
        s.set(BE16, ip + 10, (short) 0);
        s.set(BE32, ip + 12, src);
        s.set(BE32, ip + 16, dst);
        s.set(BE16, ip + 20, (short) 40000);
        s.set(BE16, ip + 22, (short) 5201);
        s.set(BE32, ip + 24, 0x10000000);
        s.set(BE32, ip + 28, 0x20000000);
        s.set(ValueLayout.JAVA_BYTE, ip + 32, (byte) 0x50); // data offset 5 words
        s.set(ValueLayout.JAVA_BYTE, ip + 33, (byte) 0x10); // ACK
        s.set(BE16, ip + 34, (short) 501);
        s.set(BE16, ip + 36, (short) 0);
        s.set(BE16, ip + 38, (short) 0);
        VirtioNetHdr.set(
                s,
                off,
                VirtioNetHdr.VIRTIO_NET_HDR_F_NEEDS_CSUM,
                VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV4,
                HEADERS,
                mss,
                20,
                16);
        return VirtioNetHdr.SIZE + ipLen;
    }
}
