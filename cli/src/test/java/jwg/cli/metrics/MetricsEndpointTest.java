package jwg.cli.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import jwg.dataplane.Device;
import jwg.dataplane.DeviceOptions;
import jwg.dataplane.Packets;
import jwg.dataplane.TwoDevices;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.noise.PrivateKey;
import jwg.tun.MemoryTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint over real HTTP on loopback, serving two real devices that handshake and carry
 * packets over loopback UDP (in-memory TUNs: no root needed); every page goes through the strict
 * parser. The same over real TUNs in network namespaces, with the daemons, is MetricsIT.
 */
class MetricsEndpointTest {
    private final MemoryTun tunA = new MemoryTun("mtA", 1420, 256), tunB = new MemoryTun("mtB", 1420, 256);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Device a, b;
    private MetricsEndpoint endpoint;

    @AfterEach
    void close() {
        if (endpoint != null) endpoint.close();
        if (a != null) a.close();
        if (b != null) b.close();
    }

    @Test
    void servesParsablePerPeerCountersDropsAndOffloadsOfALiveTunnel() throws Exception {
        TwoDevices devices = TwoDevices.between(tunA, tunB)
                .endpoints(TwoDevices.Endpoints.A_KNOWS_B)
                .start();
        a = devices.a();
        b = devices.b();
        PrivateKey keyA = devices.keyA(), keyB = devices.keyB();
        endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), new DeviceMetrics(a, null)::scrape);

        // before any traffic: the peer is there, never handshaked
        var before = ExpositionParser.parse(get("/metrics").body());
        String peerB = keyB.publicKey().toBase64();
        assertEquals(0, ExpositionParser.value(before, "jwg_peer_transmit_packets_total", "peer", peerB));
        assertEquals(0, ExpositionParser.value(before, "jwg_peer_last_handshake_timestamp_seconds", "peer", peerB));
        assertTrue(
                before.get("jwg_peer_handshake_age_seconds").samples().isEmpty(), "no age before the first handshake");

        for (int i = 0; i < 5; i++) {
            tunA.inject(Packets.ipv4("192.0.2.1", "192.0.2.2", ("ping " + i).getBytes()));
            assertTrue(tunB.take(5000) != null, "packet " + i + " crossed the tunnel");
        }
        tunA.inject(Packets.ipv4("192.0.2.1", "203.0.113.7", "no route".getBytes()));
        long deadline = System.nanoTime() + 5_000_000_000L;
        Map<String, ExpositionParser.Family> page;
        do {
            HttpResponse<String> r = get("/metrics");
            assertEquals(200, r.statusCode());
            assertEquals(
                    Exposition.CONTENT_TYPE,
                    r.headers().firstValue("Content-Type").orElseThrow());
            assertFalse(
                    r.body().contains(keyA.toBase64()) || r.body().contains(keyB.toBase64()),
                    "no private key on the page");
            page = ExpositionParser.parse(r.body());
            // the sender counts a batch after its system call returns: B may have the packets first
        } while ((ExpositionParser.value(page, "jwg_drops_total", "layer", "device", "reason", "no_route") < 1
                        || ExpositionParser.value(page, "jwg_peer_transmit_packets_total", "peer", peerB) < 6)
                && System.nanoTime() < deadline);

        assertEquals(1, ExpositionParser.value(page, "jwg_peers", "interface", "mtA"));
        assertTrue(
                ExpositionParser.value(page, "jwg_peer_transmit_packets_total", "interface", "mtA", "peer", peerB) >= 6,
                "initiation + 5 data");
        assertTrue(ExpositionParser.value(page, "jwg_peer_transmit_bytes_total", "peer", peerB) >= 6 * 32);
        assertTrue(
                ExpositionParser.value(page, "jwg_peer_receive_packets_total", "peer", peerB) >= 1,
                "the handshake response");
        assertTrue(ExpositionParser.value(page, "jwg_peer_receive_bytes_total", "peer", peerB) >= 92);
        double age = ExpositionParser.value(page, "jwg_peer_handshake_age_seconds", "peer", peerB);
        assertTrue(age >= 0 && age < 10, "handshake age " + age);
        double ts = ExpositionParser.value(page, "jwg_peer_last_handshake_timestamp_seconds", "peer", peerB);
        assertEquals(System.currentTimeMillis() / 1000.0, ts, 10, "handshake time is now");
        assertEquals(1, ExpositionParser.value(page, "jwg_drops_total", "layer", "device", "reason", "no_route"));
        assertEquals(
                0, ExpositionParser.value(page, "jwg_drops_total", "layer", "protocol", "reason", "decrypt_failed"));
        assertEquals(1, ExpositionParser.value(page, "jwg_protocol_events_total", "event", "handshake_completed"));
        assertEquals(
                0,
                ExpositionParser.value(page, "jwg_offload_enabled", "offload", "tun_vnet_header"),
                "a memory TUN has no offloads");
        assertEquals(0, ExpositionParser.value(page, "jwg_ice_enabled"));
        assertFalse(page.containsKey("jwg_peer_relayed"), "no ICE families without ICE");
        for (var f : page.values()) assertNotNull(f.help(), "HELP for " + f.name());
    }

    @Test
    void onlyGetAndHeadOfMetricsAreServed() throws Exception {
        a = Device.start(DeviceOptions.defaults(), tunA, LinuxUdpBind::new);
        endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), new DeviceMetrics(a, null)::scrape);
        assertEquals(404, get("/").statusCode());
        assertEquals(404, get("/metrics/x").statusCode());
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(uri("/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> head = http.send(
                HttpRequest.newBuilder(uri("/metrics"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        // a device without a key yet still scrapes: zero peers, protocol counters zero
        var page = ExpositionParser.parse(get("/metrics").body());
        assertEquals(0, ExpositionParser.value(page, "jwg_peers"));
        assertEquals(0, ExpositionParser.value(page, "jwg_drops_total", "layer", "protocol", "reason", "invalid_mac1"));
    }

    @Test
    void aFailingScrapeIsA500AndTheEndpointCarriesOn() throws Exception {
        int[] calls = {0};
        endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), () -> {
            if (calls[0]++ == 0) throw new IllegalStateException("status: timed out");
            return "# TYPE x gauge\nx 1\n";
        });
        HttpResponse<String> r = get("/metrics");
        assertEquals(500, r.statusCode());
        assertTrue(r.body().contains("timed out"), r.body());
        assertEquals("# TYPE x gauge\nx 1\n", get("/metrics").body());
    }

    @Test
    void aBusyPortIsRefusedWithTheAddress() throws Exception {
        endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), () -> "");
        assertThrows(java.net.BindException.class, () -> MetricsEndpoint.start(endpoint.address(), () -> ""));
    }

    private URI uri(String path) {
        return URI.create("http://" + MetricsAddress.text(endpoint.address()) + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
