package jwg.cli.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jwg.dataplane.Device;
import jwg.dataplane.DeviceOptions;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.dataplane.config.DeviceConfig;
import jwg.dataplane.config.PeerConfig;
import jwg.ice.Connectivity;
import jwg.ice.IceBind;
import jwg.ice.IceConfig;
import jwg.ice.IceServers;
import jwg.ice.StunMux;
import jwg.ice.signal.SignalServer;
import jwg.noise.PrivateKey;
import jwg.tun.MemoryTun;
import jwg.tun.ip.IpPrefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ICE side of the metrics and of the JFR events, from two real devices that find each other
 * through a real signaling server and ICE on loopback: once connected the page says P2P host,
 * connected, not relayed; when the peer vanishes the path is lost, the guard retries, and both
 * show up on the page and as jwg.PathChange / jwg.GuardRetry events in a recording.
 */
class IcePathMetricsTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private final SecureRandom random = new SecureRandom();
    private final PrivateKey keyA = PrivateKey.generate(random), keyB = PrivateKey.generate(random);
    private SignalServer server;
    private Device a, b;
    private Connectivity ca, cb;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        for (AutoCloseable c : new AutoCloseable[] {ca, cb, a, b, server}) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void pathTypeStateAndGuardRetriesOnThePageAndInJfr() throws Exception {
        Path file = dir.resolve("ice.jfr");
        String peerB = keyB.publicKey().toBase64();
        try (Recording r = new Recording()) {
            r.enable("jwg.PathChange");
            r.enable("jwg.GuardRetry");
            r.start();
            server = SignalServer.start(new InetSocketAddress(LO, 0));
            URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
            StunMux muxA = new StunMux(), muxB = new StunMux();
            a = Device.start(
                    DeviceOptions.defaults(),
                    new MemoryTun("icmA", 1420, 64),
                    () -> new IceBind(new LinuxUdpBind(), muxA));
            b = Device.start(
                    DeviceOptions.defaults(),
                    new MemoryTun("icmB", 1420, 64),
                    () -> new IceBind(new LinuxUdpBind(), muxB));
            a.configure(new DeviceConfig(
                    keyA,
                    0,
                    0,
                    List.of(new PeerConfig(keyB.publicKey(), null, null, List.of(IpPrefix.parse("192.0.2.2/32")), 0))));
            b.configure(new DeviceConfig(
                    keyB,
                    0,
                    0,
                    List.of(new PeerConfig(keyA.publicKey(), null, null, List.of(IpPrefix.parse("192.0.2.1/32")), 0))));
            IceConfig s = IceConfig.of(uri, IceServers.NONE)
                    .withHosts(new IceConfig.HostCandidates(List.of(LO), Set.of(), true));
            ca = Connectivity.start(a, muxA, keyA, s);
            cb = Connectivity.start(b, muxB, keyB, s);
            DeviceMetrics metrics = new DeviceMetrics(a, ca);

            // the waits are generous bounds, not speed tests: signaling and ICE took over 15 s at load average 30
            Map<String, ExpositionParser.Family> page = await(
                    metrics,
                    p -> ExpositionParser.value(p, "jwg_peer_ice_state", "peer", peerB, "state", "connected") == 1,
                    60_000);
            assertEquals(1, ExpositionParser.value(page, "jwg_peer_path", "peer", peerB, "path", "p2p_host"));
            assertEquals(0, ExpositionParser.value(page, "jwg_peer_path", "peer", peerB, "path", "relayed"));
            assertEquals(0, ExpositionParser.value(page, "jwg_peer_relayed", "peer", peerB));
            assertEquals(1, ExpositionParser.value(page, "jwg_peer_path_changes_total", "peer", peerB));
            assertEquals(1, ExpositionParser.value(page, "jwg_ice_enabled"));
            assertEquals(1, ExpositionParser.value(page, "jwg_signal_connected"));
            assertTrue(ExpositionParser.value(page, "jwg_signal_messages_total", "direction", "sent") >= 1);
            assertTrue(
                    ExpositionParser.value(page, "jwg_stun_datagrams_total", "direction", "received") >= 1,
                    "ICE checks on the WireGuard socket");
            assertEquals(0, ExpositionParser.value(page, "jwg_relays_configured"));
            assertEquals(3, page.get("jwg_peer_ice_state").samples().size(), "one series per state");

            // the peer vanishes: consent fails, the path is lost, offers go unanswered, the guard retries
            double retries = ExpositionParser.value(
                    page, "jwg_peer_guard_retries_total", "peer", peerB); // a slow start may have had some
            cb.close();
            b.close();
            page = await(
                    metrics,
                    p -> ExpositionParser.value(p, "jwg_peer_guard_retries_total", "peer", peerB) > retries
                            && ExpositionParser.value(p, "jwg_peer_path", "peer", peerB, "path", "none") == 1,
                    60_000);
            assertEquals(1, ExpositionParser.value(page, "jwg_peer_path", "peer", peerB, "path", "none"));
            assertEquals(1, ExpositionParser.value(page, "jwg_peer_ice_state", "peer", peerB, "state", "connecting"));
            assertTrue(ExpositionParser.value(page, "jwg_peer_path_changes_total", "peer", peerB) >= 2);
            assertTrue(ExpositionParser.value(page, "jwg_peer_ice_sessions_total", "peer", peerB, "outcome", "failed")
                    >= 1);
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> changes = events.stream()
                .filter(e -> e.getEventType().getName().equals("jwg.PathChange")
                        && e.getString("device").equals("icmA"))
                .toList();
        assertTrue(
                changes.stream()
                        .anyMatch(e -> e.getString("from").equals("NONE")
                                && e.getString("to").equals("P2P_HOST")
                                && e.getString("peer").equals(peerB)
                                && e.getString("remote").startsWith("host 127.0.0.1:")),
                changes.toString());
        assertTrue(
                changes.stream()
                        .anyMatch(e -> e.getString("from").equals("P2P_HOST")
                                && e.getString("to").equals("NONE")
                                && e.getString("reason").startsWith("path lost")),
                changes.toString());
        List<RecordedEvent> retryEvents = events.stream()
                .filter(e -> e.getEventType().getName().equals("jwg.GuardRetry")
                        && e.getString("device").equals("icmA"))
                .toList();
        assertTrue(
                retryEvents.stream()
                        .anyMatch(e -> "ICE_DISCONNECTED".equals(e.getString("lastReset"))
                                && e.getLong("attempt") >= 1
                                && e.getDuration("nextIn").toMillis() > 0
                                && e.getString("peer").equals(peerB)),
                "a guard retry after the path was lost: " + retryEvents);
    }

    private static Map<String, ExpositionParser.Family> await(
            DeviceMetrics m, java.util.function.Predicate<Map<String, ExpositionParser.Family>> ok, long ms)
            throws Exception {
        long deadline = System.nanoTime() + ms * 1_000_000;
        Map<String, ExpositionParser.Family> page;
        do {
            page = ExpositionParser.parse(m.scrape());
            if (ok.test(page)) return page;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        fail("not reached in " + ms + " ms; last page:\n" + m.scrape());
        return page;
    }
}
