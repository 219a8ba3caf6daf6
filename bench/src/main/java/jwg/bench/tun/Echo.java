package jwg.bench.tun;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;

/** Builds the ICMP echo request 192.0.2.2 → 192.0.2.1 the TUN benchmark writes. */
final class Echo {
    private Echo() {}

    static int request(MemorySegment p, int payload) {
        int n = 28 + payload;
        p.asSlice(0, n).fill((byte) 0);
        p.set(JAVA_BYTE, 0, (byte) 0x45);
        p.set(JAVA_BYTE, 2, (byte) (n >> 8));
        p.set(JAVA_BYTE, 3, (byte) n);
        p.set(JAVA_BYTE, 8, (byte) 64);
        p.set(JAVA_BYTE, 9, (byte) 1);
        byte[] src = {(byte) 192, 0, 2, 2}, dst = {(byte) 192, 0, 2, 1};
        MemorySegment.copy(src, 0, p, JAVA_BYTE, 12, 4);
        MemorySegment.copy(dst, 0, p, JAVA_BYTE, 16, 4);
        int h = ~sum(p, 0, 20) & 0xffff;
        p.set(JAVA_BYTE, 10, (byte) (h >> 8));
        p.set(JAVA_BYTE, 11, (byte) h);
        p.set(JAVA_BYTE, 20, (byte) 8);
        p.set(JAVA_BYTE, 24, (byte) 0x4a);
        p.set(JAVA_BYTE, 27, (byte) 1);
        int c = ~sum(p, 20, n - 20) & 0xffff;
        p.set(JAVA_BYTE, 22, (byte) (c >> 8));
        p.set(JAVA_BYTE, 23, (byte) c);
        return n;
    }

    private static int sum(MemorySegment p, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2)
            s += ((p.get(JAVA_BYTE, off + i) & 0xff) << 8) | (p.get(JAVA_BYTE, off + i + 1) & 0xff);
        if ((len & 1) != 0) s += (p.get(JAVA_BYTE, off + len - 1) & 0xff) << 8;
        while ((s >> 16) != 0) s = (s & 0xffff) + (s >> 16);
        return (int) s;
    }
}
