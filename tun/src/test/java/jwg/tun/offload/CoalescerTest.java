package jwg.tun.offload;

import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_F_NEEDS_CSUM;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV4;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV6;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_UDP_L4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GRO of hand-built packets: what merges and what is written alone, the merged header (checked
 * against the reference), zero-copy iovecs into one shared buffer, order within a flow, and the
 * round trip split → coalesce → split.
 */
class CoalescerTest {
    final Random r = new Random(11);
    final MemorySegment shared = Arena.ofAuto().allocate(1 << 20);
    final List<Long> offsets = new ArrayList<>();

    /** Copies the packets one after another into one shared buffer (10 free bytes and an odd gap before each) and adds them. */
    private void load(Coalescer c, byte[]... pkts) {
        c.reset();
        offsets.clear();
        long at = 13;
        for (byte[] p : pkts) {
            at += VirtioNetHdr.SIZE;
            MemorySegment.copy(p, 0, shared, ValueLayout.JAVA_BYTE, at, p.length);
            assertTrue(c.add(shared, at, p.length));
            offsets.add(at);
            at += p.length + 3;
        }
    }

    /** The bytes write w would hand to writev, virtio header first. */
    static byte[] write(Coalescer c, int w) {
        List<byte[]> parts = new ArrayList<>();
        for (int k = c.iovStart(w); k < c.iovStart(w) + c.iovCount(w); k++) {
            long base = c.iovecs().get(ValueLayout.JAVA_LONG, k * 16L);
            long len = c.iovecs().get(ValueLayout.JAVA_LONG, k * 16L + 8);
            parts.add(MemorySegment.ofAddress(base).reinterpret(len).toArray(ValueLayout.JAVA_BYTE));
        }
        byte[] all = Pkt.concat(parts.toArray(byte[][]::new));
        assertEquals(all.length, c.writeLength(w));
        return all;
    }

    static byte[] ipOf(byte[] write) {
        return Pkt.slice(write, VirtioNetHdr.SIZE, write.length);
    }

