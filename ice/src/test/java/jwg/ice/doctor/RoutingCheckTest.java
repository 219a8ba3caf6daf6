package jwg.ice.doctor;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import jwg.ice.doctor.RoutingCheck.Facts;
import jwg.ice.doctor.RoutingCheck.Finding;
import jwg.ice.doctor.RoutingCheck.Observation;
import jwg.ice.doctor.RoutingCheck.Target;
import jwg.tun.netlink.Rtnetlink.Rule;
import org.junit.jupiter.api.Test;

/** The doctor's routing decisions from facts alone: loops, fwmarks that rules do not exempt, strict rp_filter, path MTU. */
class RoutingCheckTest {
    private static final Target PEER = target("peer A", "198.51.100.2", true);
    private static final Target SERVER = target("server", "203.0.113.1", false);
    private static final Target PEER6 = target("peer B", "fd00:51::2", true);
    private static final Rule EXEMPT = new Rule(false, 32765, 51820, 51820, true, -1);
    private static final Rule SUPPRESS = new Rule(false, 32764, 254, -1, false, 0);

    private static Target target(String what, String ip, boolean peer) {
        try {
            return new Target(what, new InetSocketAddress(InetAddress.getByName(ip), 51820), peer, true);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Finding> decide(long fwmark, int mtu, Observation... obs) {
        return RoutingCheck.findings(new Facts("wg0", mtu, fwmark, List.of(EXEMPT, SUPPRESS), List.of(obs)));
    }

    @Test
    void aHealthyFullTunnelHasNoFinding() {
        // marked: the underlay; unmarked: the tunnel (table 51820); rp_filter loose; path MTU 1500
        assertEquals(List.of(), decide(51820, 1420, new Observation(PEER, "eth0", "wg0", 51820, 2, 1500)));
    }

    @Test
    void anEndpointRoutedIntoTheTunnelIsALoopWithARouteAsTheFix() {
        List<Finding> f = decide(0, 1420, new Observation(SERVER, "wg0", "wg0", 254, 0, -1));
        assertEquals(1, f.size(), f.toString());
        assertEquals("loop", f.get(0).kind());
        assertTrue(
                f.get(0).fix().startsWith("ip route add 203.0.113.1/32 via"),
                f.get(0).fix());
    }

    @Test
    void aRuleExemptingAnotherMarkThanTheDevicesIsAFwmarkFinding() {
        // the rule exempts 51820, the device's sockets carry 0x1234: the endpoint loops through table 51820
        List<Finding> f = decide(0x1234, 1420, new Observation(PEER, "wg0", "wg0", 51820, 0, -1));
        assertEquals(1, f.size(), f.toString());
        assertEquals("fwmark", f.get(0).kind());
        assertTrue(f.get(0).problem().contains("carry 0x1234"), f.get(0).problem());
        assertTrue(
                f.get(0).fix().startsWith("wg set wg0 fwmark 51820"), f.get(0).fix());
        // no fwmark at all: the same rule, the same fix
        List<Finding> none = decide(0, 1420, new Observation(PEER, "wg0", "wg0", 51820, 0, -1));
        assertTrue(none.get(0).problem().contains("carry no fwmark"), none.toString());
    }

    @Test
    void strictRpFilterMattersOnlyWhenTheReversePathLeadsIntoTheTunnel() {
        List<Finding> f = decide(51820, 1420, new Observation(PEER, "eth0", "wg0", 51820, 1, 1500));
        assertEquals(List.of("rp_filter"), f.stream().map(Finding::kind).toList());
        assertEquals(
                "sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.eth0.rp_filter=2",
                f.get(0).fix());
        // the endpoint in the main table (a LAN route): strict is harmless; loose (2) is never reported
        assertEquals(List.of(), decide(51820, 1420, new Observation(PEER, "eth0", "eth0", 254, 1, 1500)));
        assertEquals(List.of(), decide(51820, 1420, new Observation(PEER, "eth0", "wg0", 51820, 2, 1500)));
    }

    @Test
    void aPathMtuBelowTheInterfacesPlusOverheadIsReportedWithTheMtuThatFits() {
        // 1420 + 60 = 1480 > 1400: report 1340
        List<Finding> f = decide(51820, 1420, new Observation(PEER, "eth0", "eth0", 254, 0, 1400));
        assertEquals(List.of("mtu"), f.stream().map(Finding::kind).toList());
        assertEquals(
                "ip link set dev wg0 mtu 1340   (or MTU = 1340 in [Interface])",
                f.get(0).fix());
        // exactly enough: nothing; IPv6 counts 80 bytes of overhead
        assertEquals(List.of(), decide(51820, 1420, new Observation(PEER, "eth0", "eth0", 254, 0, 1480)));
        List<Finding> v6 = decide(51820, 1420, new Observation(PEER6, "eth0", "eth0", 254, 0, 1480));
        assertTrue(v6.get(0).fix().contains("mtu 1400"), v6.toString());
        // servers are not probed, and an unknown path MTU is no finding
        assertEquals(List.of(), decide(51820, 1420, new Observation(SERVER, "eth0", "eth0", 254, 0, 1280)));
        assertEquals(List.of(), decide(51820, 1420, new Observation(PEER, "eth0", "eth0", 254, 0, -1)));
    }
}
