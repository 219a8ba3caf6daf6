package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
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
 * ICE through the NAT lab, with the real pieces: two `jwg up` daemons behind nftables routers,
 * coturn as STUN/TURN and `jwg signal` in the public namespace. Per topology the path type that
 * `jwg status --json` reports, a ping (the first one wakes a lazy peer: timed) and a 20 MB
 * sha256-checked TCP transfer through the tunnel; failover from P2P to the relay and back when
 * the direct path is blocked and unblocked; a lazy peer going back to Idle. A wake-up slower than
 * 3 s prints both daemons' logs; {@code -Djwg.icelab.logs=true} prints them for every wake-up (with
 * {@code JWG_LOG=jwg.ice.PeerConnection=fine,jwg.ice.Connectivity=fine} they time each step).
 */
class IceLabIT {
    private static final Pattern PATH = Pattern.compile("\"path\":\"([A-Z_0-9]+)\"");
    private static final Pattern STATE = Pattern.compile("\"state\":\"([A-Z]+)\"");

    record Lab(NatLab lab, IceNode a, IceNode b, String launcher, Daemon[] signal) implements AutoCloseable {
        /** Stops the signaling server and starts a new one on the same address. */
        void restartSignal() throws Exception {
            signal[0].close();
            Thread.sleep(500);
            signal[0] = startSignal(lab, launcher);
        }

        @Override
        public void close() throws Exception {
            try {
                a.down();
                b.down();
            } finally {
                lab.close();
            }
        }
    }

    static Lab start(Topology t, boolean lazy, Duration idle) throws Exception {
        return start(t, LabOptions.DEFAULT, lazy, idle, (a, b) -> {});
    }

    static Lab start(Topology t, LabOptions options, boolean lazy, Duration idle) throws Exception {
        return start(t, options, lazy, idle, (a, b) -> {});
    }

    /** As above; {@code keys} may set each node's extra '#!' lines before it comes up. */
    static Lab start(Topology t, boolean lazy, Duration idle, java.util.function.BiConsumer<IceNode, IceNode> keys)
            throws Exception {
        return start(t, LabOptions.DEFAULT, lazy, idle, keys);
    }

