package jwg.cli.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import jwg.testkit.ImpairRelay;
import jwg.testkit.ImpairRelay.Impairment;
import jwg.testkit.Requires;

/**
 * A two-node WireGuard lab: network namespaces A and B joined by a veth pair (underlay
 * 198.51.100.1 and .2), and in each a WireGuard interface brought up by the real
 * {@code wg-quick} with a chosen userspace implementation (wireguard-go, or jwg through
 * {@code bin/jwg} as {@code WG_QUICK_USERSPACE_IMPLEMENTATION}). Tunnel addresses 192.0.2.1/.2
 * and fd00:2::1/::2. Names are unique per lab (the UAPI socket directory is shared by every
 * namespace); {@link #close()} tears everything down — interfaces, processes, namespaces,
 * sockets — whether the test passed or not, and also runs from a shutdown hook.
 *
 * <p>{@link #upImpaired}: the same two nodes on either side of a third namespace R running an
 * {@link ImpairRelay} (A 198.51.100.1 ↔ R 198.51.100.254, R 203.0.113.254 ↔ B 203.0.113.2); each
 * peer's Endpoint is the relay, which forwards with loss, duplication and reordering.
 */
final class Lab implements AutoCloseable {
    static final Duration CMD_TIMEOUT = Duration.ofSeconds(30);
    static final int PORT = 51820;
    static final Path WG_RUN = Path.of("/var/run/wireguard");

    enum Impl {
        /** jwg with its defaults (TUN and UDP offloads on). */
        JWG,
        /** jwg with JWG_OFFLOAD=off: plain TUN reads and writes, one datagram per message. */
        JWG_NO_OFFLOAD,
        /** Debian's wireguard-go (0.0.20220316, no offloads). */
        WIREGUARD_GO,
        /** Today's wireguard-go (0.0.20250522, TUN TSO/GRO and UDP GSO/GRO), where it is installed. */
        MODERN_WIREGUARD_GO;

        static final Path MODERN = Path.of("/usr/local/bin/wireguard-go-modern");

        boolean isJwg() {
            return this == JWG || this == JWG_NO_OFFLOAD;
        }

        String command() {
            return switch (this) {
                case JWG, JWG_NO_OFFLOAD -> jwgLauncher().toString();
                case WIREGUARD_GO -> Requires.findTool("wireguard-go").toString();
                case MODERN_WIREGUARD_GO -> {
                    org.junit.jupiter.api.Assumptions.assumeTrue(
                            Files.isExecutable(MODERN),
                            "the modern wireguard-go is an optional peer: not installed at " + MODERN);
                    yield MODERN.toString();
                }
            };
        }

        String offload() {
            return this == JWG_NO_OFFLOAD ? "off" : "on";
        }

        @Override
        public String toString() {
            return switch (this) {
                case JWG -> "jwg";
                case JWG_NO_OFFLOAD -> "jwg-no-offload";
                case WIREGUARD_GO -> "wireguard-go";
                case MODERN_WIREGUARD_GO -> "wireguard-go-0.0.20250522";
            };
        }
    }

    /** One side of the lab: its namespace, interface, addresses, keys and implementation. */
    final class Node {
        final String letter;
        final String ns;
        final String ifname;
        final String veth;
        String underlay;
        final String tun4;
        final String tun6;
        final String privateKey;
        final String publicKey;
        Impl impl;
        int listenPort = PORT;
        Node peer;
        /** Where this node sends to its peer: the peer itself, or (impaired) the relay. */
        String peerEndpoint;

        Node(String letter, int index, Impl impl) {
            this.letter = letter;
            this.ns = "jwgit-" + id + letter;
            this.ifname = "jwi" + id + letter;
            this.veth = "jwv" + id + letter;
            this.underlay = "198.51.100." + index;
            this.tun4 = "192.0.2." + index;
            this.tun6 = "fd00:2::" + index;
            this.privateKey = run(CMD_TIMEOUT, "wg", "genkey").ok().trim();
            this.publicKey = runInput(privateKey + "\n", "wg", "pubkey").ok().trim();
            this.impl = impl;
        }

