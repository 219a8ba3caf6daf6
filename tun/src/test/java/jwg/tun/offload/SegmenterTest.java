package jwg.tun.offload;

import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_F_NEEDS_CSUM;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_ECN;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_NONE;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV4;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV6;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_UDP;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_UDP_L4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * TSO/USO splitting of hand-built super-packets: every produced packet's headers as Linux's
 * segmentation would write them, its checksums verified by the reference in {@link Pkt}, its
 * payload the right slice; malformed input gives a negative {@link OffloadDrop} code.
 */
class SegmenterTest {
    static final int SLOTS = 64;
    final MemorySegment[] dst = new MemorySegment[SLOTS];
    final int[] lengths = new int[SLOTS];
    final Segmenter seg = new Segmenter();
    final Random r = new Random(42);

    SegmenterTest() {
        MemorySegment big = Arena.ofAuto().allocate(SLOTS * 2048L);
        for (int i = 0; i < SLOTS; i++) dst[i] = big.asSlice(i * 2048L, 2048);
    }

    @Test
    void tcpV4SuperPacketSplitsWithShortLastSegment() {
        Pkt p = Pkt.tcp4();
        p.options = new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}; // NOP NOP timestamps
        p.flags = Pkt.ACK | Pkt.PSH | Pkt.CWR;
        p.seq = 0xfffff000; // wraps during the split
        checkTcp(p, 9999, 1368, VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN);
    }

    @Test
    void tcpV6SuperPacketSplitsWithFinOnTheLastOnly() {
        Pkt p = Pkt.tcp6();
        p.flags = Pkt.ACK | Pkt.FIN | Pkt.PSH;
        checkTcp(p, 7001, 1000, VIRTIO_NET_HDR_GSO_TCPV6);
    }

    @Test
    void evenSplitAndSingleSegment() {
        checkTcp(Pkt.tcp4(), 1380 * 4, 1380, VIRTIO_NET_HDR_GSO_TCPV4);
        checkTcp(Pkt.tcp4(), 17, 1380, VIRTIO_NET_HDR_GSO_TCPV4);
        checkTcp(Pkt.tcp6(), 1, 1, VIRTIO_NET_HDR_GSO_TCPV6);
    }

    private void checkTcp(Pkt p, int payloadLen, int gso, int gsoType) {
        byte[] payload = Pkt.random(r, payloadLen);
        byte[] ip = p.payload(payload).build();
        MemorySegment src = Pkt.superPacket(ip, gsoType, gso, VIRTIO_NET_HDR_F_NEEDS_CSUM);
        byte[] before = Pkt.bytes(src, 0, src.toArray(ValueLayout.JAVA_BYTE).length);
        int len = VirtioNetHdr.SIZE + ip.length;
        int expect = (payloadLen + gso - 1) / gso;
        assertEquals(expect, Segmenter.segmentCount(src, 0, len));
        assertEquals(expect, seg.split(src, 0, len, dst, 3, SLOTS - 3, 5, lengths));
        assertArrayEquals(before, src.toArray(ValueLayout.JAVA_BYTE), "the source is not modified");
        int ihl = p.ipHeaderLength(), thl = p.transportHeaderLength(), hl = ihl + thl;
        for (int i = 0; i < expect; i++) {
            boolean last = i == expect - 1;
            int segLen = last ? payloadLen - gso * (expect - 1) : gso;
            byte[] out = Pkt.bytes(dst[3 + i], 5, lengths[3 + i]);
            assertEquals(hl + segLen, out.length);
            assertTrue(Pkt.ipHeaderValid(out), "IPv4 header checksum of segment " + i);
            assertTrue(Pkt.transportValid(out), "TCP checksum of segment " + i);
            if (p.v6) {
                assertEquals(out.length - 40, Pkt.u16(out, 4));
            } else {
                assertEquals(out.length, Pkt.u16(out, 2));
                assertEquals((p.id + i) & 0xffff, Pkt.u16(out, 4));
            }
            assertEquals(p.seq + gso * i, Pkt.u32(out, ihl + 4));
            int flags = out[ihl + 13] & 0xff;
            int expectFlags = p.flags;
            if (!last) expectFlags &= ~(Pkt.FIN | Pkt.PSH);
            if (i > 0) expectFlags &= ~Pkt.CWR;
            assertEquals(expectFlags, flags, "flags of segment " + i);
            // everything else in the headers is copied (checksum fields aside)
            assertArrayEquals(Pkt.slice(ip, ihl + 20, hl), Pkt.slice(out, ihl + 20, hl), "TCP options");
            assertArrayEquals(Pkt.slice(payload, gso * i, gso * i + segLen), Pkt.slice(out, hl, out.length));
        }
    }

    @Test
    void udpSuperPacketsSplitIntoDatagrams() {
        for (Pkt p : new Pkt[] {Pkt.udp4(), Pkt.udp6()}) {
            byte[] payload = Pkt.random(r, 5000);
            byte[] ip = p.payload(payload).build();
            MemorySegment src = Pkt.superPacket(ip, VIRTIO_NET_HDR_GSO_UDP_L4, 1200, VIRTIO_NET_HDR_F_NEEDS_CSUM);
            int n = seg.split(src, 0, VirtioNetHdr.SIZE + ip.length, dst, 0, SLOTS, 10, lengths);
            assertEquals(5, n);
            int ihl = p.ipHeaderLength();
            for (int i = 0; i < n; i++) {
                byte[] out = Pkt.bytes(dst[i], 10, lengths[i]);
                int segLen = i < 4 ? 1200 : 200;
                assertEquals(ihl + 8 + segLen, out.length);
                assertEquals(8 + segLen, Pkt.u16(out, ihl + 4), "UDP length");
                assertTrue(Pkt.ipHeaderValid(out));
                assertTrue(Pkt.transportValid(out), "UDP checksum of datagram " + i);
                assertArrayEquals(Pkt.slice(payload, 1200 * i, 1200 * i + segLen), Pkt.slice(out, ihl + 8, out.length));
            }
        }
    }

    @Test
    void gsoNoneWithPartialChecksumIsCompleted() {
        for (Pkt p : new Pkt[] {Pkt.tcp4(), Pkt.tcp6(), Pkt.udp4(), Pkt.udp6()}) {
            byte[] ip = p.payload(Pkt.random(r, 777)).build();
            int ihl = p.ipHeaderLength();
            int at = ihl + (p.udp ? 6 : 16);
            byte[] partial = ip.clone(); // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum
            int ps = Pkt.refFold(Pkt.refPseudo(ip));
            partial[at] = (byte) (ps >> 8);
            partial[at + 1] = (byte) ps;
            MemorySegment src = Pkt.superPacket(partial, VIRTIO_NET_HDR_GSO_NONE, 0, VIRTIO_NET_HDR_F_NEEDS_CSUM);
            assertEquals(1, seg.split(src, 0, VirtioNetHdr.SIZE + ip.length, dst, 0, 1, 0, lengths));
            byte[] out = Pkt.bytes(dst[0], 0, lengths[0]);
            assertTrue(Pkt.transportValid(out));
            assertArrayEquals(ip, out);
            // no flag: copied as is
            MemorySegment plain = Pkt.superPacket(ip, VIRTIO_NET_HDR_GSO_NONE, 0, 0);
            assertEquals(1, seg.split(plain, 0, VirtioNetHdr.SIZE + ip.length, dst, 0, 1, 0, lengths));
            assertArrayEquals(ip, Pkt.bytes(dst[0], 0, lengths[0]));
            // in place
            MemorySegment inPlace = Pkt.superPacket(partial, VIRTIO_NET_HDR_GSO_NONE, 0, 0);
            assertTrue(Segmenter.completeChecksum(inPlace, 10, ip.length, ihl, p.udp ? 6 : 16));
            assertArrayEquals(ip, Pkt.bytes(inPlace, 10, ip.length));
            assertEquals(false, Segmenter.completeChecksum(inPlace, 10, ip.length, ip.length - 1, 0));
        }
    }

    private int drop(MemorySegment s, int len) {
        int c = Segmenter.segmentCount(s, 0, len);
        int n = seg.split(s, 0, len, dst, 0, SLOTS, 0, lengths);
        assertTrue(n < 0 || n == c, "split and segmentCount agree");
        return n;
    }

    @Test
    void malformedHeadersAndPacketsAreDroppedWithTheirReason() {
        byte[] ip = Pkt.tcp4().payload(Pkt.random(r, 3000)).build();
        int len = VirtioNetHdr.SIZE + ip.length;
        MemorySegment s = Pkt.superPacket(ip, VIRTIO_NET_HDR_GSO_TCPV4, 1000, 1);
        assertEquals(3, drop(s, len));

        assertEquals(OffloadDrop.TRUNCATED.code(), drop(s, 5));
        assertEquals(OffloadDrop.TRUNCATED.code(), drop(s, VirtioNetHdr.SIZE + 30)); // cut inside the TCP header
        assertEquals(OffloadDrop.TRUNCATED.code(), drop(s, VirtioNetHdr.SIZE + 12)); // inside the IP header

        VirtioNetHdr.setGsoType(s, 0, VIRTIO_NET_HDR_GSO_TCPV6);
        assertEquals(OffloadDrop.GSO_TYPE_MISMATCH.code(), drop(s, len));
        VirtioNetHdr.setGsoType(s, 0, VIRTIO_NET_HDR_GSO_UDP);
        assertEquals(OffloadDrop.BAD_GSO_TYPE.code(), drop(s, len));
        VirtioNetHdr.setGsoType(s, 0, 9);
        assertEquals(OffloadDrop.BAD_GSO_TYPE.code(), drop(s, len));
        VirtioNetHdr.setGsoType(s, 0, VIRTIO_NET_HDR_GSO_UDP_L4);
        assertEquals(OffloadDrop.BAD_PROTOCOL.code(), drop(s, len));
        VirtioNetHdr.setGsoType(s, 0, VIRTIO_NET_HDR_GSO_TCPV4);

        VirtioNetHdr.setGsoSize(s, 0, 0);
        assertEquals(OffloadDrop.BAD_GSO_SIZE.code(), drop(s, len));
        VirtioNetHdr.setGsoSize(s, 0, 65500);
        assertEquals(OffloadDrop.BAD_GSO_SIZE.code(), drop(s, len));
        VirtioNetHdr.setGsoSize(s, 0, 10);
        assertEquals(OffloadDrop.TOO_MANY_SEGMENTS.code(), drop(s, len)); // 300 packets, 64 slots
        assertEquals(300, Segmenter.segmentCount(s, 0, len));
        VirtioNetHdr.setGsoSize(s, 0, 1000);
        assertEquals(OffloadDrop.TOO_MANY_SEGMENTS.code(), seg.split(s, 0, len, dst, 0, 2, 0, lengths));
        assertEquals(OffloadDrop.DESTINATION_TOO_SMALL.code(), seg.split(s, 0, len, dst, 62, 3, 0, lengths));
        assertEquals(OffloadDrop.DESTINATION_TOO_SMALL.code(), seg.split(s, 0, len, dst, 0, 3, 1500, lengths));

        VirtioNetHdr.setCsumStart(s, 0, 24);
        assertEquals(OffloadDrop.BAD_CSUM_OFFSET.code(), drop(s, len));
        VirtioNetHdr.setCsumStart(s, 0, 20);
        VirtioNetHdr.setCsumOffset(s, 0, 60000);
        assertEquals(OffloadDrop.BAD_CSUM_OFFSET.code(), drop(s, len));
        VirtioNetHdr.setCsumOffset(s, 0, 16);
        VirtioNetHdr.setHdrLen(s, 0, 60000); // not trusted
        assertEquals(3, drop(s, len));

        s.set(ValueLayout.JAVA_BYTE, 10 + 20 + 12, (byte) 0x30); // TCP data offset 3 words
        assertEquals(OffloadDrop.BAD_TCP_HEADER.code(), drop(s, len));
        s.set(ValueLayout.JAVA_BYTE, 10 + 20 + 12, (byte) 0xf0); // 60 bytes of header, fine, but less payload
        assertEquals(3, drop(s, len));
        s.set(ValueLayout.JAVA_BYTE, 10, (byte) 0x44); // IHL 4
        assertEquals(OffloadDrop.BAD_IP_HEADER.code(), drop(s, len));
        s.set(ValueLayout.JAVA_BYTE, 10, (byte) 0x55);
        assertEquals(OffloadDrop.BAD_IP_VERSION.code(), drop(s, len));
        s.set(ValueLayout.JAVA_BYTE, 10, (byte) 0x45);
        s.set(ValueLayout.JAVA_BYTE, 10 + 9, (byte) 17);
        assertEquals(OffloadDrop.BAD_PROTOCOL.code(), drop(s, len));
        s.set(ValueLayout.JAVA_BYTE, 10 + 9, (byte) 6);
        s.set(ValueLayout.JAVA_BYTE, 10 + 6, (byte) 0x20); // MF
        assertEquals(OffloadDrop.BAD_IP_HEADER.code(), drop(s, len));
        s.set(ValueLayout.JAVA_BYTE, 10 + 6, (byte) 0x40);
        assertEquals(OffloadDrop.NO_PAYLOAD.code(), drop(s, 10 + 20 + 60));

        byte[] v6 = Pkt.tcp6().payload(Pkt.random(r, 100)).build();
        MemorySegment s6 = Pkt.superPacket(v6, VIRTIO_NET_HDR_GSO_TCPV4, 50, 1);
        assertEquals(OffloadDrop.GSO_TYPE_MISMATCH.code(), drop(s6, 10 + v6.length));
        VirtioNetHdr.setGsoType(s6, 0, VIRTIO_NET_HDR_GSO_TCPV6);
        assertEquals(2, drop(s6, 10 + v6.length));
        s6.set(ValueLayout.JAVA_BYTE, 10 + 6, (byte) 0); // hop-by-hop options header first
        assertEquals(OffloadDrop.BAD_PROTOCOL.code(), drop(s6, 10 + v6.length));

        MemorySegment none = Pkt.superPacket(ip, VIRTIO_NET_HDR_GSO_NONE, 0, VIRTIO_NET_HDR_F_NEEDS_CSUM);
        VirtioNetHdr.setCsumStart(none, 0, ip.length - 1);
        assertEquals(OffloadDrop.BAD_CSUM_OFFSET.code(), drop(none, len));
        VirtioNetHdr.setCsumStart(none, 0, 20);
        assertEquals(
                OffloadDrop.DESTINATION_TOO_SMALL.code(),
                seg.split(none, 0, len, dst, 0, 1, 0, lengths)); // 3040 > 2048
    }

    @Test
    void randomBytesNeverThrow() {
        MemorySegment s = Arena.ofAuto().allocate(70_000);
        byte[] ip = Pkt.tcp4().payload(Pkt.random(r, 4000)).build();
        int[] seen = new int[OffloadDrop.values().length + 1];
        for (int round = 0; round < 20_000; round++) {
            int len = r.nextInt(round % 2 == 0 ? 200 : 5000);
            if (round % 3 == 0) { // a valid super-packet with a few bytes flipped
                MemorySegment v = Pkt.superPacket(ip, VIRTIO_NET_HDR_GSO_TCPV4, 1 + r.nextInt(1500), 1);
                MemorySegment.copy(v, 0, s, 0, v.byteSize());
                for (int k = 0; k < 3; k++) s.set(ValueLayout.JAVA_BYTE, r.nextInt(60), (byte) r.nextInt());
                len = 10 + ip.length - r.nextInt(3) * r.nextInt(4000);
            } else {
                MemorySegment.copy(Pkt.random(r, len), 0, s, ValueLayout.JAVA_BYTE, 0, len);
            }
            if (len < 0) len = 0;
            int n = drop(s, len);
            seen[n < 0 ? -n : 0]++;
            if (n > 0) {
                for (int i = 0; i < n; i++) assertTrue(lengths[i] > 0 && lengths[i] <= 2048);
            }
        }
        assertTrue(seen[0] > 0, "some inputs split");
    }
}