    static Lab start(
            Topology t,
            LabOptions options,
            boolean lazy,
            Duration idle,
            java.util.function.BiConsumer<IceNode, IceNode> keys)
            throws Exception {
        Requires.root();
        Requires.tool("turnserver");
        Requires.tool("nft");
        Requires.tool("python3");
        Requires.tool("ping");
        String launcher = Launcher.jwg().toString();
        NatLab lab = NatLab.start(t, options);
        try {
            String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 36);
            IceNode a = new IceNode(lab, Host.A, "jia" + id, "192.0.2.1");
            IceNode b = new IceNode(lab, Host.B, "jib" + id, "192.0.2.2");
            a.peer = b;
            b.peer = a;
            keys.accept(a, b);
            Lab l = new Lab(lab, a, b, launcher, new Daemon[] {startSignal(lab, launcher)});
            Netns.Result upA = a.up(launcher, lazy, idle);
            assertEquals(0, upA.exitCode(), upA.output());
            Netns.Result upB = b.up(launcher, lazy, idle);
            assertEquals(0, upB.exitCode(), upB.output());
            // Both daemons' start-up gathering done: a cold *peer* is measured, not a cold JVM.
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!(a.statusJson(launcher).contains("\"ready\":true")
                    && b.statusJson(launcher).contains("\"ready\":true"))) {
                if (System.nanoTime() > deadline) fail("ICE warm-up did not finish in 15 s");
                Thread.sleep(100);
            }
            return l;
        } catch (Throwable e) {
            lab.close();
            throw e;
        }
    }

    private static int signalStarts;

    static Daemon startSignal(NatLab lab, String launcher) throws Exception {
        Daemon signal = lab.start(
                lab.publicNetns(),
                "signal-" + (++signalStarts) + ".log",
                launcher,
                "signal",
                "--listen",
                NatLab.STUN_IP + ":" + NatLab.SIGNALING_PORT);
        awaitOutput(signal, s -> s.contains("listening"), 20_000);
        return signal;
    }

    @Test
    void sameLanIsAHostPath() throws Exception {
        pathAndTransfer(Topology.SAME_LAN, "P2P_HOST");
    }

    @Test
    void twoConeNatsAreADirectReflexivePath() throws Exception {
        pathAndTransfer(Topology.CONE_CONE, "P2P_REFLEXIVE");
    }

    @Test
    void twoSymmetricNatsAreRelayed() throws Exception {
        pathAndTransfer(Topology.SYMMETRIC_SYMMETRIC, "RELAYED");
    }

    @Test
    void blockedUdpBetweenTheNatsIsRelayed() throws Exception {
        pathAndTransfer(Topology.CONE_BLOCKED, "RELAYED");
    }

    /** Lazy peers: the first ping wakes the path (timed), then status, then 20 MB with sha256. */
    private void pathAndTransfer(Topology t, String expectedPath) throws Exception {
        pathAndTransfer(t, LabOptions.DEFAULT, expectedPath);
    }

    /** As above in the variant {@code options}; the path must be one of {@code expectedPaths}. */
    static void pathAndTransfer(Topology t, LabOptions options, String... expectedPaths) throws Exception {
        wake(t, options, "", true, expectedPaths);
    }

    /**
     * What one wake-up of a cold lazy peer came to: the path (with the state when not CONNECTED,
     * e.g. {@code CONNECTING/NONE}: the path was lost again) and the first ping's time.
     */
    record Wake(String path, long millis) {}

    /**
     * A fresh lab, lazy peers (daemons with JVM options {@code jvmOpts}), the first ping wakes the
     * path (timed); the path both sides report must be one of {@code expectedPaths} (none given:
     * whatever A reports is returned, not asserted); then, if {@code transfer}, 20 MB sha256-checked.
     */
    static Wake wake(Topology t, LabOptions options, String jvmOpts, boolean transfer, String... expectedPaths)
            throws Exception {
        List<String> expected = List.of(expectedPaths);
        try (Lab l = start(t, options, true, Duration.ofMinutes(5), (a, b) -> {
            a.jvmOpts = jvmOpts;
            b.jvmOpts = jvmOpts;
        })) {
            assertEquals("IDLE", state(l.a.statusJson(l.launcher)), "lazy: nothing happens before traffic");
            long t0 = System.nanoTime();
            Netns.Result ping = l.a.exec("ping", "-c", "1", "-W", "10", l.b.tunnelIp);
            long wakeMillis = (System.nanoTime() - t0) / 1_000_000;
            if (expected.isEmpty() && ping.exitCode() != 0) { // counted, not asserted
                String json = l.a.statusJson(l.launcher);
                String seen = "UNANSWERED(" + state(json) + "/" + path(json) + ")";
                System.out.println("[ice-lab] " + t + " " + options + " " + jvmOpts + ": first ping " + seen);
                return new Wake(seen, wakeMillis);
            }
            assertEquals(
                    0, ping.exitCode(), "the first ping (the waking packet) is answered: " + ping.output() + logs(l));
            System.out.println("[ice-lab] " + t + " " + options + ": first ping to a cold lazy peer answered in "
                    + wakeMillis + " ms (" + rtt(ping.output()) + " ms as ping saw it)");
            if (wakeMillis > 3000) System.out.println("[ice-lab] slow wake-up, the daemons' logs:" + logs(l));
            else if (Boolean.getBoolean("jwg.icelab.logs"))
                System.out.println("[ice-lab] the daemons' logs:" + logs(l));
            String json = l.a.statusJson(l.launcher);
            if (expected.isEmpty()) {
                String seen = "CONNECTED".equals(state(json)) ? path(json) : state(json) + "/" + path(json);
                System.out.println("[ice-lab] " + t + " " + options + " " + jvmOpts + ": " + seen + " after "
                        + wakeMillis + " ms");
                return new Wake(seen, wakeMillis);
            }
            assertEquals("CONNECTED", state(json), json);
            assertTrue(expected.contains(path(json)), "path one of " + expected + ": " + json);
            String jsonB = l.b.statusJson(l.launcher);
            assertEquals(path(json), path(jsonB), jsonB);
            System.out.println("[ice-lab] " + t + " " + options + (jvmOpts.isEmpty() ? "" : " " + jvmOpts) + ": path "
                    + path(json) + " after " + wakeMillis + " ms");
            if (transfer) transfer(l, 20 << 20);
            return new Wake(path(json), wakeMillis);
        }
    }

    @Test
    void failoverToTheRelayAndBack() throws Exception {
        try (Lab l = start(Topology.CONE_CONE, false, Duration.ofMinutes(5))) {
            awaitStatus(l, s -> "P2P_REFLEXIVE".equals(path(s)), 15_000);
            Netns.Result ping = l.a.exec("ping", "-c", "2", "-W", "5", l.b.tunnelIp);
            assertEquals(0, ping.exitCode(), ping.output());
            // Block the direct path while pings flow; traffic must continue via the relay within 5 s.
            Daemon pinger =
                    l.lab.start(l.lab.hostNetns(Host.A), "ping.log", "ping", "-i", "0.1", "-W", "1", l.b.tunnelIp);
            Thread.sleep(1000);
            l.lab.blockDirect();
            long blocked = System.nanoTime();
            String relayed = awaitStatus(l, s -> "RELAYED".equals(path(s)), 10_000);
            long switchMillis = (System.nanoTime() - blocked) / 1_000_000;
            assertTrue(switchMillis < 5_000, "relayed within 5 s: " + switchMillis + " ms\n" + relayed);
            Thread.sleep(1500);
            int answered = replies(pinger.output());
            Thread.sleep(1000);
            assertTrue(
                    replies(pinger.output()) > answered + 5,
                    "pings are answered over the relay:\n" + tail(pinger.output()));
            System.out.println(
                    "[ice-lab] failover P2P -> relay: path switched " + switchMillis + " ms after the block");
            // Unblock: back to a direct path (the upgrade attempt runs every 15 s while relayed).
            l.lab.unblockDirect();
            long unblocked = System.nanoTime();
            awaitStatus(l, s -> "P2P_REFLEXIVE".equals(path(s)), 30_000);
            System.out.println(
                    "[ice-lab] relay -> P2P after unblocking: " + (System.nanoTime() - unblocked) / 1_000_000 + " ms");
            int before = replies(pinger.output());
            Thread.sleep(1500);
            assertTrue(
                    replies(pinger.output()) > before + 5,
                    "pings are answered over P2P again:\n" + tail(pinger.output()));
            pinger.close();
        }
    }

    @Test
    void lazyPeerGoesIdleAfterTheThreshold() throws Exception {
        try (Lab l = start(Topology.CONE_CONE, true, Duration.ofSeconds(5))) {
            Netns.Result ping = l.a.exec("ping", "-c", "1", "-W", "10", l.b.tunnelIp);
            assertEquals(0, ping.exitCode(), ping.output());
            assertEquals("CONNECTED", state(l.a.statusJson(l.launcher)));
            // No data now (WireGuard keepalives do not count): both sides go back to Idle.
            String idle = awaitStatus(l, s -> "IDLE".equals(state(s)), 20_000);
            assertTrue(idle.contains("idle"), idle);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"IDLE".equals(state(l.b.statusJson(l.launcher))) && System.nanoTime() < deadline) Thread.sleep(200);
            assertEquals("IDLE", state(l.b.statusJson(l.launcher)));
            // The signaling server restarts meanwhile: both clients reconnect and carry on.
            l.restartSignal();
            long reconnect = System.nanoTime() + 20_000_000_000L;
            while (!(l.a.statusJson(l.launcher).contains("\"connected\":true")
                    && l.b.statusJson(l.launcher).contains("\"connected\":true"))) {
                if (System.nanoTime() > reconnect)
                    fail("signaling did not reconnect in 20 s: " + l.a.statusJson(l.launcher));
                Thread.sleep(200);
            }
            // ...and the idle peer wakes again on the next packet (offer/answer through the new server).
            Netns.Result again = l.a.exec("ping", "-c", "1", "-W", "10", l.b.tunnelIp);
            assertEquals(0, again.exitCode(), again.output());
        }
    }

    // ------------------------------------------------------------------ helpers

    static void transfer(Lab l, int bytes) throws Exception {
        Path dir = l.lab.dir();
        Path recv = dir.resolve("recv.py"), send = dir.resolve("send.py");
        Files.writeString(recv, """
                import hashlib, socket, sys
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((sys.argv[1], 9000)); s.listen(1); s.settimeout(60)
                print("listening", flush=True)
                c, _ = s.accept(); c.settimeout(60); h = hashlib.sha256(); n = 0
                while True:
                    d = c.recv(1 << 16)
                    if not d: break
                    h.update(d); n += len(d)
                print(n, h.hexdigest(), flush=True)
                """);
        Files.writeString(send, """
                import hashlib, os, socket, sys, time
                data = os.urandom(int(sys.argv[2])); s = socket.create_connection((sys.argv[1], 9000), timeout=60)
                t = time.time(); s.sendall(data); s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
                print(len(data), hashlib.sha256(data).hexdigest(), "%.2f" % (time.time() - t), flush=True)
                """);
        Daemon server = l.lab.start(l.lab.hostNetns(Host.B), "recv.log", "python3", recv.toString(), l.b.tunnelIp);
        awaitOutput(server, s -> s.contains("listening"), 10_000);
        Netns.Result sent = l.a.exec("python3", send.toString(), l.b.tunnelIp, Integer.toString(bytes));
        assertEquals(0, sent.exitCode(), sent.output());
        Netns.Result got = server.await(Duration.ofSeconds(60));
        String[] s = sent.output().strip().split(" "),
                g = got.output().strip().lines().reduce((x, y) -> y).orElse("").split(" ");
        assertEquals(Integer.toString(bytes), g[0], got.output());
        assertEquals(s[1], g[1], "the sha256 of what arrived equals what was sent");
        System.out.println("[ice-lab] " + l.lab.topology() + ": " + bytes + " B in " + s[2] + " s, sha256 equal");
    }

    static String awaitStatus(Lab l, Predicate<String> cond, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        String s = null;
        while (System.nanoTime() < deadline) {
            s = l.a.statusJson(l.launcher);
            if (cond.test(s)) return s;
            Thread.sleep(100);
        }
        fail("status condition not met in " + millis + " ms: " + s + logs(l));
        return null;
    }

    private static void awaitOutput(Daemon d, Predicate<String> cond, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!cond.test(d.output())) {
            if (System.nanoTime() > deadline || !d.isAlive() && !cond.test(d.output()))
                fail(String.join(" ", d.command()) + ": not ready: " + d.output());
            Thread.sleep(50);
        }
    }

    static String path(String json) {
        Matcher m = PATH.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static String state(String json) {
        Matcher m = STATE.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static int replies(String pingOutput) {
        return (int) pingOutput.lines().filter(x -> x.contains("bytes from")).count();
    }

    private static String rtt(String pingOutput) {
        Matcher m = Pattern.compile("time=([0-9.]+)").matcher(pingOutput);
        return m.find() ? m.group(1) : "?";
    }

    private static String tail(String s) {
        List<String> lines = new ArrayList<>(s.lines().toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    static String logs(Lab l) {
        StringBuilder b = new StringBuilder();
        if (l.lab.coturn() == null)
            b.append("\n--- jwg relay\n").append(l.lab.jwgRelay().output());
        else {
            List<String> turn = l.lab.coturn()
                    .log()
                    .lines()
                    .filter(x -> x.contains("session"))
                    .toList();
            b.append("\n--- coturn (sessions)\n").append(String.join("\n", turn.subList(0, Math.min(60, turn.size()))));
        }
        for (IceNode n : List.of(l.a, l.b)) {
            Path log = Path.of(System.getProperty("java.io.tmpdir"), "jwg-" + jwg.sys.Fds.getuid(), n.ifname + ".log");
            try {
                b.append("\n--- ").append(log).append('\n').append(tail(Files.readString(log)));
            } catch (Exception e) {
                b.append("\n--- no log ").append(log);
            }
        }
        return b.toString();
    }
}
