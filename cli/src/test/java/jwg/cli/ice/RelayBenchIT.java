package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jwg.testkit.Daemon;
import jwg.testkit.LabOptions;
import jwg.testkit.Launcher;
import jwg.testkit.NatLab;
import jwg.testkit.NatLab.Host;
import jwg.testkit.NatLab.Topology;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;

/**
 * The relayed path against the direct one in the NAT lab, rounds alternating (issue 13, item 1):
 * <ul>
 *   <li>{@code p2p}: two cone NATs, the direct reflexive path;</li>
 *   <li>{@code channel}: two symmetric NATs, relayed as TURN ChannelData by the device itself;</li>
 *   <li>{@code proxy}: the same, with {@code JWG_RELAY=proxy} (ice4j's relayed socket and the
 *       loopback {@code RelayProxy}, as before);</li>
 *   <li>{@code jwgrelay}: as {@code channel}, with {@code jwg relay} as the lab's TURN server instead
 *       of coturn ({@code LabOptions.jwgRelay}); its counters at the end of the run are printed.</li>
 * </ul>
 * Each measurement: a fresh lab, two {@code jwg up} daemons (not lazy), the path `jwg status`
 * reports checked, iperf3 TCP for {@code -Djwg.bench.seconds} (default 5) after a 2 s warm-up, and
 * the ping RTT (20 pings). Prints every round and the medians, and for each measured run the CPU
 * per process and busy thread in each namespace (coturn's, the routers', the hosts') and the UDP
 * receive-buffer drops there ({@link NamespaceLoad}: also each process's wait for a CPU), what TCP
 * saw ({@link TcpTrace}: the hosts' TcpExt deltas, iperf3's intervals, the sender's {@code ss -ti}
 * twice a second), and coturn's sockets that dropped; asserts
 * only that each mode ends on its path and carries traffic (figures on a loaded machine are
 * recorded in docs/benchmarks.md). {@code -Djwg.bench.modes=channel,p2p} measures only those
 * (default {@code p2p,channel,jwgrelay}; {@code proxy} on request). {@code -Djwg.bench.cgroup=DIR}
 * (a v1 cpu cgroup) measures each mode twice a round, once with the test's JVM (and so the lab's
 * daemons, relay and iperf3, started from it) in the root cgroup and once in {@code DIR}
 * ({@link CpuCgroup}): on a machine where another cgroup has more {@code cpu.shares}, the root's
 * processes starve whenever it runs. {@code -Djwg.bench.tolerate=true} carries on after a round
 * that failed (and fails at the end).
 *
 * <pre>
 *   mvn -o verify -pl cli -Dit.test=RelayBenchIT -Djwg.bench.rounds=3 -Djwg.bench.seconds=5
 * </pre>
 */
class RelayBenchIT {
    private static final Pattern PATH = Pattern.compile("\"path\":\"([A-Z_0-9]+)\"");
    private static final Pattern BPS =
            Pattern.compile("\"sum_received\":\\s*\\{[^}]*?\"bits_per_second\":\\s*([0-9.e+]+)");
    private static final Pattern RTT = Pattern.compile("= [0-9.]+/([0-9.]+)/");

    record Figure(double mbps, double rttMs) {}

