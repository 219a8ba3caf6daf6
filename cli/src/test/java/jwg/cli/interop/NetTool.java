package jwg.cli.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small network programs run inside a lab namespace ({@code ip netns exec NS java -cp ...
 * NetTool ...}): a TCP receiver and sender that hash every byte they actually move, and a
 * sender of hostile UDP datagrams that listens for anything coming back.
 *
 * <pre>
 *   tcp-recv ADDR PORT                     accept one connection, read to EOF: "bytes=N sha256=HEX"
 *   tcp-send ADDR PORT BYTES SEED          connect (retrying), send BYTES pseudo-random bytes: "bytes=N sha256=HEX"
 *   udp-hostile ADDR PORT COUNT SEED MS    send COUNT junk datagrams from one socket, then listen MS ms: "sent=N received=M"
 * </pre>
 */
public final class NetTool {
    private NetTool() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "tcp-recv" -> tcpReceive(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
            case "tcp-send" ->
                tcpSend(
                        InetAddress.getByName(args[1]),
                        Integer.parseInt(args[2]),
                        Long.parseLong(args[3]),
                        Long.parseLong(args[4]));
            case "udp-hostile" ->
                udpHostile(
                        InetAddress.getByName(args[1]),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]),
                        Long.parseLong(args[4]),
                        Long.parseLong(args[5]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** The command line that runs this tool with the test JVM's java and classpath. */
    static String[] command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmx128m");
        cmd.add("-cp");
        try {
            cmd.add(Path.of(NetTool.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        cmd.add(NetTool.class.getName());
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    private static void tcpReceive(InetAddress addr, int port) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(addr, port));
            System.out.println("listening");
            System.out.flush();
            server.setSoTimeout(60_000);
            try (Socket s = server.accept();
                    InputStream in = s.getInputStream()) {
                s.setSoTimeout(60_000);
                byte[] buf = new byte[256 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sha.update(buf, 0, n);
                    total += n;
                }
            }
        }
        System.out.println("bytes=" + total + " sha256=" + HexFormat.of().formatHex(sha.digest()));
    }

    private static void tcpSend(InetAddress addr, int port, long bytes, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom rnd = new SplittableRandom(seed);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Socket s = null;
        while (s == null) {
            try {
                s = new Socket();
                s.connect(new InetSocketAddress(addr, port), 5_000);
            } catch (ConnectException | SocketTimeoutException e) {
                s.close();
                s = null;
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(100);
            }
        }
        long sent = 0;
        try (Socket sock = s;
                OutputStream out = sock.getOutputStream()) {
            sock.setSoTimeout(60_000);
            byte[] buf = new byte[64 * 1024];
            while (sent < bytes) {
                int n = (int) Math.min(buf.length, bytes - sent);
                for (int i = 0; i < n; i += 8) {
                    long r = rnd.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++, r >>>= 8) buf[i + j] = (byte) r;
                }
                out.write(buf, 0, n);
                sha.update(buf, 0, n);
                sent += n;
            }
            sock.shutdownOutput();
            // wait for the receiver to close, so the process ends after everything was delivered
            sock.getInputStream().read();
        }
        System.out.println("bytes=" + sent + " sha256=" + HexFormat.of().formatHex(sha.digest()));
    }

    /**
     * Junk aimed at a WireGuard port: random lengths and bytes, and datagrams that look like each
     * message type (type byte 1..4, three zero bytes, the right or a wrong length) with random
     * contents — no valid MAC1, so a correct implementation answers none of them.
     */
    private static void udpHostile(InetAddress addr, int port, int count, long seed, long listenMs) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] sizes = {148, 92, 64, 32, 48, 1452, 149, 91, 63, 31};
        int sent = 0;
        int received = 0;
        StringBuilder got = new StringBuilder();
        try (DatagramChannel ch = DatagramChannel.open(
                        addr.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                Selector sel = Selector.open()) {
            ch.bind(null);
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            InetSocketAddress target = new InetSocketAddress(addr, port);
            ByteBuffer in = ByteBuffer.allocate(65536);
            for (int i = 0; i < count; i++) {
                byte[] d;
                if (i % 500 == 499)
                    d = new byte
                            [rnd.nextBoolean()
                                    ? 65_000
                                    : rnd.nextInt(1_500, 9_000)]; // bigger than any buffer for one packet
                else
                    switch (i % 4) {
                        case 0 -> d = new byte[rnd.nextInt(0, 1500)];
                        case 1 -> d = new byte[sizes[rnd.nextInt(sizes.length)]];
                        case 2 -> d = new byte[rnd.nextInt(1, 40)];
                        default -> d = new byte[rnd.nextInt(32, 200)];
                    }
                for (int k = 0; k < d.length; k++) d[k] = (byte) rnd.nextInt(256);
                if (i % 4 == 1 || i % 4 == 3) {
                    if (d.length >= 4) {
                        d[0] = (byte) (1 + (i / 4) % 4);
                        d[1] = d[2] = d[3] = 0;
                    }
                }
                ch.send(ByteBuffer.wrap(d), target);
                sent++;
                if ((i & 63) == 0) {
                    // pace a little so the sender's socket buffer never drops our own junk
                    received += drain(ch, in, got);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            long end = System.nanoTime() + listenMs * 1_000_000;
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                sel.select(Math.max(1, left / 1_000_000));
                sel.selectedKeys().clear();
                received += drain(ch, in, got);
            }
        }
        System.out.println("sent=" + sent + " received=" + received + got);
    }

    private static int drain(DatagramChannel ch, ByteBuffer in, StringBuilder got) throws IOException {
        int n = 0;
        for (java.net.SocketAddress from; (from = (in.clear() == null ? null : ch.receive(in))) != null; ) {
            n++;
            if (got.length() < 2000)
                got.append("\n  from ")
                        .append(from)
                        .append(" ")
                        .append(in.position())
                        .append(" bytes");
        }
        return n;
    }
}
