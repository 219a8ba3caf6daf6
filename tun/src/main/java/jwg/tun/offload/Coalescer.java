package jwg.tun.offload;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static jwg.tun.offload.Checksum.BE_INT;
import static jwg.tun.offload.Checksum.BE_LONG;
import static jwg.tun.offload.Checksum.BE_SHORT;
import static jwg.tun.offload.Checksum.IPPROTO_TCP;
import static jwg.tun.offload.Checksum.IPPROTO_UDP;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_F_NEEDS_CSUM;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV4;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV6;
import static jwg.tun.offload.VirtioNetHdr.VIRTIO_NET_HDR_GSO_UDP_L4;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * GRO in software, for the receiving side: the IP packets of one batch (decrypted from the
 * network, about to be written to a TUN opened with IFF_VNET_HDR) are merged per flow into
 * super-packets, so the kernel takes one 64 KB TCP segment where it would have taken 44 small
 * ones — Linux's tcp_gro_receive / udp_gro_receive rules, as wireguard-go's tcpGRO applies them.
 *
 * <p>Zero copy: a merged write is the first packet (its headers fixed in place, a virtio header
 * in the 10 bytes before it) followed by the payloads of the later packets where they lie; the
 * writes are exposed as a native {@code struct iovec} array for writev(2). Packets may be views
 * into one shared receive buffer, flows interleaved; nothing is moved. The order of packets within
 * a flow is kept (a packet that cannot join its flow's open group closes it). Nothing allocates
 * after construction.
 *
 * <p>Use: {@link #reset()}, {@link #add} each packet, {@link #finish()}, then write each
 * {@code w < finish()} as {@code iovCount(w)} iovecs from {@code iovStart(w)}.
 */
public final class Coalescer {
    /** At most this many packets merge into one (Linux's MAX_GSO_SEGS-bounded GRO, wireguard-go's limit). */
    static final int MAX_SEGMENTS = 64;

    static final int IP_MAXPACKET = 65535;
    static final int TCP_FLAG_PSH = 0x08, TCP_FLAG_ACK = 0x10;
    static final long IOVEC_SIZE = 16;

    private static final byte NONE = 0, TCP4 = 1, TCP6 = 2, UDP4 = 3, UDP6 = 4;

    private final int max;
    private final boolean udp;
    // the packets as added; the buffers (MemorySegments) in an Object[]: JDK 25's C2 compiles a
    // store into a MemorySegment[] (an interface's array) with a speculation that fails the first
    // time it runs, then deoptimizes and recompiles add and every method that inlined it
    private final Object[] bufs;
    private final long[] offs;
    private final int[] lens;
    // what parsing found: the flow kind (NONE: written alone, outside any flow), header lengths, payload
    private final byte[] kind;
    private final boolean[] mergeable;
    private final int[] ipHdr, l4Hdr, payload, hash, next;
    // groups, in order of their first packet (= write order)
    private final int[] gHead, gLast, gCount, gTotal, gGso, gOpenSlot;
    private final boolean[] gPsh, gHeadChecked;
    private final int[] open; // the open group of each flow that has one
    private int packets, groups, openCount, writes;
    // the plan
    private final MemorySegment iovecs;
    private final int[] wStart, wCount;

    /**
     * @param maxPackets the most packets one batch may hold
     * @param udp        coalesce UDP too (only when the TUN took TUN_F_USO4|TUN_F_USO6)
     */
    public Coalescer(int maxPackets, boolean udp) {
        if (maxPackets < 1) throw new IllegalArgumentException("maxPackets " + maxPackets);
        this.max = maxPackets;
        this.udp = udp;
        bufs = new Object[maxPackets];
        offs = new long[maxPackets];
        lens = new int[maxPackets];
        kind = new byte[maxPackets];
        mergeable = new boolean[maxPackets];
        ipHdr = new int[maxPackets];
        l4Hdr = new int[maxPackets];
        payload = new int[maxPackets];
        hash = new int[maxPackets];
        next = new int[maxPackets];
        gHead = new int[maxPackets];
        gLast = new int[maxPackets];
        gCount = new int[maxPackets];
        gTotal = new int[maxPackets];
        gGso = new int[maxPackets];
        gOpenSlot = new int[maxPackets];
        gPsh = new boolean[maxPackets];
        gHeadChecked = new boolean[maxPackets];
        open = new int[maxPackets];
        wStart = new int[maxPackets];
        wCount = new int[maxPackets];
        iovecs = Arena.ofAuto().allocate(IOVEC_SIZE * maxPackets, 8); // one iovec per packet at most
    }

    /** Forgets the batch (and its buffers). */
    public void reset() {
        for (int i = 0; i < packets; i++) bufs[i] = null;
        packets = groups = openCount = writes = 0;
    }

    /**
     * Adds the IP packet {@code buf[off, off+len)}; {@code buf[off-10, off)} must be free for the
     * virtio header. False (nothing added) when the batch already holds {@code maxPackets}.
     */
    public boolean add(MemorySegment buf, long off, int len) {
        if (off < VirtioNetHdr.SIZE || len < 0 || off + len > buf.byteSize()) {
            throw new IllegalArgumentException(
                    "packet at " + off + " of " + len + " bytes needs " + VirtioNetHdr.SIZE + " bytes before it");
        }
        if (packets == max) return false;
        bufs[packets] = buf;
        offs[packets] = off;
        lens[packets] = len;
        packets++;
        return true;
    }

    private MemorySegment buf(int i) {
        return (MemorySegment) bufs[i];
    }

    /** Packets added since {@link #reset()}. */
    public int packets() {
        return packets;
    }

    /**
     * Groups the packets, fixes the headers of merged groups in place, writes each write's
     * virtio header and fills {@link #iovecs()}. Returns the number of writes.
     */
    public int finish() {
        groups = openCount = writes = 0;
        for (int i = 0; i < packets; i++) {
            parse(i);
            if (kind[i] == NONE) {
                newGroup(i, false);
                continue;
            }
            int g = findOpen(i);
            if (g >= 0) {
                if (mergeable[i] && canAppend(g, i)) {
                    if (!gHeadChecked[g]) { // checksums are checked before the first merge, never trusted
                        gHeadChecked[g] = true;
                        if (!checksumValid(gHead[g])) {
                            close(g); // the head goes out alone, unchanged: the kernel will drop it
                            newGroup(i, true);
                            continue;
                        }
                    }
                    if (checksumValid(i)) {
                        append(g, i);
                        continue;
                    }
                    close(g); // written alone, unchanged, and after the group: order kept
                    newGroup(i, false);
                    continue;
                }
                close(g); // the flow's group ends before this packet
            }
            newGroup(i, mergeable[i]);
        }
        planWrites();
        return writes;
    }

    /** The struct iovec array ({@code void* iov_base; size_t iov_len}) of the planned writes. */
    public MemorySegment iovecs() {
        return iovecs;
    }

    /** Index of write {@code w}'s first iovec. */
    public int iovStart(int w) {
        return wStart[w];
    }

    /** How many iovecs write {@code w} has (1: a packet alone; more: a merged group). */
    public int iovCount(int w) {
        return wCount[w];
    }

    /** Bytes of write {@code w}, virtio header included. */
    long writeLength(int w) {
        long n = 0;
        for (int k = wStart[w]; k < wStart[w] + wCount[w]; k++) n += iovecs.get(JAVA_LONG, k * IOVEC_SIZE + 8);
        return n;
    }

    // ---- parsing ----

    /** Classifies packet i: a TCP (or, with udp, UDP) flow over IPv4/IPv6, and whether it may merge at all. */
    private void parse(int i) {
        MemorySegment s = buf(i);
        long ip = offs[i];
        int n = lens[i];
        kind[i] = NONE;
        mergeable[i] = false;
        if (n < 20) return;
        int b0 = s.get(JAVA_BYTE, ip) & 0xff;
        boolean v6;
        int ihl;
        int proto;
        boolean plain; // IPv4 without options / IPv6 without extension headers
        if (b0 >>> 4 == 4) {
            v6 = false;
            ihl = (b0 & 0x0f) * 4;
            if (ihl < 20 || ihl > n) return;
            if ((s.get(BE_SHORT, ip + 2) & 0xffff) != n) return; // the IP length must be the packet's
            if ((s.get(BE_SHORT, ip + 6) & 0x3fff) != 0) return; // fragments are not flows
            proto = s.get(JAVA_BYTE, ip + 9) & 0xff;
            plain = ihl == 20;
        } else if (b0 >>> 4 == 6) {
            v6 = true;
            ihl = 40;
            if (n < 40 || (s.get(BE_SHORT, ip + 4) & 0xffff) + 40 != n) return;
            proto = s.get(JAVA_BYTE, ip + 6) & 0xff; // an extension header is not a flow we parse
            plain = true;
        } else {
            return;
        }
        long t = ip + ihl;
        int l4;
        if (proto == IPPROTO_TCP) {
            if (n < ihl + 20) return;
            l4 = ((s.get(JAVA_BYTE, t + 12) & 0xff) >>> 4) * 4;
            if (l4 < 20 || ihl + l4 > n) return;
            kind[i] = v6 ? TCP6 : TCP4;
            int flags = s.get(JAVA_BYTE, t + 13) & 0xff;
            // only ACK (and PSH, which ends the group) may merge: SYN/FIN/RST/URG/ECE/CWR never do
            mergeable[i] = plain && n > ihl + l4 && (flags & ~TCP_FLAG_PSH) == TCP_FLAG_ACK;
        } else if (proto == IPPROTO_UDP && udp) {
            if (n < ihl + 8 || (s.get(BE_SHORT, t + 4) & 0xffff) != n - ihl) return;
            l4 = 8;
            kind[i] = v6 ? UDP6 : UDP4;
            // a zero UDP checksum (IPv4: none) cannot be verified, so it cannot merge
            mergeable[i] = plain && n > ihl + 8 && s.get(BE_SHORT, t + 6) != 0;
        } else {
            return;
        }
        ipHdr[i] = ihl;
        l4Hdr[i] = l4;
        payload[i] = n - ihl - l4;
        // the flow: addresses and ports (the kind keeps TCP, UDP, v4 and v6 apart)
        long a = v6
                ? s.get(BE_LONG, ip + 8)
                        ^ s.get(BE_LONG, ip + 16) * 31
                        ^ s.get(BE_LONG, ip + 24) * 961
                        ^ s.get(BE_LONG, ip + 32) * 29791
                : s.get(BE_LONG, ip + 12);
        long h = (a ^ (s.get(BE_INT, t) & 0xffffffffL) * 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
        hash[i] = (int) (h ^ (h >>> 32)) ^ kind[i];
    }

    private boolean sameFlow(int h, int i) {
        if (kind[h] != kind[i] || hash[h] != hash[i]) return false;
        MemorySegment a = buf(h), b = buf(i);
        long x = offs[h], y = offs[i];
        if (ipHdr[h] != ipHdr[i]) return false;
        if (kind[i] == TCP6 || kind[i] == UDP6) {
            for (int k = 8; k < 40; k += 8) if (a.get(BE_LONG, x + k) != b.get(BE_LONG, y + k)) return false;
        } else if (a.get(BE_LONG, x + 12) != b.get(BE_LONG, y + 12)) {
            return false;
        }
        return a.get(BE_INT, x + ipHdr[h]) == b.get(BE_INT, y + ipHdr[i]); // both ports
    }

    private int findOpen(int i) {
        for (int k = 0; k < openCount; k++) {
            int g = open[k];
            if (sameFlow(gHead[g], i)) return g;
        }
        return -1;
    }

    // ---- the merge rules ----

    /** Whether packet i (same flow, mergeable) may follow the open group g. */
    private boolean canAppend(int g, int i) {
        int h = gHead[g];
        if (gCount[g] >= MAX_SEGMENTS) return false;
        if (gTotal[g] + payload[i] > IP_MAXPACKET) return false; // the merged packet's IP length
        if (payload[i] > gGso[g]) return false; // every segment but a shorter last is gso_size long
        MemorySegment a = buf(h), b = buf(i);
        long x = offs[h], y = offs[i];
        boolean v6 = kind[i] == TCP6 || kind[i] == UDP6;
        if (v6) {
            // same version, traffic class and flow label; same hop limit
            if (a.get(BE_INT, x) != b.get(BE_INT, y) || a.get(JAVA_BYTE, x + 7) != b.get(JAVA_BYTE, y + 7))
                return false;
        } else {
            // same TOS, same TTL, same DF
            if (a.get(JAVA_BYTE, x + 1) != b.get(JAVA_BYTE, y + 1)
                    || a.get(JAVA_BYTE, x + 8) != b.get(JAVA_BYTE, y + 8)
                    || ((a.get(JAVA_BYTE, x + 6) ^ b.get(JAVA_BYTE, y + 6)) & 0x40) != 0) {
                return false;
            }
        }
        if (kind[i] == UDP4 || kind[i] == UDP6) return true;
        long ta = x + ipHdr[h], tb = y + ipHdr[i];
        int l4 = l4Hdr[h];
        if (l4Hdr[i] != l4) return false; // same TCP header length...
        for (int k = 20; k < l4; k += 4)
            if (a.get(BE_INT, ta + k) != b.get(BE_INT, tb + k)) return false; // ...and identical options
        if (a.get(BE_INT, ta + 8) != b.get(BE_INT, tb + 8)) return false; // same acknowledgment number
        int groupPayload = gTotal[g] - ipHdr[h] - l4;
        return a.get(BE_INT, ta + 4) + groupPayload == b.get(BE_INT, tb + 4); // contiguous: appends only
    }

    /** The transport checksum of packet i verifies (sums to 0xffff with its pseudo-header). */
    private boolean checksumValid(int i) {
        MemorySegment s = buf(i);
        long ip = offs[i];
        boolean v6 = kind[i] == TCP6 || kind[i] == UDP6;
        int proto = kind[i] == TCP4 || kind[i] == TCP6 ? IPPROTO_TCP : IPPROTO_UDP;
        int l4len = lens[i] - ipHdr[i];
        long pseudo = Checksum.pseudo(s, ip, v6, proto, l4len);
        return Checksum.fold(Checksum.sum(s, ip + ipHdr[i], l4len, pseudo)) == 0xffff;
    }

    private void newGroup(int i, boolean open) {
        int g = groups++;
        gHead[g] = gLast[g] = i;
        gCount[g] = 1;
        gTotal[g] = lens[i];
        gGso[g] = payload[i];
        gPsh[g] = false;
        gHeadChecked[g] = false;
        next[i] = -1;
        // a packet with PSH is the last of its group, even as its first
        boolean psh = (kind[i] == TCP4 || kind[i] == TCP6)
                && (buf(i).get(JAVA_BYTE, offs[i] + ipHdr[i] + 13) & TCP_FLAG_PSH) != 0;
        if (open && !psh) {
            gOpenSlot[g] = openCount;
            this.open[openCount++] = g;
        } else {
            gOpenSlot[g] = -1;
        }
    }

    private void append(int g, int i) {
        next[gLast[g]] = i;
        next[i] = -1;
        gLast[g] = i;
        gCount[g]++;
        gTotal[g] += payload[i];
        boolean tcp = kind[i] == TCP4 || kind[i] == TCP6;
        boolean psh = tcp && (buf(i).get(JAVA_BYTE, offs[i] + ipHdr[i] + 13) & TCP_FLAG_PSH) != 0;
        if (psh) gPsh[g] = true;
        if (psh || payload[i] < gGso[g]) close(g); // PSH or a short segment ends the group
    }

    private void close(int g) {
        int slot = gOpenSlot[g];
        if (slot < 0) return;
        int last = open[--openCount];
        open[slot] = last;
        gOpenSlot[last] = slot;
        gOpenSlot[g] = -1;
    }

    // ---- the writes ----

    private void planWrites() {
        int iov = 0;
        for (int g = 0; g < groups; g++) {
            int h = gHead[g];
            MemorySegment s = buf(h);
            long off = offs[h];
            wStart[writes] = iov;
            if (gCount[g] == 1) {
                VirtioNetHdr.writeNone(s, off - VirtioNetHdr.SIZE); // alone: no offload, checksum complete
            } else {
                fixHead(g);
            }
            setIovec(iov++, s, off - VirtioNetHdr.SIZE, lens[h] + VirtioNetHdr.SIZE);
            for (int m = next[h]; m >= 0; m = next[m]) { // the later packets contribute their payloads only
                setIovec(iov++, buf(m), offs[m] + ipHdr[m] + l4Hdr[m], payload[m]);
            }
            wCount[writes] = iov - wStart[writes];
            writes++;
        }
    }

    private void setIovec(int k, MemorySegment s, long off, long len) {
        iovecs.set(JAVA_LONG, k * IOVEC_SIZE, s.address() + off);
        iovecs.set(JAVA_LONG, k * IOVEC_SIZE + 8, len);
    }

    /**
     * Turns the head of a merged group into the header of the super-packet: IP length (and IPv4
     * header checksum), PSH if a member had it, the transport checksum field set to the folded
     * pseudo-header sum over the new length (CHECKSUM_PARTIAL: the kernel completes or trusts it),
     * and the virtio header describing the segmentation.
     */
    private void fixHead(int g) {
        int h = gHead[g];
        MemorySegment s = buf(h);
        long ip = offs[h];
        int total = gTotal[g];
        int ihl = ipHdr[h];
        boolean v6 = kind[h] == TCP6 || kind[h] == UDP6;
        boolean tcp = kind[h] == TCP4 || kind[h] == TCP6;
        if (v6) {
            s.set(BE_SHORT, ip + 4, (short) (total - 40));
        } else {
            s.set(BE_SHORT, ip + 2, (short) total);
            Checksum.setIpv4HeaderChecksum(s, ip, ihl);
        }
        long t = ip + ihl;
        int csumOffset;
        if (tcp) {
            if (gPsh[g]) s.set(JAVA_BYTE, t + 13, (byte) (s.get(JAVA_BYTE, t + 13) | TCP_FLAG_PSH));
            csumOffset = 16;
        } else {
            s.set(BE_SHORT, t + 4, (short) (total - ihl)); // the UDP length of the whole
            csumOffset = 6;
        }
        int partial = Checksum.fold(Checksum.pseudo(s, ip, v6, tcp ? IPPROTO_TCP : IPPROTO_UDP, total - ihl));
        s.set(BE_SHORT, t + csumOffset, (short) partial);
        int type = tcp ? (v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4) : VIRTIO_NET_HDR_GSO_UDP_L4;
        VirtioNetHdr.set(
                s, ip - VirtioNetHdr.SIZE, VIRTIO_NET_HDR_F_NEEDS_CSUM, type, ihl + l4Hdr[h], gGso[g], ihl, csumOffset);
    }
}
