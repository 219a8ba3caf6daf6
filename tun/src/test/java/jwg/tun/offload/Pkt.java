package jwg.tun.offload;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Hand-built IPv4/IPv6 TCP/UDP packets for the offload tests, and an independent reference for
 * their checksums (a plain 16-bit loop over byte arrays, written from RFC 1071, not from the code
 * under test).
 */
final class Pkt {
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;

    boolean v6;
    boolean udp;
    byte[] src = {(byte) 192, 0, 2, 1};
    byte[] dst = {(byte) 192, 0, 2, 2};
    int sport = 40000, dport = 5201;
    int seq = 0x10000000, ack = 0x20000000;
    int flags = ACK;
    int window = 501;
    byte[] options = new byte[0];
    byte[] ipOptions = new byte[0];
    int id = 0x1234, ttl = 64, tos = 0, df = 0x40;
    int flowLabel = 0x12345, hopLimit = 64, trafficClass = 0;
    byte[] payload = new byte[0];

    static Pkt tcp4() {
        return new Pkt();
    }

    static Pkt tcp6() {
        Pkt p = new Pkt();
        p.v6 = true;
        p.src = v6addr(1);
        p.dst = v6addr(2);
        return p;
    }

    static Pkt udp4() {
        Pkt p = tcp4();
        p.udp = true;
        return p;
    }

    static Pkt udp6() {
        Pkt p = tcp6();
        p.udp = true;
        return p;
    }

    static byte[] v6addr(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[15] = (byte) last;
        return a;
    }

    Pkt payload(byte[] p) {
        payload = p;
        return this;
    }

    Pkt seq(int s) {
        seq = s;
        return this;
    }

    Pkt flags(int f) {
        flags = f;
        return this;
    }

    int ipHeaderLength() {
        return v6 ? 40 : 20 + ipOptions.length;
    }

    int transportHeaderLength() {
        return udp ? 8 : 20 + options.length;
    }

    /** The packet with correct lengths and checksums. */
    byte[] build() {
        int ihl = ipHeaderLength();
        int thl = transportHeaderLength();
        int total = ihl + thl + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        if (v6) {
            b.putInt(6 << 28 | trafficClass << 20 | flowLabel);
            b.putShort((short) (total - 40));
            b.put((byte) (udp ? 17 : 6));
            b.put((byte) hopLimit);
            b.put(src).put(dst);
        } else {
            b.put((byte) (0x40 | ihl / 4))
                    .put((byte) tos)
                    .putShort((short) total)
                    .putShort((short) id);
            b.put((byte) df)
                    .put((byte) 0)
                    .put((byte) ttl)
                    .put((byte) (udp ? 17 : 6))
                    .putShort((short) 0);
            b.put(src).put(dst).put(ipOptions);
        }
        if (udp) {
            b.putShort((short) sport)
                    .putShort((short) dport)
                    .putShort((short) (thl + payload.length))
                    .putShort((short) 0);
        } else {
            b.putShort((short) sport).putShort((short) dport).putInt(seq).putInt(ack);
            b.put((byte) (thl / 4 << 4))
                    .put((byte) flags)
                    .putShort((short) window)
                    .putInt(0)
                    .put(options);
        }
        b.put(payload);
        byte[] p = b.array();
        fixChecksums(p);
        return p;
    }

    /** Sets the IPv4 header checksum and the transport checksum of {@code p} (reference code). */
    static void fixChecksums(byte[] p) {
        boolean v6 = (p[0] & 0xf0) == 0x60;
        int ihl = v6 ? 40 : (p[0] & 15) * 4;
        if (!v6) {
            p[10] = p[11] = 0;
            int c = ~refFold(refSum(p, 0, ihl)) & 0xffff;
            p[10] = (byte) (c >> 8);
            p[11] = (byte) c;
        }
        int proto = p[v6 ? 6 : 9] & 0xff;
        int at = ihl + (proto == 6 ? 16 : 6);
        p[at] = p[at + 1] = 0;
        int c = ~refFold(refPseudo(p) + refSum(p, ihl, p.length - ihl)) & 0xffff;
        if (c == 0 && proto == 17) c = 0xffff;
        p[at] = (byte) (c >> 8);
        p[at + 1] = (byte) c;
    }

    // ---- the reference: 16 bits at a time, as RFC 1071 states it ----

    static long refSum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2) s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        if ((len & 1) != 0) s += (b[off + len - 1] & 0xff) << 8;
        return s;
    }

    static int refFold(long s) {
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    /** The pseudo-header of the IP packet {@code p} (its transport length from its actual length). */
    static long refPseudo(byte[] p) {
        boolean v6 = (p[0] & 0xf0) == 0x60;
        int ihl = v6 ? 40 : (p[0] & 15) * 4;
        int proto = p[v6 ? 6 : 9] & 0xff;
        return (v6 ? refSum(p, 8, 32) : refSum(p, 12, 8)) + proto + (p.length - ihl);
    }

    /** The IPv4 header checksum of {@code p} verifies (always true for IPv6, which has none). */
    static boolean ipHeaderValid(byte[] p) {
        if ((p[0] & 0xf0) == 0x60) return true;
        return refFold(refSum(p, 0, (p[0] & 15) * 4)) == 0xffff;
    }

    /** The TCP/UDP checksum of {@code p} verifies against its pseudo-header. */
    static boolean transportValid(byte[] p) {
        boolean v6 = (p[0] & 0xf0) == 0x60;
        int ihl = v6 ? 40 : (p[0] & 15) * 4;
        return refFold(refPseudo(p) + refSum(p, ihl, p.length - ihl)) == 0xffff;
    }

    static int u16(byte[] p, int at) {
        return ((p[at] & 0xff) << 8) | (p[at + 1] & 0xff);
    }

    static int u32(byte[] p, int at) {
        return (u16(p, at) << 16) | u16(p, at + 2);
    }

    static byte[] random(java.util.Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A super-packet as the kernel hands it over: virtio header (TSO/USO) then the IP packet. */
    static MemorySegment superPacket(byte[] ip, int gsoType, int gsoSize, int flags) {
        boolean v6 = (ip[0] & 0xf0) == 0x60;
        int ihl = v6 ? 40 : (ip[0] & 15) * 4;
        boolean udp = (ip[v6 ? 6 : 9] & 0xff) == 17;
        int thl = udp ? 8 : ((ip[ihl + 12] & 0xff) >>> 4) * 4;
        MemorySegment s = Arena.ofAuto().allocate(VirtioNetHdr.SIZE + ip.length + 7);
        VirtioNetHdr.set(s, 0, flags, gsoType, ihl + thl, gsoSize, ihl, udp ? 6 : 16);
        MemorySegment.copy(ip, 0, s, ValueLayout.JAVA_BYTE, VirtioNetHdr.SIZE, ip.length);
        return s;
    }

    static byte[] bytes(MemorySegment s, long off, int len) {
        return s.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] r = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, at, p.length);
            at += p.length;
        }
        return r;
    }

    static byte[][] slice2(byte[][] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }
}
