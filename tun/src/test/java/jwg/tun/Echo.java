package jwg.tun;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the far end of a tunnel in tests: answers ICMP and ICMPv6 echo requests read from a
 * TUN by writing the replies back into it (addresses swapped, checksum redone).
 */
public final class Echo implements Runnable {
    private final Tun tun;
    public final AtomicInteger replies = new AtomicInteger();
    public volatile int endResult = Integer.MIN_VALUE;
    public volatile Throwable failure;

    public Echo(Tun tun) {
        this.tun = tun;
    }

    /** Starts answering on a daemon thread. */
    public Thread start() {
        return Thread.ofPlatform().daemon().name("echo-" + tun.name()).start(this);
    }

    @Override
    public void run() {
        MemorySegment buf = Arena.ofAuto().allocate(65536);
        try {
            while (true) {
                int n = tun.read(buf, 0, 65536);
                if (n < 0) {
                    endResult = n;
                    return;
                }
                if (toReply(buf, n)) {
                    replies.incrementAndGet(); // counted first: the pinger may finish as soon as the write lands
                    tun.write(buf, 0, n);
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Turns an echo request into its reply in place; false if the packet is something else. */
    public static boolean toReply(MemorySegment p, int n) {
        int version = (p.get(JAVA_BYTE, 0) & 0xff) >> 4;
        if (version == 4 && n >= 28) {
            int ihl = (p.get(JAVA_BYTE, 0) & 0x0f) * 4;
            if (p.get(JAVA_BYTE, 9) != 1 || p.get(JAVA_BYTE, ihl) != 8) return false;
            swap(p, 12, 16, 4);
            p.set(JAVA_BYTE, ihl, (byte) 0);
            p.set(JAVA_BYTE, ihl + 2, (byte) 0);
            p.set(JAVA_BYTE, ihl + 3, (byte) 0);
            int c = ~sum(p, ihl, n - ihl, 0) & 0xffff;
            p.set(JAVA_BYTE, ihl + 2, (byte) (c >> 8));
            p.set(JAVA_BYTE, ihl + 3, (byte) c);
            return true;
        }
        if (version == 6 && n >= 48) {
            if (p.get(JAVA_BYTE, 6) != 58 || (p.get(JAVA_BYTE, 40) & 0xff) != 128) return false;
            swap(p, 8, 24, 16);
            p.set(JAVA_BYTE, 40, (byte) 129);
            p.set(JAVA_BYTE, 42, (byte) 0);
            p.set(JAVA_BYTE, 43, (byte) 0);
            int len = n - 40;
            int pseudo = sum(p, 8, 32, 0) + len + 58; // source, destination, upper-layer length, next header
            int c = ~sum(p, 40, len, pseudo) & 0xffff;
            p.set(JAVA_BYTE, 42, (byte) (c >> 8));
            p.set(JAVA_BYTE, 43, (byte) c);
            return true;
        }
        return false;
    }

    /** Writes an ICMP echo request from {@code src} to {@code dst} (IPv4, 4 bytes each) into {@code p}; returns its length. */
    public static int request(MemorySegment p, byte[] src, byte[] dst, int payload, int seq) {
        int n = 28 + payload;
        p.asSlice(0, n).fill((byte) 0);
        p.set(JAVA_BYTE, 0, (byte) 0x45);
        p.set(JAVA_BYTE, 2, (byte) (n >> 8));
        p.set(JAVA_BYTE, 3, (byte) n);
        p.set(JAVA_BYTE, 8, (byte) 64);
        p.set(JAVA_BYTE, 9, (byte) 1);
        MemorySegment.copy(src, 0, p, JAVA_BYTE, 12, 4);
        MemorySegment.copy(dst, 0, p, JAVA_BYTE, 16, 4);
        int h = ~sum(p, 0, 20, 0) & 0xffff;
        p.set(JAVA_BYTE, 10, (byte) (h >> 8));
        p.set(JAVA_BYTE, 11, (byte) h);
        p.set(JAVA_BYTE, 20, (byte) 8);
        p.set(JAVA_BYTE, 24, (byte) 0x4a);
        p.set(JAVA_BYTE, 26, (byte) (seq >> 8));
        p.set(JAVA_BYTE, 27, (byte) seq);
        int c = ~sum(p, 20, n - 20, 0) & 0xffff;
        p.set(JAVA_BYTE, 22, (byte) (c >> 8));
        p.set(JAVA_BYTE, 23, (byte) c);
        return n;
    }

    private static void swap(MemorySegment p, int a, int b, int len) {
        for (int i = 0; i < len; i++) {
            byte t = p.get(JAVA_BYTE, a + i);
            p.set(JAVA_BYTE, a + i, p.get(JAVA_BYTE, b + i));
            p.set(JAVA_BYTE, b + i, t);
        }
    }

    /** The one's-complement sum of 16-bit words, folded. */
    static int sum(MemorySegment p, int off, int len, int start) {
        long s = start;
        for (int i = 0; i + 1 < len; i += 2)
            s += ((p.get(JAVA_BYTE, off + i) & 0xff) << 8) | (p.get(JAVA_BYTE, off + i + 1) & 0xff);
        if ((len & 1) != 0) s += (p.get(JAVA_BYTE, off + len - 1) & 0xff) << 8;
        while ((s >> 16) != 0) s = (s & 0xffff) + (s >> 16);
        return (int) s;
    }
}
