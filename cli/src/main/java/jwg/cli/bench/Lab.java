package jwg.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jwg.noise.PrivateKey;

/**
 * The bench's two-node network: namespaces A and B (unique names per run) joined by a veth pair
 * (underlay 198.51.100.1/.2), and in each a WireGuard interface that the real {@code wg-quick}
 * brings up with the implementation under test (tunnel 192.0.2.1/.2, fd00:2::1/::2). Traffic
 * never leaves the namespaces. {@link #close()} takes everything down again: interfaces, the
 * processes left in the namespaces, the namespaces, the UAPI sockets and the scratch directory.
 */
final class Lab implements AutoCloseable {
    static final Path WG_RUN = Path.of("/var/run/wireguard");
    private static final Pattern RECEIVED =
            Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+-]+)");
    private static final Pattern RTT = Pattern.compile("= [0-9.]+/([0-9.]+)/[0-9.]+/[0-9.]+ ms");

    private final String nsA, nsB, ifA, ifB;
    private final Path dir;
    private final long clockTicks;
    private boolean up;

    private Lab(String id, Path dir, long clockTicks) {
        this.nsA = "jbA" + id;
        this.nsB = "jbB" + id;
        this.ifA = "jbwA" + id;
        this.ifB = "jbwB" + id;
        this.dir = dir;
        this.clockTicks = clockTicks;
    }

    /** Creates the namespaces, the veth pair and both wg-quick configurations. */
    static Lab create() throws IOException {
        String id = HexFormat.of().toHexDigits((short) new SecureRandom().nextInt());
        Path dir = Files.createTempDirectory("jwg-bench-");
        long hz = 100;
        try {
            hz = Long.parseLong(
                    run(List.of("getconf", "CLK_TCK"), Map.of(), 10).out().strip());
        } catch (IOException | NumberFormatException e) {
            // Linux's USER_HZ is 100 almost everywhere
        }
        Lab lab = new Lab(id, dir, hz);
        try {
            lab.setUp(id);
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void setUp(String id) throws IOException {
        must("ip", "netns", "add", nsA);
        must("ip", "netns", "add", nsB);
        must("ip", "link", "add", "veA" + id, "netns", nsA, "type", "veth", "peer", "name", "veB" + id, "netns", nsB);
        must("ip", "-n", nsA, "addr", "add", "198.51.100.1/24", "dev", "veA" + id);
        must("ip", "-n", nsB, "addr", "add", "198.51.100.2/24", "dev", "veB" + id);
        for (String ns : List.of(nsA, nsB)) must("ip", "-n", ns, "link", "set", "lo", "up");
        must("ip", "-n", nsA, "link", "set", "veA" + id, "up");
        must("ip", "-n", nsB, "link", "set", "veB" + id, "up");
        SecureRandom rnd = new SecureRandom();
        PrivateKey ka = PrivateKey.generate(rnd), kb = PrivateKey.generate(rnd);
        try {
            conf(ifA, ka, "192.0.2.1", "fd00:2::1", kb, "198.51.100.2", "192.0.2.2", "fd00:2::2");
            conf(ifB, kb, "192.0.2.2", "fd00:2::2", ka, "198.51.100.1", "192.0.2.1", "fd00:2::1");
        } finally {
            ka.wipe();
            kb.wipe();
        }
    }

    private void conf(
            String ifname, PrivateKey key, String a4, String a6, PrivateKey peer, String endpoint, String p4, String p6)
            throws IOException {
        Path f = dir.resolve(ifname + ".conf");
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                f, """
                [Interface]
                PrivateKey = %s
                Address = %s/24, %s/64
                ListenPort = 51820
                MTU = 1420

                [Peer]
                PublicKey = %s
                Endpoint = %s:51820
                AllowedIPs = %s/32, %s/128
                """.formatted(key.toBase64(), a4, a6, peer.publicKey().toBase64(), endpoint, p4, p6));
    }

    /** wg-quick up on both sides: {@code pair.sender()} in A, {@code pair.receiver()} in B. */
    void up(Pair pair) throws IOException {
        up = true;
        upOne(nsA, ifA, pair.sender());
        upOne(nsB, ifB, pair.receiver());
    }

    private void upOne(String ns, String ifname, Implementation impl) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                ns,
                "wg-quick",
                "up",
                dir.resolve(ifname + ".conf").toString()));
        Map<String, String> env = new java.util.HashMap<>(impl.env());
        env.put("WG_QUICK_USERSPACE_IMPLEMENTATION", impl.executable());
        env.put("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1");
        Result r = run(cmd, env, 60);
        if (r.status() != 0)
            throw new IOException("wg-quick up failed for " + impl.label() + " in " + ns + ":\n"
                    + r.out().strip());
    }

    /** wg-quick down on both sides, then whatever is still running in the namespaces is killed. */
    void down() {
        if (!up) return;
        up = false;
        for (String[] s : new String[][] {{nsA, ifA}, {nsB, ifB}}) {
            quietly(
                    "ip",
                    "netns",
                    "exec",
                    s[0],
                    "wg-quick",
                    "down",
                    dir.resolve(s[1] + ".conf").toString());
        }
        killAll();
        for (String i : List.of(ifA, ifB)) {
            try {
                Files.deleteIfExists(WG_RUN.resolve(i + ".sock"));
            } catch (IOException e) {
                // gone with its daemon
            }
        }
    }

    /** True if a single ping gets through the tunnel within 5 s. */
    boolean connected() throws IOException {
        return run(List.of("ip", "netns", "exec", nsA, "ping", "-c", "1", "-W", "5", "192.0.2.2"), Map.of(), 15)
                        .status()
                == 0;
    }

    /** The mean RTT of {@code count} pings, {@code interval} seconds apart, in milliseconds. */
    double rttMillis(int count, String interval) throws IOException {
        Result r = run(
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        nsA,
                        "ping",
                        "-q",
                        "-c",
                        String.valueOf(count),
                        "-i",
                        interval,
                        "192.0.2.2"),
                Map.of(),
                30 + count);
        Matcher m = RTT.matcher(r.out());
        if (!m.find())
            throw new IOException(
                    "ping through the tunnel gave no RTT:\n" + r.out().strip());
        return Double.parseDouble(m.group(1));
    }

    /** {@code seconds} of iperf3 TCP from A to B; the received rate in Gbit/s. */
    double iperfGbps(int seconds) throws IOException {
        Path pid = dir.resolve("iperf.pid");
        run(
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        nsB,
                        "iperf3",
                        "-s",
                        "-1",
                        "-D",
                        "-B",
                        "192.0.2.2",
                        "-I",
                        pid.toString()),
                Map.of(),
                10);
        sleep(300);
        Result r = run(
                List.of("ip", "netns", "exec", nsA, "iperf3", "-c", "192.0.2.2", "-t", String.valueOf(seconds), "-J"),
                Map.of(),
                seconds + 30);
        Matcher m = RECEIVED.matcher(r.out());
        if (r.status() != 0 || !m.find()) throw new IOException("iperf3 through the tunnel failed:\n" + tail(r.out()));
        return Double.parseDouble(m.group(1)) / 1e9;
    }

    /** The processes in both namespaces now (the two daemons while nothing else runs). */
    List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String ns : List.of(nsA, nsB)) {
            for (String l :
                    run(List.of("ip", "netns", "pids", ns), Map.of(), 10).out().split("\n")) {
                if (!l.isBlank()) pids.add(Long.parseLong(l.strip()));
            }
        }
        return pids;
    }

    /** User plus system CPU time of {@code pids} so far, in seconds. */
    double cpuSeconds(List<Long> pids) {
        long ticks = 0;
        for (long p : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(p), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            } catch (IOException | RuntimeException e) {
                // exited: its time is gone with it
            }
        }
        return (double) ticks / clockTicks;
    }

    private void killAll() {
        try {
            for (long p : pids()) ProcessHandle.of(p).ifPresent(ProcessHandle::destroy);
        } catch (IOException | RuntimeException e) {
            // the namespaces are deleted next anyway
        }
    }

    @Override
    public void close() {
        down();
        killAll();
        quietly("ip", "netns", "del", nsA);
        quietly("ip", "netns", "del", nsB);
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory: leave it
        }
    }

    record Result(int status, String out) {}

    private static void must(String... cmd) throws IOException {
        Result r = run(List.of(cmd), Map.of(), 30);
        if (r.status() != 0)
            throw new IOException(String.join(" ", cmd) + " exited " + r.status() + ": "
                    + r.out().strip());
    }

    private static void quietly(String... cmd) {
        try {
            run(List.of(cmd), Map.of(), 30);
        } catch (IOException e) {
            // best effort
        }
    }

    /** Runs a command (stdout and stderr together) with extra environment, at most {@code timeoutSeconds}. */
    static Result run(List<String> cmd, Map<String, String> env, int timeoutSeconds) throws IOException {
        Path out = Files.createTempFile("jwg-bench-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new IOException(String.join(" ", cmd) + " timed out after " + timeoutSeconds + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 2000 ? "..." + t.substring(t.length() - 2000) : t;
    }
}
