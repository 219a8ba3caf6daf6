package jwg.bench.tun;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import jwg.sys.Fds;
import jwg.sys.NetNs;
import jwg.tun.LinuxTun;
import jwg.tun.TunConfig;

/**
 * The same echo round trip as {@link TunBenchmark}, measured in CPU time of the benchmark thread
 * (user + system, ThreadMXBean) rather than wall-clock throughput, so that other processes on a
 * busy machine do not distort the comparison; also wall-clock rate and bytes allocated per packet.
 * The kernel's echo processing runs in the writing thread's system call (softirq on return), so
 * it is part of the CPU time of both paths alike.
 *
 * <p>Run as root: {@code java --enable-native-access=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED
 * -cp bench/target/benchmarks.jar jwg.bench.tun.TunCpuHarness [packets] [size]}.
 */
public final class TunCpuHarness {
    public static void main(String[] args) throws Exception {
        int packets = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1420;
        String ns =
                "jb" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        sh("ip", "netns", "add", ns);
        try {
            String name = "jb"
                    + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            try (LinuxTun tun = NetNs.run(
                    ns, () -> LinuxTun.open(TunConfig.of(name).withMtu(1500).withAddresses("192.0.2.1/24")))) {
                MemorySegment req = Arena.ofAuto().allocate(2048, 64),
                        buf = Arena.ofAuto().allocate(65536, 64);
                int n = Echo.request(req, size - 28);
                ByteBuffer reqBuf = ByteBuffer.allocateDirect(2048), readBuf = ByteBuffer.allocateDirect(65536);
                reqBuf.put(req.asSlice(0, n).asByteBuffer()).flip();
                for (int round = 0; round < 3; round++) {
                    measure("ffm", packets, () -> ffm(tun, req, n, buf));
                }
                Fds.setNonBlocking(tun.fd(), false);
                FileDescriptor fd = new FileDescriptor();
                Field f = FileDescriptor.class.getDeclaredField("fd");
                f.setAccessible(true);
                f.setInt(fd, tun.fd());
                FileChannel in = new FileInputStream(fd).getChannel(), out = new FileOutputStream(fd).getChannel();
                for (int round = 0; round < 3; round++) {
                    measure("fileChannel", packets, () -> fileChannel(in, out, reqBuf, readBuf));
                }
                Fds.setNonBlocking(tun.fd(), true);
            }
        } finally {
            sh("ip", "netns", "del", ns);
        }
    }

    interface Op {
        void run() throws Exception;
    }

    private static void measure(String what, int packets, Op op) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < packets / 4; i++) op.run(); // warm-up
        long a0 = mx.getCurrentThreadAllocatedBytes(), c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        for (int i = 0; i < packets; i++) op.run();
        long t1 = System.nanoTime(), c1 = mx.getCurrentThreadCpuTime(), a1 = mx.getCurrentThreadAllocatedBytes();
        System.out.printf(
                "%-12s %,9d round trips  cpu %6.2f us/round trip  wall %,9.0f round trips/s  alloc %.3f B/round trip%n",
                what, packets, (c1 - c0) / 1e3 / packets, packets * 1e9 / (t1 - t0), (double) (a1 - a0) / packets);
    }

    private static void ffm(LinuxTun tun, MemorySegment req, int n, MemorySegment buf) throws Exception {
        tun.write(req, 0, n);
        int r;
        do {
            r = tun.read(buf, 0, 65536);
        } while (r > 0 && buf.get(ValueLayout.JAVA_BYTE, 9) != 1);
    }

    private static void fileChannel(FileChannel in, FileChannel out, ByteBuffer req, ByteBuffer buf) throws Exception {
        req.rewind();
        out.write(req);
        int r;
        do {
            buf.clear();
            r = in.read(buf);
        } while (r > 0 && buf.get(9) != 1);
    }

    private static void sh(String... cmd) throws Exception {
        if (new ProcessBuilder(cmd).inheritIO().start().waitFor() != 0)
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
    }
}