    @Test
    void relayedThroughputAgainstTheDirectPath() throws Exception {
        Requires.root();
        Requires.tool("turnserver");
        Requires.tool("nft");
        Requires.tool("iperf3");
        Requires.tool("ping");
        int rounds = Integer.getInteger("jwg.bench.rounds", 3);
        int seconds = Integer.getInteger("jwg.bench.seconds", 5);
        String launcher = Launcher.jwg().toString();
        List<String> order = new ArrayList<>(List.of(
                System.getProperty("jwg.bench.modes", "p2p,channel,jwgrelay").split(",")));
        String favoured = System.getProperty("jwg.bench.cgroup"); // e.g. /sys/fs/cgroup/cpu/mine
        if (favoured != null) order = CpuCgroup.both(order, favoured);
        boolean tolerate = Boolean.getBoolean("jwg.bench.tolerate");
        Map<String, List<Figure>> figures = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            List<String> modes = new ArrayList<>(order);
            if (r % 2 == 1) java.util.Collections.reverse(modes); // drift hits every mode alike
            for (String mode : modes) {
                Figure f;
                try (CpuCgroup in = CpuCgroup.enter(mode)) {
                    System.out.printf("[relay-bench] round %d %s in %s, load %s%n", r + 1, mode, in, CpuCgroup.load());
                    f = measure(CpuCgroup.mode(mode), launcher, seconds);
                } catch (Exception | AssertionError e) {
                    if (!tolerate) throw e;
                    failures.add("round " + (r + 1) + " " + mode + ": " + e.getMessage());
                    System.out.printf("[relay-bench] round %d %-7s FAILED: %s%n", r + 1, mode, e.getMessage());
                    continue;
                }
                figures.computeIfAbsent(mode, k -> new ArrayList<>()).add(f);
                System.out.printf(
                        "[relay-bench] round %d %-7s %8.1f Mbit/s  rtt %6.3f ms%n", r + 1, mode, f.mbps(), f.rttMs());
            }
        }
        double p2p = figures.containsKey("p2p") ? median(figures.get("p2p"), true) : Double.NaN;
        for (String mode : order) {
            List<Figure> fs = figures.get(mode);
            if (fs == null) continue;
            double m = median(fs, true);
            double min = fs.stream().mapToDouble(Figure::mbps).min().orElse(0);
            System.out.printf(
                    "[relay-bench] median %-7s %8.1f Mbit/s (min/median %.2f)  rtt %6.3f ms  x%.2f of p2p%n",
                    mode, m, min / m, median(fs, false), m / p2p);
        }
        assertTrue(failures.isEmpty(), "rounds that failed: " + failures);
    }

    private static double median(List<Figure> fs, boolean throughput) {
        double[] v = fs.stream()
                .mapToDouble(f -> throughput ? f.mbps() : f.rttMs())
                .sorted()
                .toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Figure measure(String mode, String launcher, int seconds) throws Exception {
        Topology t = mode.equals("p2p") ? Topology.CONE_CONE : Topology.SYMMETRIC_SYMMETRIC;
        try (NatLab lab = NatLab.start(t, LabOptions.DEFAULT.withJwgRelay(mode.equals("jwgrelay")))) {
            String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 36);
            IceNode a = new IceNode(lab, Host.A, "jra" + id, "192.0.2.1");
            IceNode b = new IceNode(lab, Host.B, "jrb" + id, "192.0.2.2");
            a.peer = b;
            b.peer = a;
            Daemon signal = lab.start(
                    lab.publicNetns(),
                    "signal.log",
                    launcher,
                    "signal",
                    "--listen",
                    NatLab.STUN_IP + ":" + NatLab.SIGNALING_PORT);
            try {
                long deadline = System.nanoTime() + 90_000_000_000L; // a JVM start on a loaded machine
                while (!signal.output().contains("listening")) {
                    if (System.nanoTime() > deadline) fail("signal server not listening: " + signal.output());
                    Thread.sleep(50);
                }
                String relay = "JWG_RELAY=" + (mode.equals("proxy") ? "proxy" : "device");
                for (IceNode n : List.of(a, b)) {
                    Netns.Result up = lab.tryExec(
                            n.host,
                            "env",
                            relay,
                            launcher,
                            "up",
                            n.conf(false, Duration.ofMinutes(5)).toString());
                    assertEquals(0, up.exitCode(), up.output());
                }
                Netns.Result ping = a.exec("ping", "-c", "1", "-W", "60", b.tunnelIp);
                assertEquals(0, ping.exitCode(), mode + ": no connectivity: " + ping.output());
                String json = a.statusJson(launcher);
                Matcher m = PATH.matcher(json);
                assertTrue(m.find(), json);
                assertEquals(mode.equals("p2p") ? "P2P_REFLEXIVE" : "RELAYED", m.group(1), mode + ": " + json);
                Daemon server = lab.start(lab.hostNetns(Host.B), "iperf-" + mode + ".log", "iperf3", "-s", "-1");
                Thread.sleep(300);
                Netns.Result warm = a.exec("iperf3", "-c", b.tunnelIp, "-t", "2");
                server.await(Duration.ofSeconds(30));
                assertEquals(0, warm.exitCode(), warm.output());
                Netns.Result rtt = a.exec("ping", "-q", "-c", "20", "-i", "0.05", b.tunnelIp);
                Matcher rm = RTT.matcher(rtt.output());
                assertTrue(rm.find(), rtt.output());
                Daemon server2 = lab.start(lab.hostNetns(Host.B), "iperf2-" + mode + ".log", "iperf3", "-s", "-1");
                Thread.sleep(300);
                Map<String, Netns> spaces = new java.util.LinkedHashMap<>();
                spaces.put(mode.equals("jwgrelay") ? "public(jwg relay)" : "public(coturn)", lab.publicNetns());
                for (Host h : List.of(Host.A, Host.B)) {
                    spaces.put("router" + h, lab.routerNetns(h));
                    spaces.put("host" + h, lab.hostNetns(h));
                }
                NamespaceLoad before = NamespaceLoad.of(spaces);
                TcpTrace tcpA = TcpTrace.of(lab.hostNetns(Host.A)), tcpB = TcpTrace.of(lab.hostNetns(Host.B));
                Daemon sockets = lab.start( // the sender's socket twice a second: cwnd, rtt, retrans, unacked
                        lab.hostNetns(Host.A),
                        "ss-" + mode + ".log",
                        "sh",
                        "-c",
                        "for i in $(seq " + (2 * seconds + 2) + "); do ss -tinH dst " + b.tunnelIp
                                + " | tr -s ' \\t' ' ' | grep -o 'cwnd:[0-9]*\\|rtt:[0-9./]*\\|unacked:[0-9]*"
                                + "\\|retrans:[0-9/]*\\|lost:[0-9]*\\|reordering:[0-9]*\\|rcv_space:[0-9]*' | tr '\\n' ' ';"
                                + " echo; sleep 0.5; done");
                Netns.Result run = a.exec("iperf3", "-c", b.tunnelIp, "-t", Integer.toString(seconds), "-J");
                NamespaceLoad after = NamespaceLoad.of(spaces);
                String tag = "[relay-bench] " + mode + " ";
                System.out.println(
                        tag + "tcp A " + TcpTrace.of(lab.hostNetns(Host.A)).since(tcpA));
                System.out.println(
                        tag + "tcp B " + TcpTrace.of(lab.hostNetns(Host.B)).since(tcpB));
                System.out.println(tag + "iperf " + TcpTrace.intervals(run.output()));
                sockets.close();
                sockets.output()
                        .lines()
                        .filter(l -> !l.isBlank())
                        .limit(2L * seconds + 2)
                        .forEach(l -> System.out.println(tag + "ss " + l.strip()));
                String dropped =
                        lab.publicNetns().tryExec("ss", "-Huanm").output().replaceAll("\\n\\s+skmem", " skmem");
                dropped.lines()
                        .filter(l -> !l.matches(".*,d0\\).*"))
                        .forEach(l -> System.out.println("[relay-bench] " + mode + " relay socket " + l.strip()));
                server2.await(Duration.ofSeconds(60));
                assertEquals(0, run.exitCode(), run.output());
                Matcher bm = BPS.matcher(run.output());
                assertTrue(bm.find(), run.output());
                double bits = Double.parseDouble(bm.group(1)) * seconds;
                System.out.print(after.since(before, (long) (bits / 8 / NamespaceLoad.FULL_DATAGRAM))
                        .replaceAll("(?m)^", "[relay-bench] " + mode + " "));
                return new Figure(Double.parseDouble(bm.group(1)) / 1e6, Double.parseDouble(rm.group(1)));
            } finally {
                try {
                    a.down();
                    b.down();
                } finally {
                    signal.close();
                    if (lab.jwgRelay() != null) {
                        String out = lab.jwgRelay().stop().strip();
                        System.out.println("[relay-bench] " + mode + " " + out.substring(out.lastIndexOf('\n') + 1));
                    }
                }
            }
        }
    }
}
