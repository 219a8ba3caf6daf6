package jwg.cli.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jwg.noise.PrivateKey;
import jwg.testkit.Launcher;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics endpoint during a real tunnel: two jwg daemons in network namespaces joined by veth,
 * A brought up by {@code jwg up} with {@code #! Metrics} in its .conf, B in wg-quick mode
 * ({@code jwg IFNAME}, configured with {@code wg}) with JWG_METRICS; pings cross, then each
 * endpoint is scraped from inside its namespace (python3's urllib, a client that is not ours)
 * and the page goes through the strict parser. Also: a bad key and a busy port are refused with
 * nothing left behind, and A's JFR recording (started the documented way, JWG_JVM_OPTS) holds the
 * handshake once its daemon exits.
 */
class MetricsIT {
    private static final String SCRAPE = "import urllib.request,sys\n"
            + "o=urllib.request.build_opener(urllib.request.ProxyHandler({}))\n"
            + "r=o.open('http://127.0.0.1:%d/metrics',timeout=10)\n"
            + "sys.stdout.write(r.headers['Content-Type']+'\\n'+r.read().decode())\n";

    /** The recording command of docs/metrics.md (%%p: one file per JVM, the launcher's and the daemon's). */
    static final String RECORD =
            "-XX:StartFlightRecording=filename=%s/jwg-%%p.jfr,dumponexit=true -Xlog:jfr+startup=off";

    @TempDir
    Path dir;

    @Test
    void bothEndpointsServeTheLiveTunnel() throws Exception {
        Requires.root();
        Requires.tool("ping");
        Requires.tool("python3");
        Requires.tool("wg");
        String launcher = Launcher.jwg().toString();
        SecureRandom rnd = new SecureRandom();
        PrivateKey ka = PrivateKey.generate(rnd), kb = PrivateKey.generate(rnd);
        String ia = Netns.uniqueName("jma"), ib = Netns.uniqueName("jmb");
        try (Netns a = Netns.create("jmta");
                Netns b = Netns.create("jmtb")) {
            a.addVeth("va", "vb", b);
            a.exec("ip", "addr", "add", "198.51.100.1/24", "dev", "va");
            b.exec("ip", "addr", "add", "198.51.100.2/24", "dev", "vb");
            for (Netns n : new Netns[] {a, b}) n.exec("ip", "link", "set", "lo", "up");
            a.exec("ip", "link", "set", "va", "up");
            b.exec("ip", "link", "set", "vb", "up");
            Path ca = dir.resolve(ia + ".conf");
            Files.writeString(
                    ca,
                    "[Interface]\nPrivateKey = " + ka.toBase64() + "\nAddress = 192.0.2.1/24\nListenPort = 51820\n"
                            + "#! Metrics = 127.0.0.1:9586\n\n[Peer]\nPublicKey = "
                            + kb.publicKey().toBase64()
                            + "\nEndpoint = 198.51.100.2:51820\nAllowedIPs = 192.0.2.2/32\n");
            Path jfr = Files.createDirectory(dir.resolve("jfr"));
            Path keyB = dir.resolve("b.key");
            Files.writeString(keyB, kb.toBase64() + "\n");
            try {
                // A records JFR the documented way (docs/metrics.md): JWG_JVM_OPTS reaches the daemon's JVM
                var upA = a.tryExec("env", "JWG_JVM_OPTS=" + RECORD.formatted(jfr), launcher, "up", ca.toString());
                assertEquals(0, upA.exitCode(), upA.output());
                assertTrue(upA.output().isEmpty() || !upA.output().contains(ka.toBase64()), upA.output());
                // B the way wg-quick runs it: jwg IFNAME, then wg and ip
                var upB = b.tryExec("env", "JWG_METRICS=127.0.0.1:9587", launcher, ib);
                assertEquals(0, upB.exitCode(), upB.output());
                b.exec(
                        "wg",
                        "set",
                        ib,
                        "private-key",
                        keyB.toString(),
                        "listen-port",
                        "51820",
                        "peer",
                        ka.publicKey().toBase64(),
                        "allowed-ips",
                        "192.0.2.1/32");
                b.exec("ip", "addr", "add", "192.0.2.2/24", "dev", ib);
                b.exec("ip", "link", "set", ib, "up");

                var ping = a.tryExec("ping", "-c", "5", "-i", "0.2", "-W", "5", "192.0.2.2");
                assertEquals(0, ping.exitCode(), ping.output());

                Map<String, ExpositionParser.Family> pa = scrape(a, 9586);
                String peerB = kb.publicKey().toBase64(), peerA = ka.publicKey().toBase64();
                assertEquals(1, ExpositionParser.value(pa, "jwg_peers", "interface", ia));
                assertTrue(
                        ExpositionParser.value(pa, "jwg_peer_transmit_packets_total", "interface", ia, "peer", peerB)
                                >= 6,
                        "initiation + 5 pings");
                assertTrue(
                        ExpositionParser.value(pa, "jwg_peer_receive_packets_total", "peer", peerB) >= 6,
                        "response + 5 replies");
                assertTrue(ExpositionParser.value(pa, "jwg_peer_transmit_bytes_total", "peer", peerB)
                        >= 148 + 5 * (32 + 84));
                assertTrue(ExpositionParser.value(pa, "jwg_peer_receive_bytes_total", "peer", peerB)
                        >= 92 + 5 * (32 + 84));
                double age = ExpositionParser.value(pa, "jwg_peer_handshake_age_seconds", "peer", peerB);
                assertTrue(age >= 0 && age < 30, "handshake age " + age);
                assertEquals(
                        1, ExpositionParser.value(pa, "jwg_protocol_events_total", "event", "handshake_completed"));
                // every drop reason of both layers is there, zero or not
                var drops = pa.get("jwg_drops_total");
                assertEquals("counter", drops.type());
                assertEquals(
                        jwg.dataplane.DeviceStats.Drop.values().length + jwg.noise.Drop.values().length,
                        drops.samples().size());
                assertEquals(
                        0,
                        ExpositionParser.value(pa, "jwg_drops_total", "layer", "protocol", "reason", "decrypt_failed"));
                assertEquals(5, pa.get("jwg_offload_enabled").samples().size());
                assertEquals(0, ExpositionParser.value(pa, "jwg_ice_enabled"));

                Map<String, ExpositionParser.Family> pb = scrape(b, 9587);
                assertTrue(ExpositionParser.value(pb, "jwg_peer_receive_packets_total", "interface", ib, "peer", peerA)
                        >= 6);
                assertTrue(ExpositionParser.value(pb, "jwg_peer_handshake_age_seconds", "peer", peerA) < 30);

                // a bad key: refused with its name, nothing created
                String bad = Netns.uniqueName("jmx");
                Path badConf = dir.resolve(bad + ".conf");
                Files.writeString(
                        badConf,
                        "[Interface]\nPrivateKey = " + ka.toBase64()
                                + "\nListenPort = 51821\n#! Metrics = metrics.example:9586\n");
                var refused = a.tryExec(launcher, "up", badConf.toString());
                assertEquals(1, refused.exitCode(), refused.output());
                assertTrue(
                        refused.output().contains("Metrics") && refused.output().contains("not an IP address"),
                        refused.output());
                assertNotEquals(0, a.tryExec("ip", "link", "show", bad).exitCode(), "no interface was created");
                // a busy port (A's): the daemon gives up and removes its interface again
                Files.writeString(
                        badConf,
                        "[Interface]\nPrivateKey = " + ka.toBase64()
                                + "\nListenPort = 51821\n#! Metrics = 127.0.0.1:9586\n");
                var busy = a.tryExec(launcher, "up", badConf.toString());
                assertEquals(1, busy.exitCode(), busy.output());
                assertTrue(busy.output().contains("metrics endpoint 127.0.0.1:9586"), busy.output());
                assertNotEquals(0, a.tryExec("ip", "link", "show", bad).exitCode(), "the interface was removed again");
                assertFalse(Files.exists(Path.of("/var/run/wireguard", bad + ".sock")), "no socket was left");
                assertEquals(200, Integer.parseInt(status(a, 9586)), "A's endpoint still serves");

                // the daemon's recording, written when it exits, holds the handshake
                assertEquals(0, a.tryExec(launcher, "down", ia).exitCode());
                List<RecordedEvent> handshakes = awaitRecording(jfr, "jwg.Handshake");
                assertTrue(
                        handshakes.stream()
                                .anyMatch(e -> e.getString("device").equals(ia)
                                        && e.getString("peer").equals(peerB)
                                        && e.getString("role").equals("initiator")
                                        && e.getString("endpoint").contains("198.51.100.2")),
                        handshakes.toString());
            } finally {
                a.tryExec(launcher, "down", ia);
                b.tryExec(launcher, "down", ib);
            }
        }
    }

    private static Map<String, ExpositionParser.Family> scrape(Netns ns, int port) throws Exception {
        var r = ns.tryExec("python3", "-c", SCRAPE.formatted(port));
        assertEquals(0, r.exitCode(), r.output());
        int nl = r.output().indexOf('\n');
        assertEquals(Exposition.CONTENT_TYPE, r.output().substring(0, nl));
        return ExpositionParser.parse(r.output().substring(nl + 1));
    }

    /** The events named {@code type} in the first complete recording in {@code jfrDir} that has any (waits up to 20 s). */
    private static List<RecordedEvent> awaitRecording(Path jfrDir, String type) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(jfrDir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".jfr")).toList()) {
                    try {
                        List<RecordedEvent> events = RecordingFile.readAllEvents(f).stream()
                                .filter(e -> e.getEventType().getName().equals(type))
                                .toList();
                        if (!events.isEmpty()) return events;
                    } catch (java.io.IOException partial) {
                        // still being written
                    }
                }
            }
            Thread.sleep(200);
        }
        fail("no " + type + " event in any recording in " + jfrDir);
        return List.of();
    }

    private static String status(Netns ns, int port) throws Exception {
        var r = ns.tryExec(
                "python3",
                "-c",
                "import urllib.request\nprint(urllib.request.build_opener(urllib.request.ProxyHandler({})).open('http://127.0.0.1:"
                        + port + "/metrics',timeout=10).status, end='')");
        return r.output().strip();
    }
}