    /** n packets of the flow p with contiguous sequence numbers, payload sizes as given. */
    private byte[][] flow(Pkt p, int... sizes) {
        byte[][] out = new byte[sizes.length][];
        int seq = p.seq;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = p.seq(seq).payload(Pkt.random(r, sizes[i])).build();
            p.id++; // as a sender numbers its IPv4 packets
            seq += sizes[i];
        }
        return out;
    }

    private static int[] counts(Coalescer c, int writes) {
        int[] k = new int[writes];
        for (int w = 0; w < writes; w++) k[w] = c.iovCount(w);
        return k;
    }

    @Test
    void splitThenCoalesceGivesBackTheSuperPacket() {
        for (Pkt p : new Pkt[] {Pkt.tcp4(), Pkt.tcp6(), Pkt.udp4(), Pkt.udp6()}) {
            if (!p.udp) p.options = new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
            p.flags = Pkt.ACK | Pkt.PSH;
            byte[] ip = p.payload(Pkt.random(r, 20_001)).build();
            int gso = 1367;
            int type = p.udp ? VIRTIO_NET_HDR_GSO_UDP_L4 : p.v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
            MemorySegment sp = Pkt.superPacket(ip, type, gso, VIRTIO_NET_HDR_F_NEEDS_CSUM);
            MemorySegment[] dst = new MemorySegment[32];
            for (int i = 0; i < dst.length; i++) dst[i] = shared.asSlice(i * 1500L, 1500); // packets back to back
            int[] lengths = new int[32];
            int n = new Segmenter().split(sp, 0, VirtioNetHdr.SIZE + ip.length, dst, 0, 32, VirtioNetHdr.SIZE, lengths);
            assertEquals(15, n);
            byte[][] segments = new byte[n][];
            Coalescer c = new Coalescer(64, true);
            for (int i = 0; i < n; i++) {
                segments[i] = Pkt.bytes(dst[i], VirtioNetHdr.SIZE, lengths[i]);
                c.add(dst[i], VirtioNetHdr.SIZE, lengths[i]);
            }
            assertEquals(1, c.finish());
            assertEquals(n, c.iovCount(0));
            byte[] w = write(c, 0);
            MemorySegment ws = Arena.ofAuto().allocate(w.length);
            MemorySegment.copy(w, 0, ws, ValueLayout.JAVA_BYTE, 0, w.length);
            int ihl = p.ipHeaderLength(), thl = p.transportHeaderLength();
            assertEquals(VIRTIO_NET_HDR_F_NEEDS_CSUM, VirtioNetHdr.flags(ws, 0));
            assertEquals(type, VirtioNetHdr.gsoType(ws, 0));
            assertEquals(ihl + thl, VirtioNetHdr.hdrLen(ws, 0));
            assertEquals(gso, VirtioNetHdr.gsoSize(ws, 0));
            assertEquals(ihl, VirtioNetHdr.csumStart(ws, 0));
            assertEquals(p.udp ? 6 : 16, VirtioNetHdr.csumOffset(ws, 0));
            // the original, its checksum field holding the folded pseudo-header sum (CHECKSUM_PARTIAL)
            byte[] expect = ip.clone();
            int at = ihl + (p.udp ? 6 : 16);
            int partial = Pkt.refFold(Pkt.refPseudo(ip));
            expect[at] = (byte) (partial >> 8);
            expect[at + 1] = (byte) partial;
            assertArrayEquals(expect, ipOf(w), p.v6 + " " + p.udp);
            assertTrue(Pkt.ipHeaderValid(ipOf(w)));
            // and the kernel's view: splitting the merged write gives the same packets again
            int[] lengths2 = new int[32];
            MemorySegment[] dst2 = new MemorySegment[32];
            for (int i = 0; i < 32; i++) dst2[i] = Arena.ofAuto().allocate(1500);
            assertEquals(n, new Segmenter().split(ws, 0, w.length, dst2, 0, 32, 0, lengths2));
            for (int i = 0; i < n; i++) {
                byte[] again = Pkt.bytes(dst2[i], 0, lengths2[i]);
                assertArrayEquals(segments[i], again, "segment " + i);
                assertTrue(Pkt.transportValid(again));
            }
        }
    }

    @Test
    void interleavedFlowsInOneBufferMergePerFlowWithoutCopies() {
        Pkt a = Pkt.tcp4();
        Pkt b = Pkt.tcp4();
        b.sport = 40001;
        Pkt v6 = Pkt.tcp6();
        byte[][] fa = flow(a, 1000, 1000, 1000, 1000);
        byte[][] fb = flow(b, 800, 800, 800);
        byte[][] f6 = flow(v6, 1200, 1200, 3);
        load(new Coalescer(16, false), fa[0], fb[0], f6[0], fa[1], fb[1], f6[1], fa[2], fb[2], f6[2], fa[3]);
        Coalescer c = new Coalescer(16, false);
        load(c, fa[0], fb[0], f6[0], fa[1], fb[1], f6[1], fa[2], fb[2], f6[2], fa[3]);
        assertEquals(3, c.finish());
        assertArrayEquals(new int[] {4, 3, 3}, counts(c, 3));
        // the payload iovecs point into the shared buffer where the packets lie
        assertEquals(shared.address() + offsets.get(3) + 40, c.iovecs().get(ValueLayout.JAVA_LONG, 16));
        assertEquals(shared.address() + offsets.get(0) - 10, c.iovecs().get(ValueLayout.JAVA_LONG, 0));
        checkMerged(write(c, 0), fa);
        checkMerged(write(c, 1), fb);
        checkMerged(write(c, 2), f6);
    }

    /** A merged write carries the flow's payloads in order and re-splits into packets that verify. */
    private void checkMerged(byte[] w, byte[][] members) {
        byte[] ip = ipOf(w);
        int ihl = (ip[0] & 0xf0) == 0x60 ? 40 : 20;
        boolean udp = (ip[ihl == 40 ? 6 : 9] & 0xff) == 17;
        int hl = ihl + (udp ? 8 : ((ip[ihl + 12] & 0xff) >>> 4) * 4);
        List<byte[]> payloads = new ArrayList<>();
        for (byte[] m : members) payloads.add(Pkt.slice(m, hl, m.length));
        assertArrayEquals(Pkt.concat(payloads.toArray(byte[][]::new)), Pkt.slice(ip, hl, ip.length));
        assertArrayEquals(Pkt.slice(members[0], 0, 2), Pkt.slice(ip, 0, 2), "version/TOS (IPv4: the length follows)");
        MemorySegment ws = Arena.ofAuto().allocate(w.length);
        MemorySegment.copy(w, 0, ws, ValueLayout.JAVA_BYTE, 0, w.length);
        MemorySegment[] dst = new MemorySegment[64];
        for (int i = 0; i < 64; i++) dst[i] = Arena.ofAuto().allocate(1600);
        int[] lengths = new int[64];
        assertEquals(members.length, new Segmenter().split(ws, 0, w.length, dst, 0, 64, 0, lengths));
        for (int i = 0; i < members.length; i++) assertArrayEquals(members[i], Pkt.bytes(dst[i], 0, lengths[i]));
    }

    @Test
    void aPacketWithABadChecksumIsWrittenAloneUnchangedAndOrderIsKept() {
        byte[][] f = flow(Pkt.tcp4(), 500, 500, 500, 500);
        f[1][60] ^= 1; // corrupt a payload byte
        Coalescer c = new Coalescer(8, false);
        load(c, f);
        assertEquals(3, c.finish());
        assertArrayEquals(new int[] {1, 1, 2}, counts(c, 3));
        assertArrayEquals(f[0], ipOf(write(c, 0)));
        assertArrayEquals(f[1], ipOf(write(c, 1)));
        assertArrayEquals(new byte[10], Pkt.slice(write(c, 1), 0, 10), "alone: an all-zero virtio header");
        checkMerged(write(c, 2), new byte[][] {f[2], f[3]});

        f = flow(Pkt.tcp6(), 500, 500, 500);
        f[0][70] ^= 1; // the head itself
        load(c, f);
        assertEquals(2, c.finish());
        assertArrayEquals(new int[] {1, 2}, counts(c, 2));
        assertArrayEquals(f[0], ipOf(write(c, 0)));
    }

    @Test
    void flagsPshAndSizesEndOrPreventMerging() {
        Coalescer c = new Coalescer(16, false);
        for (int bad : new int[] {
            Pkt.SYN | Pkt.ACK,
            Pkt.FIN | Pkt.ACK,
            Pkt.RST | Pkt.ACK,
            Pkt.URG | Pkt.ACK,
            Pkt.ECE | Pkt.ACK,
            Pkt.CWR | Pkt.ACK,
            0
        }) {
            Pkt p = Pkt.tcp4();
            int base = p.seq;
            byte[][] f = flow(p, 100, 100, 100, 100);
            f[2] = p.seq(base + 200).flags(bad).payload(Pkt.random(r, 100)).build();
            load(c, f);
            assertEquals(3, c.finish(), "flags " + bad);
            assertArrayEquals(new int[] {2, 1, 1}, counts(c, 3));
            assertArrayEquals(f[2], ipOf(write(c, 1)));
        }
        // PSH joins, then ends the group; the head gets PSH
        Pkt p = Pkt.tcp4();
        int base = p.seq;
        byte[][] f = flow(p, 100, 100, 100, 100);
        f[1] = p.seq(base + 100)
                .flags(Pkt.ACK | Pkt.PSH)
                .payload(Pkt.random(r, 100))
                .build();
        load(c, f);
        assertEquals(2, c.finish());
        assertArrayEquals(new int[] {2, 2}, counts(c, 2));
        assertEquals(Pkt.ACK | Pkt.PSH, ipOf(write(c, 0))[33] & 0xff);
        assertEquals(Pkt.ACK, ipOf(write(c, 1))[33] & 0xff);
        // a pure ACK ends the group and goes alone
        p = Pkt.tcp4();
        f = flow(p, 100, 100, 0, 100);
        load(c, f);
        assertEquals(3, c.finish());
        assertArrayEquals(new int[] {2, 1, 1}, counts(c, 3));
        // a shorter one joins as the last; a longer one starts anew
        load(c, flow(Pkt.tcp6(), 1000, 999, 1000, 500, 1000));
        assertEquals(3, c.finish());
        assertArrayEquals(new int[] {2, 2, 1}, counts(c, 3));
        // a gap in the sequence, a duplicate
        p = Pkt.tcp4();
        base = p.seq;
        byte[][] g = flow(p, 100, 100);
        byte[] gap = p.seq(base + 300).payload(Pkt.random(r, 100)).build();
        byte[] dup = g[1].clone();
        load(c, g[0], g[1], dup, gap);
        assertEquals(3, c.finish());
        assertArrayEquals(new int[] {2, 1, 1}, counts(c, 3));
    }

    @Test
    void ipAndTcpFieldsMustMatch() {
        Coalescer c = new Coalescer(4, false);
        String[] what = {
            "ttl", "tos", "df", "ack", "options", "v6 flow label", "v6 hop limit", "ipv4 options", "window ok"
        };
        for (String w : what) {
            Pkt p = w.startsWith("v6") ? Pkt.tcp6() : Pkt.tcp4();
            if (w.equals("options")) p.options = new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
            if (w.equals("ipv4 options")) p.ipOptions = new byte[] {1, 1, 1, 0};
            byte[] first = p.payload(Pkt.random(r, 100)).build();
            p.seq += 100;
            switch (w) {
                case "ttl" -> p.ttl = 63;
                case "tos" -> p.tos = 4;
                case "df" -> p.df = 0;
                case "ack" -> p.ack += 1;
                case "options" -> p.options = new byte[] {1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 2};
                case "v6 flow label" -> p.flowLabel = 7;
                case "v6 hop limit" -> p.hopLimit = 1;
                case "window ok" -> p.window = 1000; // the window may differ (the head's is kept)
                default -> {}
            }
            byte[] second = p.payload(Pkt.random(r, 100)).build();
            load(c, first, second);
            assertEquals(w.equals("window ok") ? 1 : 2, c.finish(), w);
        }
    }

    @Test
    void groupsStopAt64SegmentsAnd65535Bytes() {
        Coalescer c = new Coalescer(128, false);
        int[] small = new int[70];
        java.util.Arrays.fill(small, 100);
        load(c, flow(Pkt.tcp4(), small));
        assertEquals(2, c.finish());
        assertArrayEquals(new int[] {64, 6}, counts(c, 2));
        int[] big = new int[50];
        java.util.Arrays.fill(big, 1400);
        load(c, flow(Pkt.tcp4(), big));
        assertEquals(2, c.finish());
        assertArrayEquals(new int[] {46, 4}, counts(c, 2)); // 40 + 46 * 1400 = 64440; one more would pass 65535
        assertEquals(10 + 40 + 46 * 1400, c.writeLength(0));
    }

    @Test
    void udpMergesOnlyWhenAsked() {
        Pkt p = Pkt.udp4();
        byte[][] f = new byte[5][];
        int[] sizes = {1200, 1200, 1200, 700, 1200};
        for (int i = 0; i < 5; i++) {
            f[i] = p.payload(Pkt.random(r, sizes[i])).build();
            p.id++;
        }
        Coalescer c = new Coalescer(8, true);
        load(c, f);
        assertEquals(2, c.finish());
        assertArrayEquals(new int[] {4, 1}, counts(c, 2));
        checkMerged(write(c, 0), Pkt.slice2(f, 0, 4));
        Coalescer off = new Coalescer(8, false);
        load(off, f);
        assertEquals(5, off.finish());
        // an IPv4 datagram without checksum cannot be verified, so it does not merge
        byte[] noSum = f[1].clone();
        noSum[26] = noSum[27] = 0;
        load(c, f[0], noSum, f[2]);
        assertEquals(3, c.finish());
    }

    @Test
    void garbageIsWrittenAloneAndNeverThrows() {
        Coalescer c = new Coalescer(32, true);
        byte[][] good = flow(Pkt.tcp4(), 300, 300, 300);
        for (int round = 0; round < 3000; round++) {
            byte[][] pk = new byte[1 + r.nextInt(20)][];
            for (int i = 0; i < pk.length; i++) {
                pk[i] = r.nextInt(3) == 0 ? good[r.nextInt(3)].clone() : Pkt.random(r, r.nextInt(200));
                if (pk[i].length > 0 && r.nextBoolean()) pk[i][0] = (byte) (r.nextBoolean() ? 0x45 : 0x60);
                if (pk[i].length > 30 && r.nextInt(4) == 0) pk[i][r.nextInt(30)] ^= (byte) r.nextInt();
            }
            load(c, pk);
            int writes = c.finish();
            int iovs = 0;
            for (int w = 0; w < writes; w++) iovs += c.iovCount(w);
            assertEquals(pk.length, iovs, "every packet goes out exactly once");
        }
    }

    @Test
    void splitAndCoalesceAllocateNothing() {
        byte[] ip = Pkt.tcp4().payload(Pkt.random(r, 65535 - 40)).build();
        MemorySegment sp = Pkt.superPacket(ip, VIRTIO_NET_HDR_GSO_TCPV4, 1380, VIRTIO_NET_HDR_F_NEEDS_CSUM);
        MemorySegment[] dst = new MemorySegment[64];
        for (int i = 0; i < 64; i++) dst[i] = shared.asSlice(i * 1500L, 1500);
        int[] lengths = new int[64];
        Segmenter s = new Segmenter();
        Coalescer c = new Coalescer(64, false);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long per = Long.MAX_VALUE;
        for (int round = 0; round < 40 && per != 0; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int k = 0; k < 2000; k++) {
                int n = s.split(sp, 0, VirtioNetHdr.SIZE + ip.length, dst, 0, 64, VirtioNetHdr.SIZE, lengths);
                c.reset();
                for (int i = 0; i < n; i++) c.add(dst[i], VirtioNetHdr.SIZE, lengths[i]);
                if (c.finish() != 1) throw new AssertionError();
            }
            per = (mx.getCurrentThreadAllocatedBytes() - before) / 2000;
        }
        assertEquals(0, per, "bytes allocated per super-packet split and merged");
        assertFalse(c.iovCount(0) < 40);
    }
}
