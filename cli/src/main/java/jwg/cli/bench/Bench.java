package jwg.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jwg bench}: WireGuard implementations side by side through real tunnels. For each pair
 * SENDER:RECEIVER, every round brings both ends up fresh with wg-quick in a {@link Lab}, measures
 * the first seconds of iperf3 TCP on the new daemons, warms up unmeasured, then measures ping RTT
 * and steady iperf3 throughput with the CPU both daemons used. Rounds alternate the order of the
 * pairs (even rounds reversed). Prints each round, then a {@link Table} of medians and ratios;
 * {@code --json FILE} and {@code --svg FILE} write {@link BenchJson} and {@link BenchSvg}.
 */
public final class Bench {
    private Bench() {}

    public static final String USAGE = """
            usage: jwg bench [-t SECONDS] [-r ROUNDS] [-p PINGS] [-w WARMUP] [-f FIRST] [--json FILE] [--svg FILE] [PAIR...]
              PAIR is SENDER:RECEIVER (default: wireguard-go:wireguard-go jwg:jwg jwg:wireguard-go), each one of
                jwg             this jwg (offloads on, crypto inline); jwg-wN: N crypto workers; jwg-nooff: offloads off
                wireguard-go    the wireguard-go on PATH (Debian's)
                modern          /usr/local/bin/wireguard-go-modern
                /path/to/bin    any wireguard-go binary;  LABEL=IMPL names it LABEL in the results
              -t SECONDS   steady iperf3 TCP per pair and round (default 10)
              -r ROUNDS    rounds; even rounds run the pairs in reverse order (default 1)
              -p PINGS     pings for the RTT (default 50)
              -w WARMUP    unmeasured seconds of traffic before measuring (default 5)
              -f FIRST     seconds measured first on the fresh daemons (default 5; 0: skip)
              --json FILE  every measurement and the statistics as JSON
              --svg FILE   a chart: median throughput and RTT per pair with min-max whiskers
            Needs root (two network namespaces joined by a veth pair), iproute2, wireguard-tools
            (wg, wg-quick), iperf3 and ping. Ratios are of medians against the first pair.
            """;

    /** What the command line asked for. */
    record Request(Settings settings, List<String> pairs, Path json, Path svg) {}

