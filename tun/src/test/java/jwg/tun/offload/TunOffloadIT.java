package jwg.tun.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import jwg.sys.Fds;
import jwg.sys.Linux;
import jwg.sys.NetNs;
import jwg.sys.SockAddrs;
import jwg.sys.Sockets;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import jwg.tun.LinuxTun;
import jwg.tun.TunConfig;
import jwg.tun.TunOptions;
import org.junit.jupiter.api.Test;

/**
 * The offloads against the real kernel: two network namespaces, each with a TUN opened with
 * IFF_VNET_HDR and TSO (and USO when the kernel takes it), joined by a forwarding loop in this
 * test that reads super-packets from one TUN, splits them with {@link Segmenter}, merges them
 * again with {@link Coalescer} and writes them to the other with writev — both directions. A few
 * MB of TCP over IPv4 and IPv6 (and UDP sent with UDP_SEGMENT) must arrive intact: the receiving
 * kernel checks every checksum of what is written alone and trusts only the merged ones we
 * verified. Super-packets must really have been read and merged writes really made.
 */
class TunOffloadIT {
    static final int MTU = 1420;
    static final int SOL_UDP = 17, UDP_SEGMENT = 103; // include/uapi/linux/udp.h

    @Test
    void tcpAndUdpFlowThroughSplitAndCoalesceBetweenTwoOffloadingTuns() throws Exception {
        Requires.root();
        Requires.tool("ip");
        try (Netns a = Netns.create("jo");
                Netns b = Netns.create("jo")) {
            String na = Netns.uniqueName("joa"), nb = Netns.uniqueName("job");
            TunOptions vnet = new TunOptions(true, false);
            LinuxTun ta = NetNs.run(
                    a.path(),
                    () -> LinuxTun.open(TunConfig.of(na)
                            .withMtu(MTU)
                            .withOptions(vnet)
                            .withAddresses("192.0.2.1/32", "fd00::1/128")
                            .withRoutes("192.0.2.2/32", "fd00::2/128")));
            LinuxTun tb = null;
            Forwarder ab = null, ba = null;
            try {
                tb = NetNs.run(
                        b.path(),
                        () -> LinuxTun.open(TunConfig.of(nb)
                                .withMtu(MTU)
                                .withOptions(vnet)
                                .withAddresses("192.0.2.2/32", "fd00::2/128")
                                .withRoutes("192.0.2.1/32", "fd00::1/128")));
                int offA = ta.enableOffloads(true), offB = tb.enableOffloads(true);
                int tcp = LinuxTun.TUN_F_CSUM | LinuxTun.TUN_F_TSO4 | LinuxTun.TUN_F_TSO6;
                assertEquals(tcp, offA & tcp, "the kernel takes TSO: " + offA);
                assertEquals(offA, ta.offloads());
                assertTrue(ta.vnetHeader());
                boolean uso = (offA & offB & LinuxTun.TUN_F_USO4) != 0;
                ab = new Forwarder(ta, tb, uso);
                ba = new Forwarder(tb, ta, uso);
                ab.start();
                ba.start();

                try {
                    transfer(a, b, "192.0.2.2", 8 << 20, 3 << 20);
                    transfer(a, b, "fd00::2", 6 << 20, 2 << 20);
                    if (uso) udpSegments(a, b);
                    else
                        System.out.println("TunOffloadIT: the kernel refused TUN_F_USO4/6 (offloads " + offA
                                + "); UDP not tested");
                } finally {
                    System.out.println("TunOffloadIT: offloads " + offA + "; a->b " + ab + "; b->a " + ba);
                }
                for (Forwarder f : new Forwarder[] {ab, ba}) {
                    assertNull(f.failure, "forwarder failed");
                    assertEquals(0, f.drops.get(), "malformed super-packets from the kernel");
                    assertEquals(0, f.writeErrors.get(), "writev refused (last errno " + f.lastErrno + ")");
                }
                assertTrue(ab.superPackets.get(Forwarder.TCP4) > 0, "TCPv4 super-packets read: " + ab);
                assertTrue(ab.superPackets.get(Forwarder.TCP6) > 0, "TCPv6 super-packets read: " + ab);
                assertTrue(ba.superPackets.get(Forwarder.TCP4) > 0, "TCPv4 super-packets the other way: " + ba);
                assertTrue(ab.mergedWrites.get() > 0 && ba.mergedWrites.get() > 0, "merged writes: " + ab + " / " + ba);
                if (uso) {
                    assertTrue(ab.superPackets.get(Forwarder.UDP) > 0, "UDP super-packets read: " + ab);
                    assertTrue(ab.mergedUdpWrites.get() > 0, "UDP merged writes: " + ab);
                }
            } finally {
                ta.close();
                if (tb != null) tb.close();
                if (ab != null) ab.join(5000);
                if (ba != null) ba.join(5000);
            }
        }
    }

