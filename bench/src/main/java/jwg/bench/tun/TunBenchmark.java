package jwg.bench.tun;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import jwg.sys.Fds;
import jwg.sys.NetNs;
import jwg.tun.LinuxTun;
import jwg.tun.TunConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * TUN packets per second, read+write, through the FFM path ({@link LinuxTun}) and through a plain
 * {@link FileChannel} on the same kind of TUN descriptor. Each operation writes one ICMP echo
 * request (192.0.2.2 → 192.0.2.1) into the TUN and reads back the echo reply the kernel of a
 * private network namespace sends: one packet each way through /dev/net/tun.
 *
 * <p>FileChannel cannot attach a TUN (TUNSETIFF is an ioctl), and reopening /proc/self/fd/N of a
 * TUN opens a fresh, unattached /dev/net/tun; so the FileChannel variant gets the TUN created and
 * attached by FFM, switched to blocking mode, wrapped in a java.io.FileDescriptor (reflection,
 * hence {@code --add-opens java.base/java.io}) and then reads and writes only through
 * FileInputStream/FileOutputStream channels with direct ByteBuffers. Needs root (creates a netns);
 * run with {@code -prof gc} for the bytes allocated per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.io=ALL-UNNAMED"})
public class TunBenchmark {
    static final int BATCH = 32;

    @Param({"64", "1420"})
    public int size;

    private String ns;
    private LinuxTun tun;
    private MemorySegment request, buffer;
    private int requestLength;
    private FileChannel in, out;
    private ByteBuffer requestBuffer, readBuffer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ns = "jb" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        sh("ip", "netns", "add", ns);
        String name =
                "jb" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        tun = NetNs.run(ns, () -> LinuxTun.open(TunConfig.of(name).withMtu(1500).withAddresses("192.0.2.1/24")));
        request = Arena.ofAuto().allocate(2048, 64);
        buffer = Arena.ofAuto().allocate(65536, 64);
        requestLength = Echo.request(request, size - 28);
        requestBuffer = ByteBuffer.allocateDirect(2048);
        requestBuffer.put(request.asSlice(0, requestLength).asByteBuffer()).flip();
        readBuffer = ByteBuffer.allocateDirect(65536);
    }

    /** For the FileChannel variant: the same TUN, blocking, behind java.io channels. */
    private void openChannels() throws Exception {
        if (in != null) return;
        Fds.setNonBlocking(tun.fd(), false);
        FileDescriptor fd = new FileDescriptor();
        Field f = FileDescriptor.class.getDeclaredField("fd");
        f.setAccessible(true);
        f.setInt(fd, tun.fd());
        in = new FileInputStream(fd).getChannel();
        out = new FileOutputStream(fd).getChannel();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (tun != null) tun.close(); // (the channels share its descriptor: not closed separately)
        } finally {
            sh("ip", "netns", "del", ns);
        }
    }

    /** FFM: LinuxTun.write then LinuxTun.read (non-blocking fd, poll when empty). */
    @Benchmark
    public int ffm() throws IOException {
        tun.write(request, 0, requestLength);
        int n;
        do {
            n = tun.read(buffer, 0, 65536);
        } while (n > 0 && buffer.get(ValueLayout.JAVA_BYTE, 9) != 1); // skip anything but ICMP
        return n;
    }

    /** FileChannel: write then read with direct ByteBuffers on a blocking descriptor. */
    @Benchmark
    public int fileChannel() throws Exception {
        openChannels();
        requestBuffer.rewind();
        out.write(requestBuffer);
        int n;
        do {
            readBuffer.clear();
            n = in.read(readBuffer);
        } while (n > 0 && readBuffer.get(9) != 1);
        return n;
    }

    /** FFM, 32 requests written back to back, then their 32 replies read: sustained packets each way. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int ffmBatch() throws IOException {
        for (int i = 0; i < BATCH; i++) tun.write(request, 0, requestLength);
        int got = 0;
        while (got < BATCH) {
            int n = tun.read(buffer, 0, 65536);
            if (n < 0) break;
            if (buffer.get(ValueLayout.JAVA_BYTE, 9) == 1) got++;
        }
        return got;
    }

    /** FileChannel, the same batch of 32. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int fileChannelBatch() throws Exception {
        openChannels();
        for (int i = 0; i < BATCH; i++) {
            requestBuffer.rewind();
            out.write(requestBuffer);
        }
        int got = 0;
        while (got < BATCH) {
            readBuffer.clear();
            int n = in.read(readBuffer);
            if (n < 0) break;
            if (readBuffer.get(9) == 1) got++;
        }
        return got;
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed");
    }
}
