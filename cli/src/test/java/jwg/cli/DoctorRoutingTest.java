package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import jwg.ice.doctor.RoutingCheck;
import org.junit.jupiter.api.Test;

/** What the doctor's routing part reads: peer endpoints from UAPI, servers from the daemon's report (text or JSON). */
class DoctorRoutingTest {
    @Test
    void serversComeFromTheReportsServerLinesInEitherForm() {
        String text = """
                interface: wg0
                host addresses:
                  eth0 198.51.100.10
                stun servers:
                  203.0.113.1:3478: reachable, mapped address 203.0.113.2:36013, 8 ms
                turn servers:
                  [fd00::3]:3478 (user jwg): allocation ok, relayed address 203.0.113.1:49769
                """;
        assertEquals(
                List.of(new InetSocketAddress("203.0.113.1", 3478)), List.copyOf(DoctorRouting.servers(text, false)));
        assertEquals(List.of(new InetSocketAddress("fd00::3", 3478)), List.copyOf(DoctorRouting.servers(text, true)));
        String json = "{\"stun\":[{\"server\":\"203.0.113.1:3478\"}],\"turn\":[{\"server\":\"203.0.113.9:3478\"}],"
                + "\"nat\":{\"server\":\"203.0.113.7:3478\"}}";
        assertEquals(
                List.of(new InetSocketAddress("203.0.113.1", 3478)), List.copyOf(DoctorRouting.servers(json, false)));
        assertEquals(
                List.of(new InetSocketAddress("203.0.113.9", 3478)), List.copyOf(DoctorRouting.servers(json, true)));
        assertTrue(DoctorRouting.servers(null, false).isEmpty());
    }

    @Test
    void onlyNumericAddressesAreTaken() {
        assertNull(DoctorRouting.address("example.org:3478"), "nothing is resolved");
        assertNull(DoctorRouting.address("198.51.100.2"));
        assertEquals(new InetSocketAddress("fd00::1", 51820), DoctorRouting.address("[fd00::1]:51820"));
    }

    @Test
    void peersWithAnEndpointAreTargetsAndMtuProbed() {
        var itf = new Show.Interface(
                "wg0",
                Map.of("fwmark", "51820"),
                List.of(
                        Map.of("public_key", List.of("00".repeat(32)), "endpoint", List.of("198.51.100.2:51820")),
                        Map.of("public_key", List.of("11".repeat(32)))));
        List<RoutingCheck.Target> t = DoctorRouting.targets(
                itf, "  203.0.113.1:3478: reachable\n  203.0.113.9:3478 (user jwg): allocation ok\n");
        assertEquals(3, t.size(), t.toString());
        assertTrue(t.get(0).peer() && t.get(0).marked() && t.get(0).what().startsWith("peer AAAAAAAA"), t.toString());
        assertTrue(!t.get(1).peer() && t.get(1).marked() && t.get(1).what().equals("STUN server"), t.toString());
        assertTrue(t.get(2).marked() && t.get(2).what().equals("TURN server"), "TURN sockets carry the fwmark too");
    }

    @Test
    void findingsPrintWithTheirFix() {
        var f = new RoutingCheck.Finding("mtu", "peer X 198.51.100.2", "too small", "ip link set dev wg0 mtu 1340");
        String text = DoctorRouting.text(List.of(f), null);
        assertTrue(text.contains("mtu: peer X 198.51.100.2: too small\n    fix: ip link set dev wg0 mtu 1340"), text);
        assertTrue(DoctorRouting.text(List.of(), null).startsWith("routing: ok"));
        assertEquals(
                "[{\"kind\":\"mtu\",\"subject\":\"peer X 198.51.100.2\",\"problem\":\"too small\",\"fix\":\"ip link set dev wg0 mtu 1340\"}]",
                DoctorRouting.json(List.of(f), null));
        assertEquals("\"not \\\"checked\\\"\"", DoctorRouting.json(null, "not \"checked\""));
    }
}