    /** Sends {@code up} bytes from a to b over TCP, then {@code down} back; both must arrive byte for byte. */
    private static void transfer(Netns a, Netns b, String serverIp, int up, int down) throws Exception {
        InetAddress ip = InetAddress.getByName(serverIp);
        ServerSocket server = NetNs.run(b.path(), () -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(ip, 0));
            return s;
        });
        try (server) {
            byte[] upData = pattern(up, 1), downData = pattern(down, 2);
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(
                    () -> {
                        try (Socket s = server.accept()) {
                            s.setSoTimeout(30_000);
                            byte[] got = s.getInputStream().readAllBytes(); // until the client shuts its output
                            OutputStream out = s.getOutputStream();
                            out.write(downData);
                            out.flush();
                            s.shutdownOutput();
                            return got;
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    },
                    OWN_THREAD);
            try (Socket c = NetNs.run(a.path(), () -> {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(ip, server.getLocalPort()), 5000);
                return s;
            })) {
                c.setSoTimeout(30_000);
                CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                InputStream in = c.getInputStream();
                                return in.readAllBytes();
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        },
                        OWN_THREAD);
                OutputStream out = c.getOutputStream();
                for (int at = 0; at < up; at += 100_000) out.write(upData, at, Math.min(100_000, up - at));
                out.flush();
                c.shutdownOutput();
                assertArrayEquals(digest(upData), digest(served.get(60, TimeUnit.SECONDS)), serverIp + ": bytes a->b");
                assertArrayEquals(digest(downData), digest(back.get(60, TimeUnit.SECONDS)), serverIp + ": bytes b->a");
            }
        }
    }

    /** One sendto of 12 KB with UDP_SEGMENT 1200 from a: b must receive ten intact datagrams. */
    private static void udpSegments(Netns a, Netns b) throws Exception {
        DatagramSocket rx = NetNs.run(b.path(), () -> new DatagramSocket(new InetSocketAddress("192.0.2.2", 0)));
        try (rx) {
            rx.setSoTimeout(5000);
            int fd = NetNs.run(a.path(), () -> Sockets.socket(Linux.AF_INET, Linux.SOCK_DGRAM, 0));
            try (Arena arena = Arena.ofConfined()) {
                Sockets.setInt(fd, SOL_UDP, UDP_SEGMENT, 1200);
                MemorySegment addr = arena.allocate(SockAddrs.MAX_SIZE);
                int addrLen = SockAddrs.write(addr, new InetSocketAddress("192.0.2.2", rx.getLocalPort()));
                byte[] data = pattern(12_000, 3);
                MemorySegment buf = arena.allocate(data.length);
                MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
                for (int round = 0; round < 5; round++) {
                    assertEquals(
                            data.length,
                            Sockets.trySendto(fd, buf, data.length, 0, addr, addrLen),
                            "sendto with UDP_SEGMENT");
                    byte[] got = new byte[2000];
                    for (int i = 0; i < 10; i++) {
                        DatagramPacket p = new DatagramPacket(got, got.length);
                        rx.receive(p);
                        assertEquals(1200, p.getLength(), "datagram " + i);
                        assertArrayEquals(
                                java.util.Arrays.copyOfRange(data, i * 1200, i * 1200 + 1200),
                                java.util.Arrays.copyOf(got, 1200),
                                "datagram " + i + " of round " + round);
                    }
                }
            } finally {
                Fds.close(fd);
            }
        }
    }

    /** Each side of a transfer on its own thread (the common pool may have a single one, and they block each other). */
    static final java.util.concurrent.Executor OWN_THREAD =
            r -> Thread.ofPlatform().daemon().start(r);

    static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] digest(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /**
     * Reads from one TUN (a super-packet, then whatever else is queued), splits each, merges the
     * batch and writes it to the other TUN: a TSO NIC on one side, a GRO one on the other.
     */
    static final class Forwarder extends Thread {
        static final int TCP4 = 0, TCP6 = 1, UDP = 2;
        static final int SLOTS = 256, SLOT = 1600;
        final LinuxTun from, to;
        final Segmenter segmenter = new Segmenter();
        final Coalescer coalescer;
        final MemorySegment readBuf = Arena.ofAuto().allocate(65536 + VirtioNetHdr.SIZE);
        final MemorySegment[] slots = new MemorySegment[SLOTS];
        final int[] lengths = new int[SLOTS];
        final AtomicLongArray superPackets = new AtomicLongArray(3);
        final AtomicLong reads = new AtomicLong(),
                packets = new AtomicLong(),
                writes = new AtomicLong(),
                mergedWrites = new AtomicLong(),
                mergedUdpWrites = new AtomicLong(),
                drops = new AtomicLong(),
                writeErrors = new AtomicLong();
        volatile long lastErrno;
        volatile Throwable failure;

        Forwarder(LinuxTun from, LinuxTun to, boolean udp) {
            super("forward-" + from.name());
            setDaemon(true);
            this.from = from;
            this.to = to;
            coalescer = new Coalescer(SLOTS, udp);
            MemorySegment all = Arena.ofAuto().allocate((long) SLOTS * SLOT);
            for (int i = 0; i < SLOTS; i++) slots[i] = all.asSlice((long) i * SLOT, SLOT);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    int n = from.read(readBuf, 0, (int) readBuf.byteSize());
                    if (n < 0) return;
                    int used = 0;
                    coalescer.reset();
                    while (true) {
                        used += split(n, used);
                        if (SLOTS - used < 64) break;
                        n = from.tryRead(readBuf, 0, (int) readBuf.byteSize());
                        if (n <= 0) break;
                    }
                    for (int i = 0; i < used; i++) coalescer.add(slots[i], VirtioNetHdr.SIZE, lengths[i]);
                    int w = coalescer.finish();
                    for (int k = 0; k < w; k++) {
                        long r = to.writev(coalescer.iovecs(), coalescer.iovStart(k), coalescer.iovCount(k));
                        if (r < 0) {
                            writeErrors.incrementAndGet();
                            lastErrno = -r;
                        }
                        if (coalescer.iovCount(k) > 1) {
                            mergedWrites.incrementAndGet();
                            if (VirtioNetHdr.gsoType(
                                            MemorySegment.ofAddress(coalescer
                                                            .iovecs()
                                                            .get(ValueLayout.JAVA_LONG, coalescer.iovStart(k) * 16L))
                                                    .reinterpret(VirtioNetHdr.SIZE),
                                            0)
                                    == VirtioNetHdr.VIRTIO_NET_HDR_GSO_UDP_L4) {
                                mergedUdpWrites.incrementAndGet();
                            }
                        }
                    }
                    writes.addAndGet(w);
                    packets.addAndGet(used);
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Splits the packet just read into the slots from {@code used}; returns how many it made. */
        private int split(int n, int used) {
            reads.incrementAndGet();
            int type = VirtioNetHdr.gsoType(readBuf, 0);
            if (n - VirtioNetHdr.SIZE > MTU) {
                if (type == VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV4) superPackets.incrementAndGet(TCP4);
                if (type == VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV6) superPackets.incrementAndGet(TCP6);
                if (type == VirtioNetHdr.VIRTIO_NET_HDR_GSO_UDP_L4) superPackets.incrementAndGet(UDP);
            }
            int c = segmenter.split(readBuf, 0, n, slots, used, SLOTS - used, VirtioNetHdr.SIZE, lengths);
            if (c < 0) {
                drops.incrementAndGet();
                System.out.println("drop " + OffloadDrop.of(c) + " type " + type + " len " + n);
                return 0;
            }
            return c;
        }

        @Override
        public String toString() {
            return "reads " + reads + " (super TCPv4 " + superPackets.get(TCP4) + ", TCPv6 " + superPackets.get(TCP6)
                    + ", UDP "
                    + superPackets.get(UDP) + "), packets " + packets + ", writes " + writes + " (merged "
                    + mergedWrites
                    + ", UDP " + mergedUdpWrites + "), drops " + drops + ", write errors " + writeErrors;
        }
    }
}