    /** A command line that does not parse; the message names the argument. */
    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message);
        }
    }

    static Request parse(String[] args) throws UsageError {
        Settings d = Settings.DEFAULTS;
        int t = d.seconds(), p = d.pings(), w = d.warmupSeconds(), f = d.freshSeconds(), r = d.rounds();
        Path json = null, svg = null;
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-t" -> t = number(a, value(args, ++i, a), 1);
                case "-p" -> p = number(a, value(args, ++i, a), 1);
                case "-w" -> w = number(a, value(args, ++i, a), 0);
                case "-f" -> f = number(a, value(args, ++i, a), 0);
                case "-r" -> r = number(a, value(args, ++i, a), 1);
                case "--json", "-j" -> json = Path.of(value(args, ++i, a));
                case "--svg" -> svg = Path.of(value(args, ++i, a));
                default -> {
                    if (a.startsWith("-")) throw new UsageError("unknown option " + a);
                    int colon = a.indexOf(':');
                    if (colon <= 0 || colon == a.length() - 1 || a.indexOf(':', colon + 1) >= 0)
                        throw new UsageError("a pair is SENDER:RECEIVER, got '" + a + "'");
                    pairs.add(a);
                }
            }
        }
        if (pairs.isEmpty()) pairs = List.of("wireguard-go:wireguard-go", "jwg:jwg", "jwg:wireguard-go");
        return new Request(new Settings(t, p, w, f, r), List.copyOf(pairs), json, svg);
    }

    private static String value(String[] args, int i, String option) throws UsageError {
        if (i >= args.length) throw new UsageError(option + " needs a value");
        return args[i];
    }

    private static int number(String option, String v, int min) throws UsageError {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= 3600) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageError(option + " must be a whole number from " + min + " to 3600, got '" + v + "'");
    }

    /**
     * Runs the command; {@code self} is the command line that starts this jar's {@code jwg}
     * (wg-quick gets a small script that runs it).
     */
    public static int run(String[] args, PrintStream out, PrintStream err, List<String> self, String version) {
        Request req;
        try {
            req = parse(args);
        } catch (UsageError e) {
            err.println("jwg bench: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (!isRoot()) {
            err.println(
                    "jwg bench: needs root: it creates two network namespaces joined by a veth pair (try: sudo jwg bench ...)");
            return 1;
        }
        for (String tool : List.of("ip", "wg", "wg-quick", "iperf3", "ping")) {
            if (!onPath(tool)) {
                err.println("jwg bench: needs " + tool
                        + " on PATH (packages: iproute2, wireguard-tools, iperf3, iputils-ping)");
                return 1;
            }
        }
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("jwg-bench-self-");
            Implementation.Self launcher = new Implementation.Self(launcher(scratch, self), shown(self, version));
            List<Pair> pairs = new ArrayList<>();
            List<String> path = List.of(
                    System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"));
            for (String spec : req.pairs()) {
                int c = spec.indexOf(':');
                try {
                    pairs.add(new Pair(
                            spec,
                            Implementation.parse(spec.substring(0, c), launcher, path),
                            Implementation.parse(spec.substring(c + 1), launcher, path)));
                } catch (Implementation.Unknown e) {
                    err.println("jwg bench: " + e.getMessage());
                    if (e.usage) err.print(USAGE);
                    return e.usage ? 2 : 1;
                }
            }
            Results results = measure(req.settings(), pairs, out, version);
            out.println();
            out.print(Table.of(results));
            if (req.json() != null) {
                Files.writeString(req.json(), BenchJson.of(results) + "\n", StandardCharsets.UTF_8);
                out.println("json: " + req.json());
            }
            if (req.svg() != null) {
                Files.writeString(req.svg(), BenchSvg.of(results), StandardCharsets.UTF_8);
                out.println("chart: " + req.svg());
            }
            return 0;
        } catch (IOException e) {
            err.println("jwg bench: " + e.getMessage());
            return 1;
        } finally {
            if (scratch != null) {
                try (var s = Files.list(scratch)) {
                    for (Path p : s.toList()) Files.deleteIfExists(p);
                    Files.deleteIfExists(scratch);
                } catch (IOException e) {
                    // temporary
                }
            }
        }
    }

    private static Results measure(Settings s, List<Pair> pairs, PrintStream out, String version) throws IOException {
        Machine machine = Machine.here();
        List<Measurement> ms = new ArrayList<>();
        try (Lab lab = Lab.create()) {
            Thread hook = new Thread(lab::close, "bench-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                for (int round = 1; round <= s.rounds(); round++) {
                    List<Pair> order = new ArrayList<>(pairs);
                    if (round % 2 == 0) java.util.Collections.reverse(order);
                    for (Pair p : order) {
                        Measurement m = once(lab, p, round, s);
                        ms.add(m);
                        out.println(Table.row(m, s.freshSeconds()));
                        out.flush();
                    }
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down: the hook runs anyway
                }
            }
        }
        return new Results(version, machine, s, pairs, ms);
    }

    private static Measurement once(Lab lab, Pair p, int round, Settings s) throws IOException {
        lab.up(p);
        try {
            if (!lab.connected()) throw new IOException(p.name() + ": no connectivity through the tunnel");
            double first = s.freshSeconds() > 0 ? lab.iperfGbps(s.freshSeconds()) : 0;
            if (s.warmupSeconds() > 0) {
                lab.iperfGbps(s.warmupSeconds());
                lab.rttMillis(200, "0.01");
                Lab.sleep(300);
            }
            double rtt = lab.rttMillis(s.pings(), "0.05");
            List<Long> pids = lab.pids();
            double c0 = lab.cpuSeconds(pids);
            long w0 = System.nanoTime();
            double gbps = lab.iperfGbps(s.seconds());
            double cpu = (lab.cpuSeconds(pids) - c0) / ((System.nanoTime() - w0) / 1e9);
            return new Measurement(p.name(), round, gbps, first, rtt, cpu);
        } finally {
            lab.down();
            Lab.sleep(1000);
        }
    }

    /** A script wg-quick can run as WG_QUICK_USERSPACE_IMPLEMENTATION: this jar's jwg with this JVM's flags. */
    static Path launcher(Path dir, List<String> self) throws IOException {
        StringBuilder sh = new StringBuilder("#!/bin/sh\nexec");
        for (String a : self) sh.append(" '").append(a.replace("'", "'\\''")).append('\'');
        sh.append(" \"$@\"\n");
        Path f = dir.resolve("jwg");
        Files.writeString(f, sh.toString());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    /** What the results call this jwg: its version and jar (or class path). */
    static String shown(List<String> self, String version) {
        int cp = Math.max(self.indexOf("-cp"), self.indexOf("-jar"));
        return "jwg " + version + (cp >= 0 && cp + 1 < self.size() ? " (" + self.get(cp + 1) + ")" : "");
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