        Path conf() {
            return dir.resolve(ifname + ".conf");
        }

        Path socket() {
            return WG_RUN.resolve(ifname + ".sock");
        }

        Path daemonLog() {
            return Path.of(System.getProperty("java.io.tmpdir"), "jwg-" + jwg.sys.Fds.getuid(), ifname + ".log");
        }

        /** A command run inside this node's namespace. */
        Result exec(Duration timeout, String... cmd) {
            return Lab.this.inNs(ns, timeout, cmd);
        }

        Result exec(String... cmd) {
            return exec(CMD_TIMEOUT, cmd);
        }

        /** Starts a command inside this node's namespace without waiting. */
        Bg start(String... cmd) {
            return Lab.this.startInNs(ns, cmd);
        }

        void writeConf() {
            StringBuilder c = new StringBuilder();
            c.append("[Interface]\n")
                    .append("PrivateKey = ")
                    .append(privateKey)
                    .append('\n')
                    .append("Address = ")
                    .append(tun4)
                    .append("/24, ")
                    .append(tun6)
                    .append("/64\n")
                    .append("ListenPort = ")
                    .append(listenPort)
                    .append('\n')
                    .append("MTU = 1420\n\n")
                    .append("[Peer]\n")
                    .append("PublicKey = ")
                    .append(peer.publicKey)
                    .append('\n');
            if (psk != null) c.append("PresharedKey = ").append(psk).append('\n');
            c.append("Endpoint = ")
                    .append(peerEndpoint != null ? peerEndpoint : peer.underlay + ":" + peer.listenPort)
                    .append('\n')
                    .append("AllowedIPs = ")
                    .append(peer.tun4)
                    .append("/32, ")
                    .append(peer.tun6)
                    .append("/128\n");
            try {
                Files.writeString(conf(), c.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** {@code wg-quick up} with this node's implementation; fails the test if it fails. */
        void up() {
            writeConf();
            List<String> cmd = new ArrayList<>(List.of("env"));
            cmd.addAll(extraEnv);
            cmd.addAll(List.of(
                    "WG_QUICK_USERSPACE_IMPLEMENTATION=" + impl.command(),
                    "JWG_OFFLOAD=" + impl.offload(),
                    "WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1",
                    "wg-quick",
                    "up",
                    conf().toString()));
            Result r = exec(Duration.ofSeconds(60), cmd.toArray(String[]::new));
            if (r.exit != 0) fail("wg-quick up (" + impl + ") failed in " + ns + ":\n" + r + diagnostics());
            isUp = true;
        }

        boolean isUp;
        /** NAME=VALUE settings for the implementation's environment (e.g. GOMAXPROCS=1), passed through wg-quick. */
        final List<String> extraEnv = new ArrayList<>();

        /** {@code wg-quick down}; returns its result (the caller asserts). */
        Result down() {
            Result r = exec("wg-quick", "down", conf().toString());
            isUp = false;
            return r;
        }

        /** Process ids running in this node's namespace (the userspace implementation, mostly). */
        List<Long> pids() {
            Result r = run(CMD_TIMEOUT, "ip", "netns", "pids", ns);
            return r.out.lines()
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .map(Long::parseLong)
                    .toList();
        }

        /** The pid of this node's implementation process (the one whose command line names the interface). */
        long daemonPid() {
            for (long pid : pids()) {
                String cmdline = ProcessHandle.of(pid)
                        .flatMap(h -> h.info().commandLine())
                        .orElse("");
                if (cmdline.contains(ifname)) return pid;
            }
            fail("no process for " + ifname + " in " + ns + "; pids " + pids() + diagnostics());
            return -1;
        }

        boolean interfaceExists() {
            return exec("ip", "link", "show", "dev", ifname).exit == 0;
        }

        /** {@code wg show IFNAME dump}: the peer line's fields (one peer). */
        PeerDump dump() {
            Result r = exec("wg", "show", ifname, "dump").check("wg show dump");
            List<String> lines = r.out.lines().filter(s -> !s.isBlank()).toList();
            assertTrue(lines.size() == 2, "expected an interface line and one peer line:\n" + r.out);
            return PeerDump.parse(lines.get(0), lines.get(1));
        }

        /** Pings {@code target} from this node: {@code count} replies required within {@code deadline} seconds. */
        void ping(String target, int count, int deadlineSeconds) {
            Result r = exec(
                    Duration.ofSeconds(deadlineSeconds + 10),
                    "ping",
                    "-n",
                    "-c",
                    Integer.toString(count),
                    "-i",
                    "0.2",
                    "-w",
                    Integer.toString(deadlineSeconds),
                    target);
            if (r.exit != 0)
                fail("ping " + target + " from " + letter + " (" + impl + ") failed:\n" + r + diagnostics());
        }

        Lab lab() {
            return Lab.this;
        }

        @Override
        public String toString() {
            return letter + "(" + impl + ", " + ifname + ")";
        }
    }

    /** The interface line and the single peer line of {@code wg show dump}. */
    record PeerDump(
            String privateKey,
            String publicKeyOfInterface,
            int listenPort,
            String peerPublicKey,
            String presharedKey,
            String endpoint,
            String allowedIps,
            long latestHandshake,
            long rx,
            long tx,
            String keepalive) {
        static PeerDump parse(String ifLine, String peerLine) {
            String[] i = ifLine.split("\t");
            String[] p = peerLine.split("\t");
            return new PeerDump(
                    i[0],
                    i[1],
                    Integer.parseInt(i[2]),
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    Long.parseLong(p[4]),
                    Long.parseLong(p[5]),
                    Long.parseLong(p[6]),
                    p[7]);
        }
    }

    /** The result of a finished command. */
    record Result(List<String> cmd, int exit, String out, String err) {
        String ok() {
            return check(String.join(" ", cmd)).out;
        }

        Result check(String what) {
            if (exit != 0) fail(what + " failed:\n" + this);
            return this;
        }

        @Override
        public String toString() {
            return "$ " + String.join(" ", cmd) + "  [exit " + exit + "]\n" + out
                    + (err.isEmpty() ? "" : "stderr:\n" + err);
        }
    }

    /** A command running in the background; output goes to files in the lab directory. */
    final class Bg implements AutoCloseable {
        final List<String> cmd;
        final Process process;
        final Path out;
        final Path err;

        Bg(List<String> cmd, Process process, Path out, Path err) {
            this.cmd = cmd;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** Waits for the command to end (killing it after {@code timeout}) and returns its result. */
        Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill();
                    process.waitFor(5, TimeUnit.SECONDS);
                    return new Result(cmd, -1, read(out), read(err) + "\n(killed after " + timeout + ")");
                }
                return new Result(cmd, process.exitValue(), read(out), read(err));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException(e);
            }
        }

        String outputSoFar() {
            return read(out);
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        @Override
        public void close() {
            if (process.isAlive()) kill();
        }
    }

    private static final AtomicInteger SEQ = new AtomicInteger();
    static final int RELAY_PORT = 51821;

    /** The relay namespace and process of an impaired lab (null otherwise). */
    String relayNs;

    Bg relay;

    final String id;
    final Path dir;
    final Node a;
    final Node b;
    final String psk;
    private final List<Bg> background = new ArrayList<>();
    private final Thread hook;
    private boolean closed;

    private Lab(Impl implA, Impl implB, boolean withPsk) {
        this.id = uniqueId();
        try {
            this.dir = Files.createTempDirectory("jwg-interop-" + id + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.hook = new Thread(this::close, "lab-cleanup-" + id);
        Runtime.getRuntime().addShutdownHook(hook);
        this.psk = withPsk ? run(CMD_TIMEOUT, "wg", "genpsk").ok().trim() : null;
        this.a = new Node("a", 1, implA);
        this.b = new Node("b", 2, implB);
        a.peer = b;
        b.peer = a;
    }

    /** Checks the preconditions (root, tools), creates the namespaces and the veth; interfaces are not up yet. */
    static Lab create(Impl implA, Impl implB, boolean withPsk) {
        requirements();
        Lab lab = new Lab(implA, implB, withPsk);
        try {
            lab.underlay();
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** Like {@link #create} and brings both interfaces up with wg-quick. */
    static Lab up(Impl implA, Impl implB, boolean withPsk) {
        Lab lab = create(implA, implB, withPsk);
        try {
            lab.a.up();
            lab.b.up();
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /**
     * Like {@link #up}, with A and B talking through an {@link ImpairRelay} in a third namespace
     * (started before the interfaces, with {@code impairment} in both directions).
     */
    static Lab upImpaired(Impl implA, Impl implB, Impairment impairment) {
        requirements();
        Lab lab = new Lab(implA, implB, false);
        try {
            lab.relayUnderlay(impairment);
            lab.a.up();
            lab.b.up();
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void relayUnderlay(Impairment imp) {
        relayNs = "jwgit-" + id + "r";
        b.underlay = "203.0.113.2";
        run(CMD_TIMEOUT, "ip", "netns", "add", relayNs).check("ip netns add");
        run(CMD_TIMEOUT, "ip", "netns", "add", a.ns).check("ip netns add");
        run(CMD_TIMEOUT, "ip", "netns", "add", b.ns).check("ip netns add");
        inNs(relayNs, CMD_TIMEOUT, "ip", "link", "set", "lo", "up").check("lo up");
        String[] relaySide = {"198.51.100.254", "203.0.113.254"};
        int i = 0;
        for (Node n : List.of(a, b)) {
            String rv = "jwr" + id + n.letter;
            run(
                            CMD_TIMEOUT,
                            "ip",
                            "link",
                            "add",
                            n.veth,
                            "netns",
                            n.ns,
                            "type",
                            "veth",
                            "peer",
                            "name",
                            rv,
                            "netns",
                            relayNs)
                    .check("ip link add veth");
            n.exec("ip", "link", "set", "lo", "up").check("lo up");
            n.exec("ip", "addr", "add", n.underlay + "/24", "dev", n.veth).check("veth address");
            n.exec("ip", "link", "set", n.veth, "up").check("veth up");
            inNs(relayNs, CMD_TIMEOUT, "ip", "addr", "add", relaySide[i] + "/24", "dev", rv)
                    .check("relay veth address");
            inNs(relayNs, CMD_TIMEOUT, "ip", "link", "set", rv, "up").check("relay veth up");
            n.peerEndpoint = relaySide[i] + ":" + RELAY_PORT;
            i++;
        }
        relay = startInNs(
                relayNs,
                javaCommand(
                        ImpairRelay.class,
                        relaySide[0] + ":" + RELAY_PORT,
                        a.underlay + ":" + a.listenPort,
                        relaySide[1] + ":" + RELAY_PORT,
                        b.underlay + ":" + b.listenPort,
                        "--loss",
                        Double.toString(imp.loss()),
                        "--dup",
                        Double.toString(imp.duplicate()),
                        "--reorder",
                        Double.toString(imp.reorder()),
                        "--seed",
                        Long.toString(imp.seed())));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!relay.outputSoFar().contains("listening")) {
            if (!relay.process.isAlive() || System.nanoTime() > deadline) {
                fail("the impairment relay did not start:\n" + relay.await(Duration.ofSeconds(1)));
            }
            sleep(20);
        }
    }

    /** Stops the relay (SIGTERM) and returns its final counts line ("final a->b ... | b->a ..."). */
    String stopRelay() {
        relay.process.destroy();
        Result r = relay.await(Duration.ofSeconds(10));
        return r.out().lines().filter(l -> l.startsWith("final ")).findFirst().orElse("(no counts: " + r + ")");
    }

    /** {@code java -cp (where main lives) main args...} with the test JVM's java. */
    static String[] javaCommand(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString()),
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-cp"));
        try {
            cmd.add(Path.of(main.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    static void requirements() {
        Requires.root();
        for (String t : List.of("ip", "wg", "wg-quick", "wireguard-go", "ping", "ethtool")) Requires.tool(t);
        Path launcher = jwgLauncher();
        Path jar = launcher.getParent().getParent().resolve("cli/target/jwg.jar");
        Requires.that(
                Files.isRegularFile(jar),
                "needs " + jar + " (run the integration tests with `mvn verify`, after package)");
    }

    private void underlay() {
        run(CMD_TIMEOUT, "ip", "netns", "add", a.ns).check("ip netns add");
        run(CMD_TIMEOUT, "ip", "netns", "add", b.ns).check("ip netns add");
        run(
                        CMD_TIMEOUT,
                        "ip",
                        "link",
                        "add",
                        a.veth,
                        "netns",
                        a.ns,
                        "type",
                        "veth",
                        "peer",
                        "name",
                        b.veth,
                        "netns",
                        b.ns)
                .check("ip link add veth");
        for (Node n : List.of(a, b)) {
            n.exec("ip", "link", "set", "lo", "up").check("lo up");
            n.exec("ip", "addr", "add", n.underlay + "/24", "dev", n.veth).check("veth address");
            n.exec("ip", "link", "set", n.veth, "up").check("veth up");
        }
    }

    /** Six random lowercase letters/digits: names stay at most 15 characters ("jwi" + 6 + 1). */
    private static String uniqueId() {
        SecureRandom rnd = new SecureRandom();
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        while (true) {
            StringBuilder sb = new StringBuilder();
            sb.append(alphabet.charAt(rnd.nextInt(26)));
            for (int i = 0; i < 5; i++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            String id = sb.toString();
            if (!Files.exists(WG_RUN.resolve("jwi" + id + "a.sock"))
                    && !Files.exists(WG_RUN.resolve("jwi" + id + "b.sock"))
                    && !Files.exists(Path.of("/var/run/netns/jwgit-" + id + "a"))) {
                return id;
            }
        }
    }

    /** The repository's bin/jwg. */
    static Path jwgLauncher() {
        return jwg.testkit.Launcher.jwg();
    }

    Result inNs(String ns, Duration timeout, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(Arrays.asList(cmd));
        return run(timeout, full.toArray(String[]::new));
    }

    Bg startInNs(String ns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(Arrays.asList(cmd));
        Bg bg = startProcess(full, dir);
        synchronized (background) {
            background.add(bg);
        }
        return bg;
    }

    Result run(Duration timeout, String... cmd) {
        return startProcess(List.of(cmd), dir).await(timeout);
    }

    private Result runInput(String input, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(CMD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) p.destroyForcibly();
            return new Result(List.of(cmd), p.isAlive() ? -1 : p.exitValue(), out, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Bg startProcess(List<String> cmd, Path workDir) {
        int n = SEQ.incrementAndGet();
        Path out = workDir.resolve("cmd-" + n + ".out");
        Path err = workDir.resolve("cmd-" + n + ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().put("LC_ALL", "C");
            return new Bg(cmd, pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable " + p + ": " + e + ")";
        }
    }

    /** What a {@link #transfer} moved: bytes and hashes as each end saw them, and how long it took. */
    record Transfer(long sentBytes, String sentSha256, long receivedBytes, String receivedSha256, Duration elapsed) {
        double mbitPerSecond() {
            return receivedBytes * 8.0 / 1e6 / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Sends {@code bytes} pseudo-random bytes over TCP through the tunnel from {@code from} to
     * {@code to} (at {@code toAddress}, one of {@code to}'s tunnel addresses); each end hashes what
     * it actually wrote or read.
     */
    Transfer transfer(Node from, Node to, String toAddress, long bytes, Duration timeout) {
        int port = 5201 + SEQ.incrementAndGet() % 1000;
        Bg receiver = to.start(NetTool.command("tcp-recv", toAddress, Integer.toString(port)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!receiver.outputSoFar().contains("listening")) {
            if (!receiver.process.isAlive() || System.nanoTime() > deadline) {
                fail("TCP receiver did not start:\n" + receiver.await(Duration.ofSeconds(1)));
            }
            sleep(20);
        }
        long t0 = System.nanoTime();
        Result sent = from.exec(
                timeout,
                NetTool.command(
                        "tcp-send",
                        toAddress,
                        Integer.toString(port),
                        Long.toString(bytes),
                        Long.toString(System.nanoTime())));
        Result got = receiver.await(Duration.ofSeconds(10));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        if (sent.exit != 0 || got.exit != 0) {
            fail("TCP transfer " + from + " -> " + to + " failed:\n" + sent + "\n" + got + diagnostics());
        }
        String[] s = parseTransferLine(sent.out);
        String[] r = parseTransferLine(got.out);
        return new Transfer(Long.parseLong(s[0]), s[1], Long.parseLong(r[0]), r[1], elapsed);
    }

    private static String[] parseTransferLine(String out) {
        String line = out.lines()
                .filter(l -> l.startsWith("bytes="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no result line in: " + out));
        String[] f = line.split(" ");
        return new String[] {f[0].substring("bytes=".length()), f[1].substring("sha256=".length())};
    }

    /** One UAPI exchange on a fresh connection to {@code socket}: the whole reply up to and including "errno=N\n\n". */
    static String uapi(Path socket, String request) throws IOException {
        try (java.nio.channels.SocketChannel ch =
                java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            ch.write(java.nio.ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            return readUapiReply(ch);
        }
    }

    /** Reads one reply (ending with an errno line and an empty line), or what came before the peer closed. */
    static String readUapiReply(java.nio.channels.SocketChannel ch) throws IOException {
        StringBuilder sb = new StringBuilder();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
        while (true) {
            int lastErrno = sb.lastIndexOf("errno=");
            if (lastErrno >= 0
                    && sb.indexOf("\n\n", lastErrno) >= 0
                    && (lastErrno == 0 || sb.charAt(lastErrno - 1) == '\n')) {
                return sb.toString();
            }
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) return sb.toString();
            sb.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
        }
    }

    /** Daemon logs and interface state, to append to a failure message. */
    String diagnostics() {
        StringBuilder sb = new StringBuilder("\n--- lab " + id + " diagnostics ---\n");
        for (Node n : List.of(a, b)) {
            sb.append("[").append(n).append("] ns ").append(n.ns).append('\n');
            Result show = inNs(n.ns, Duration.ofSeconds(5), "wg", "show", n.ifname);
            sb.append(show.out).append(show.err);
            if (n.impl.isJwg()) {
                String log = read(n.daemonLog());
                List<String> lines = log.lines().toList();
                sb.append("daemon log ").append(n.daemonLog()).append(" (last 40 lines):\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size())
                        .forEach(l -> sb.append("  ").append(l).append('\n'));
            }
        }
        return sb.toString();
    }

    /** Tears everything down; safe to call more than once and after partial setup. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down: we are the hook
        }
        synchronized (background) {
            background.forEach(Bg::close);
        }
        for (Node n : Stream.of(a, b).filter(x -> x != null).toList()) {
            if (Files.exists(Path.of("/var/run/netns", n.ns))) {
                inNs(n.ns, Duration.ofSeconds(15), "wg-quick", "down", n.conf().toString());
                inNs(n.ns, Duration.ofSeconds(5), "ip", "link", "delete", "dev", n.ifname);
            }
            try {
                Files.deleteIfExists(n.socket());
            } catch (IOException ignored) {
                // best effort
            }
        }
        for (Node n : Stream.of(a, b).filter(x -> x != null).toList()) {
            if (!Files.exists(Path.of("/var/run/netns", n.ns))) continue;
            for (long pid : n.pids()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!n.pids().isEmpty() && System.nanoTime() < deadline) sleep(100);
            for (long pid : n.pids()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            run(CMD_TIMEOUT, "ip", "netns", "del", n.ns);
        }
        if (relayNs != null && Files.exists(Path.of("/var/run/netns", relayNs)))
            run(CMD_TIMEOUT, "ip", "netns", "del", relayNs);
        // keep the daemon logs with the build output, drop them from /tmp
        Path keep = Path.of("target", "interop-logs");
        for (Node n : Stream.of(a, b).filter(x -> x != null).toList()) {
            try {
                if (Files.exists(n.daemonLog())) {
                    Files.createDirectories(keep);
                    Files.move(
                            n.daemonLog(),
                            keep.resolve(n.daemonLog().getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException ignored) {
                // best effort
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((x, y) -> y.getNameCount() - x.getNameCount())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
