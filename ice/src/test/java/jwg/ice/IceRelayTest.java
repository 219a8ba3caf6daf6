package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jwg.ice.relay.RelayConfig;
import jwg.ice.relay.RelayServer;
import jwg.testkit.Daemon;
import jwg.testkit.Requires;
import org.ice4j.ice.CandidateType;
import org.junit.jupiter.api.Test;

/**
 * The relayed path through a real coturn on loopback and through {@code jwg relay}'s server: two
 * agents that learn only each other's relayed candidates must connect relay to relay, with the
 * device's own allocation or with ice4j's TURN client (the {@code JWG_RELAY=proxy} fallback, on a
 * {@link MarkedSocket}).
 */
class IceRelayTest {

    @Test
    void relayToRelayThroughCoturn() throws Exception {
        relayToRelayThroughCoturn(true);
    }

    /** The fallback ({@code JWG_RELAY=proxy}): ice4j's TURN client on a {@link MarkedSocket} of its own. */
    @Test
    void relayToRelayThroughCoturnWithIce4jsTurnClient() throws Exception {
        String before = System.getProperty("jwg.relay");
        System.setProperty("jwg.relay", "proxy");
        try {
            relayToRelayThroughCoturn(false);
        } finally {
            if (before == null) System.clearProperty("jwg.relay");
            else System.setProperty("jwg.relay", before);
        }
    }

    private static void relayToRelayThroughCoturn(boolean deviceRelay) throws Exception {
        Requires.tool("turnserver");
        if (System.getenv("JWG_ICE_DEBUG") != null) System.setProperty("jwg.ice.debug", System.getenv("JWG_ICE_DEBUG"));
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        int port = ThreadLocalRandom.current().nextInt(40000, 45000);
        Path dir = Files.createTempDirectory("jwg-turn");
        List<String> cmd = coturn(port, dir);
        try (Daemon turn = Daemon.start(dir.resolve("out"), cmd)) {
            Thread.sleep(700);
            relayToRelay(new InetSocketAddress(lo, port), deviceRelay, () -> log(dir));
        }
    }

    /** The same through {@code jwg relay}'s server (in this JVM), with the device's own allocation. */
    @Test
    void relayToRelayThroughJwgRelay() throws Exception {
        try (RelayServer server = jwgRelay()) {
            relayToRelay(
                    server.address(),
                    DeviceRelayHarvester.enabled(),
                    () -> server.counters().snapshot().toString());
            assertTrue(
                    server.counters().get("relay_to_relay") > 0,
                    "one hop: " + server.counters().snapshot());
        }
    }

    /** Through {@code jwg relay} with ice4j's TURN client ({@code JWG_RELAY=proxy}). */
    @Test
    void relayToRelayThroughJwgRelayWithIce4jsClient() throws Exception {
        String before = System.getProperty("jwg.relay");
        System.setProperty("jwg.relay", "proxy");
        try (RelayServer server = jwgRelay()) {
            relayToRelay(
                    server.address(), false, () -> server.counters().snapshot().toString());
            assertTrue(
                    server.counters().get("relay_to_relay") > 0,
                    "one hop: " + server.counters().snapshot());
        } finally {
            if (before == null) System.clearProperty("jwg.relay");
            else System.setProperty("jwg.relay", before);
        }
    }

    /** {@code jwg relay}'s server on 127.0.0.1 (user u, password p, realm jwg.test). */
    static RelayServer jwgRelay() throws java.io.IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return RelayServer.start(new RelayConfig(
                new InetSocketAddress(lo, 0),
                lo,
                0,
                0,
                "jwg.test",
                Map.of("u", RelayConfig.key("u", "jwg.test", "p")),
                10,
                true,
                RelayConfig.Lifetimes.RFC));
    }

    /** Two agents that learn only each other's relayed candidates connect relay to relay through {@code turn}. */
    static void relayToRelay(InetSocketAddress turn, boolean deviceRelay, Supplier<String> log) throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (IceLoopbackTest.Side a = new IceLoopbackTest.Side();
                IceLoopbackTest.Side b = new IceLoopbackTest.Side()) {
            IceServers servers = new IceServers(List.of(), List.of(new IceServers.Turn(turn, "u", "p")));
            CompletableFuture<PeerAgent.Outcome> doneA = new CompletableFuture<>(), doneB = new CompletableFuture<>();
            try (PeerAgent ia = new PeerAgent(
                            a.mux,
                            servers,
                            true,
                            1,
                            new IceConfig.HostCandidates(List.of(lo), Set.of(), true),
                            RelayPolicy.ON,
                            0,
                            doneA::complete);
                    PeerAgent ib = new PeerAgent(
                            b.mux,
                            servers,
                            false,
                            1,
                            new IceConfig.HostCandidates(List.of(lo), Set.of(), true),
                            RelayPolicy.ON,
                            0,
                            doneB::complete)) {
                assertTrue(
                        ia.candidateTypes().contains(CandidateType.RELAYED_CANDIDATE),
                        "relay gathered: " + ia.candidates() + "\n" + log.get());
                ib.connect(ia.ufrag(), ia.password(), relayed(ia.candidates()));
                ia.connect(ib.ufrag(), ib.password(), relayed(ib.candidates()));
                assertEquals(PeerAgent.Outcome.CONNECTED, doneA.get(15, TimeUnit.SECONDS), log.get());
                assertEquals(PeerAgent.Outcome.CONNECTED, doneB.get(15, TimeUnit.SECONDS));
                assertTrue(ia.selected().relayed(), ia.selected().toString());
                assertEquals(
                        deviceRelay,
                        ia.selectedPair().getLocalCandidate() instanceof DeviceRelayCandidate
                                || ib.selectedPair().getLocalCandidate() instanceof DeviceRelayCandidate,
                        "the relayed candidate is the device's own allocation's");
            }
        }
    }

    /** coturn on 127.0.0.1:{@code port} (user u, password p), relaying on the next 200 ports. */
    static List<String> coturn(int port, Path dir) {
        return List.of(
                "turnserver",
                "-n",
                "--listening-ip=127.0.0.1",
                "--listening-port=" + port,
                "--relay-ip=127.0.0.1",
                "--min-port=" + (port + 1),
                "--max-port=" + (port + 200),
                "--lt-cred-mech",
                "--user=u:p",
                "--realm=jwg.test",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--allow-loopback-peers",
                "--userdb=" + dir.resolve("db"),
                "--pidfile=" + dir.resolve("pid"),
                "--log-file=" + dir.resolve("log"),
                "--simple-log",
                "--no-stdout-log",
                "--verbose");
    }

    static List<String> relayed(List<String> candidates) {
        List<String> out = new ArrayList<>();
        // as behind NATs: the peer's host and reflexive candidates exist but cannot be reached
        out.add("1 2130706431 127.0.0.1 9 typ host");
        out.add("2 1694498815 127.0.0.1 19 typ srflx raddr 127.0.0.1 rport 9");
        for (String c : candidates) if (c.contains("typ relay")) out.add(c);
        return out;
    }

    static String log(Path dir) {
        try {
            List<String> l = Files.readAllLines(dir.resolve("log"));
            return String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
        } catch (Exception e) {
            return "(no turnserver log)";
        }
    }
}
