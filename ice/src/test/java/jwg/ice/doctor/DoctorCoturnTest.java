package jwg.ice.doctor;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import jwg.ice.ConnectionState;
import jwg.ice.ConnectivityStatus;
import jwg.ice.DoctorInput;
import jwg.ice.HostAddresses;
import jwg.ice.IceServers;
import jwg.ice.NatMapping;
import jwg.ice.PathType;
import jwg.ice.RelayPolicy;
import jwg.testkit.Daemon;
import jwg.testkit.Requires;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The doctor's probes against a real coturn on loopback, listening on 127.0.0.1 and 127.0.0.2 (so
 * it answers RFC 5780 CHANGE-REQUEST from 127.0.0.2 and port + 1): TURN allocation with good and
 * bad credentials, a closed port, and the NAT classification of a host without NAT.
 */
class DoctorCoturnTest {
    static final String USER = "doctor",
            PASSWORD = "s3cret-" + Long.toHexString(ThreadLocalRandom.current().nextLong()),
            REALM = "jwg.test";
    static InetAddress lo, lo2;
    static int port;
    static Path dir;
    static Daemon turn;

    @BeforeAll
    static void startCoturn() throws Exception {
        Requires.tool("turnserver");
        lo = InetAddress.getByName("127.0.0.1");
        lo2 = InetAddress.getByName("127.0.0.2");
        port = ThreadLocalRandom.current().nextInt(45000, 50000) & ~1;
        dir = Files.createTempDirectory("jwg-doctor-turn");
        List<String> cmd = List.of(
                "turnserver",
                "-n",
                "--listening-ip=127.0.0.1",
                "--listening-ip=127.0.0.2",
                "--listening-port=" + port,
                "--relay-ip=127.0.0.1",
                "--min-port=" + (port + 10),
                "--max-port=" + (port + 200),
                "--lt-cred-mech",
                "--user=" + USER + ":" + PASSWORD,
                "--realm=" + REALM,
                "--fingerprint",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--allow-loopback-peers",
                "--userdb=" + dir.resolve("db"),
                "--pidfile=" + dir.resolve("pid"),
                "--log-file=" + dir.resolve("log"),
                "--simple-log",
                "--no-stdout-log");
        turn = Daemon.start(dir.resolve("out"), cmd);
        awaitAnswer(new InetSocketAddress(lo, port));
        awaitAnswer(new InetSocketAddress(lo2, port));
    }

