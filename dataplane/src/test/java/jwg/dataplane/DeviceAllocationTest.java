package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import jwg.tun.Tun;
import org.junit.jupiter.api.Test;

/**
 * The steady state allocates nothing per packet: bytes allocated by the sender and receiver
 * threads of two real devices (loopback UDP) while 20,000 packets go through, measured with
 * the JVM's per-thread allocation counters. The TUNs here allocate nothing themselves. Twice:
 * plain packets, and the offload path (the TUN hands over TCP super-packets behind a
 * virtio_net_hdr that the sender splits; the receiver merges them again into gathered writes;
 * UDP GSO and GRO between the two).
 */
class DeviceAllocationTest {
    /** Hands out one prepared packet per read (rate-limited by permits); counts writes. Allocation-free. */
    static class CountingTun implements Tun {
        final String name;
        final byte[] packet;
        final AtomicInteger permits = new AtomicInteger();
        final AtomicLong written = new AtomicLong();
        final AtomicLong gathered = new AtomicLong();
        volatile boolean closed;

        /** TUN_F_* flags claimed (0: plain packets); with offloads, {@link #packet} is a super-packet. */
        final int offloads;
        /** Packets one read stands for (segments of a super-packet). */
        final int packetsPerRead;

        CountingTun(String name, byte[] packet) {
            this(name, packet, 0, 1);
        }

        CountingTun(String name, byte[] packet, int offloads, int packetsPerRead) {
            this.name = name;
            this.packet = packet;
            this.offloads = offloads;
            this.packetsPerRead = packetsPerRead;
        }

        /** What the next read returns. */
        byte[] nextPacket() {
            return packet;
        }

        @Override
        public boolean vnetHeader() {
            return offloads != 0;
        }

        @Override
        public int offloads() {
            return offloads;
        }

        /** A gathered write: its first iovec holds one packet, each further one another packet's payload. */
        @Override
        public long writev(MemorySegment iovecs, int start, int count) {
            gathered.incrementAndGet();
            written.addAndGet(count);
            return 1;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int mtu() {
            return 1420;
        }

        @Override
        public int read(MemorySegment buffer, long offset, int capacity) {
            while (true) { // spin, then park: no allocation while waiting (a Semaphore would allocate queue nodes)
                int p = permits.get();
                if (p > 0 && permits.compareAndSet(p, p - 1)) break;
                if (closed) return -1;
                LockSupport.parkNanos(20_000);
            }
            byte[] p = nextPacket();
            MemorySegment.copy(p, 0, buffer, ValueLayout.JAVA_BYTE, offset, p.length);
            return p.length;
        }

        @Override
        public void write(MemorySegment buffer, long offset, int length) {
            written.incrementAndGet();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final int OFFLOADS = jwg.tun.LinuxTun.TUN_F_CSUM | jwg.tun.LinuxTun.TUN_F_TSO4 | jwg.tun.LinuxTun.TUN_F_TSO6;
    static final int SEGMENTS = 20, MSS = 1380;

    @Test
    void senderAndReceiverAllocateNothingPerPacket() throws Exception {
        byte[] pkt = Packets.ipv4("192.0.2.1", "192.0.2.2", new byte[1300]);
        measure(new CountingTun("alloca", pkt), new CountingTun("allocb", pkt));
    }

    @Test
    void theOffloadPathAllocatesNothingPerPacket() throws Exception {
        byte[] sp = superPacket();
        measure(new CountingTun("allocoa", sp, OFFLOADS, SEGMENTS), new CountingTun("allocob", sp, OFFLOADS, SEGMENTS));
    }

    /** A TCPv4 super-packet 192.0.2.1 → 192.0.2.2 of {@link #SEGMENTS} full segments behind its virtio_net_hdr. */
    static byte[] superPacket() {
        int ipLen = jwg.tun.offload.TcpSuperPacket.HEADERS + SEGMENTS * MSS;
        MemorySegment s = MemorySegment.ofArray(new byte[jwg.tun.offload.VirtioNetHdr.SIZE + ipLen]);
        jwg.tun.offload.TcpSuperPacket.write(s, 0, ipLen, MSS, 0xc0000201, 0xc0000202);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    private static void measure(CountingTun ta, CountingTun tb) throws Exception {
        try (TwoDevices devices = TwoDevices.between(ta, tb).start()) {
            pump(ta, tb, 50_000); // handshake, staging, JIT warm-up (one-time class and lambda-form generation)
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] ids = threads("jwg-send-" + ta.name, "jwg-recv-" + tb.name);
            double best = Double.MAX_VALUE;
            StringBuilder seen = new StringBuilder();
            for (int window = 0; window < 3; window++) { // the best of three windows: JIT recompilation may land in one
                long before = mx.getThreadAllocatedBytes(ids[0]) + mx.getThreadAllocatedBytes(ids[1]);
                long n = pump(ta, tb, 20_000);
                long after = mx.getThreadAllocatedBytes(ids[0]) + mx.getThreadAllocatedBytes(ids[1]);
                double perPacket = (after - before) / (double) n;
                seen.append(String.format(" %.3f", perPacket));
                best = Math.min(best, perPacket);
            }
            assertTrue(best < 0.1, "bytes allocated per packet on the data path, per window:" + seen);
            assertTrue(tb.written.get() >= 0.9 * (50_000 + 3 * 20_000), "packets arrived: " + tb.written.get());
            if (ta.offloads != 0) {
                assertTrue(
                        tb.gathered.get() > 0 && tb.gathered.get() * 4 < tb.written.get(),
                        "the receiver merged segments into gathered writes: " + tb.gathered.get() + " writes for "
                                + tb.written.get() + " packets");
            }
        }
    }

    /** Sends {@code count} packets A→B, about 64 at a time, waiting for each window to arrive (no loss). */
    private static long pump(CountingTun a, CountingTun b, int count) throws InterruptedException {
        long start = b.written.get();
        int reads = Math.max(1, 64 / a.packetsPerRead), window = reads * a.packetsPerRead;
        for (int sent = 0; sent < count; sent += window) {
            a.permits.addAndGet(reads);
            long target = start + sent + window;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (b.written.get() < target && System.nanoTime() < deadline) Thread.onSpinWait();
            if (b.written.get() < target) { // a lost datagram: re-sync instead of failing on loss
                start = b.written.get() - sent - window;
            }
        }
        return count;
    }

    private static long[] threads(String... names) {
        long[] ids = new long[names.length];
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            for (int i = 0; i < names.length; i++) if (t.getName().equals(names[i])) ids[i] = t.threadId();
        }
        for (int i = 0; i < ids.length; i++) assertNotEquals(0, ids[i], "thread " + names[i] + " not found");
        return ids;
    }
}