    private static void awaitAnswer(InetSocketAddress server) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (StunClient c = new StunClient(lo, 0, new int[] {100})) {
                if (NatDiscovery.mapped(c.binding(server, 0)) != null) return;
            }
            assertTrue(turn.isAlive(), "turnserver exited: " + turn.output() + log());
        }
        fail("turnserver does not answer on " + server + log());
    }

    @AfterAll
    static void stop() {
        if (turn != null) turn.close();
    }

    @Test
    void allocationSucceedsWithGoodCredentialsAndIsReleased() {
        TurnCheck.Outcome o = TurnCheck.check(lo, 0, new InetSocketAddress(lo, port), USER, PASSWORD);
        TurnCheck.Outcome.Allocated a = assertInstanceOf(TurnCheck.Outcome.Allocated.class, o, o + log());
        assertEquals(lo, a.relayed().getAddress());
        assertTrue(a.relayed().getPort() >= port + 10 && a.relayed().getPort() <= port + 200, a.toString());
        assertTrue(a.lifetimeSeconds() > 0, a.toString());
        assertEquals(lo, a.mapped().getAddress());
        assertTrue(a.released(), "Refresh with LIFETIME 0 deleted the allocation");
    }

    @Test
    void badCredentialsAre401() {
        TurnCheck.Outcome o = TurnCheck.check(lo, 0, new InetSocketAddress(lo, port), USER, "wrong");
        TurnCheck.Outcome.Rejected r = assertInstanceOf(TurnCheck.Outcome.Rejected.class, o, o.toString());
        assertEquals(401, r.code());
        assertTrue(r.meaning().contains("bad credentials") && r.meaning().contains(REALM), r.meaning());
    }

    @Test
    void aClosedPortIsUnreachableWithinTheBound() throws Exception {
        int closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            closed = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        TurnCheck.Outcome o = TurnCheck.check(lo, 0, new InetSocketAddress(lo, closed), USER, PASSWORD);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertInstanceOf(TurnCheck.Outcome.Unreachable.class, o, o.toString());
        assertTrue(ms < 2000, "bounded: " + ms + " ms");
    }

    @Test
    void noNatOnLoopbackAndOpenFiltering() {
        InetSocketAddress server = new InetSocketAddress(lo, port);
        NatDiscovery.Result r = NatDiscovery.discover(NatDiscovery.routeSource(server, 0), 0, server);
        assertEquals(NatDiscovery.Mapping.NO_NAT, r.mapping(), r.toString() + log());
        assertEquals(r.local(), r.mapped());
        assertEquals(new InetSocketAddress(lo2, port + 1), r.other(), "OTHER-ADDRESS: the alternate IP and port");
        assertEquals(NatDiscovery.Filtering.ENDPOINT_INDEPENDENT, r.filtering(), r.toString());
    }

    @Test
    void theReportChecksEveryServerAndNeverPrintsThePassword() {
        IceServers servers = new IceServers(
                List.of(new InetSocketAddress(lo, port)),
                List.of(
                        new IceServers.Turn(new InetSocketAddress(lo, port), USER, PASSWORD),
                        new IceServers.Turn(new InetSocketAddress(lo, port), USER, "wrong")));
        ConnectivityStatus.Peer peer = new ConnectivityStatus.Peer(
                "PEERKEY=",
                ConnectionState.CONNECTED,
                PathType.RELAYED,
                "relay",
                "127.0.0.1:1",
                "srflx",
                "127.0.0.1:2",
                null,
                0,
                0,
                0,
                1,
                1000,
                "connected",
                List.of("host", "relay"),
                List.of("host", "srflx", "relay"),
                1,
                1,
                0,
                1,
                0,
                0,
                RelayPolicy.ON,
                NatMapping.UNKNOWN,
                NatMapping.UNKNOWN,
                null,
                0,
                0,
                null);
        ConnectivityStatus status = new ConnectivityStatus(
                List.of(peer),
                new ConnectivityStatus.Signal("http://127.0.0.1:1/", true, null, null, 0, 0),
                List.of(),
                null,
                true);
        long t0 = System.nanoTime();
        DoctorReport report = Doctor.examine(
                new DoctorInput("jwgtest0", 0, servers, HostAddresses.of(List.of(lo), Set.of(), true), status));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String text = report.toText(), json = report.toJson();
        System.out.println("[doctor] loopback report in " + ms + " ms:\n" + text + json);
        assertFalse(text.contains(PASSWORD) || json.contains(PASSWORD), "the TURN password is never printed");
        assertTrue(text.contains("configured 127.0.0.1"), text);
        assertTrue(text.contains("127.0.0.1:" + port + ": reachable, mapped address 127.0.0.1:"), text);
        assertTrue(text.contains("allocation ok, relayed address 127.0.0.1:"), text);
        assertTrue(text.contains("allocation failed: 401"), text);
        assertTrue(text.contains("no NAT"), text);
        assertTrue(text.contains("relayed: this host has no NAT"), text);
        assertTrue(
                json.startsWith(
                        "{\"interface\":\"jwgtest0\",\"hosts\":[{\"interface\":\"configured\",\"address\":\"127.0.0.1\"}]"),
                json);
        assertTrue(json.contains("\"mapping\":\"no NAT"), json);
        assertTrue(json.contains("\"problem\":null},{\"server\""), "array elements are separated: " + json);
        assertTrue(ms < 5000, "bounded: " + ms + " ms");
    }

    static String log() {
        try {
            List<String> l = Files.readAllLines(dir.resolve("log"));
            return "\n" + String.join("\n", l.subList(Math.max(0, l.size() - 30), l.size()));
        } catch (Exception e) {
            return "\n(no turnserver log)";
        }
    }
}
