package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import jwg.testkit.NatLab;
import jwg.testkit.NatLab.Topology;
import jwg.testkit.Netns;
import org.junit.jupiter.api.Test;

/**
 * {@code jwg doctor} in the NAT lab: two `jwg up` daemons (coturn as STUN/TURN with its RFC 5780
 * alternate address, `jwg signal`), then what the doctor says on each side — the NAT behaviour
 * behind a cone and a symmetric router, and why a relayed peer is relayed (symmetric NATs; UDP
 * blocked between two cone NATs). The TURN password must never appear in the output.
 */
class DoctorIT {
    static final String SYMMETRIC_REASON = "relayed: this host is behind an address-and-port-dependent (symmetric) NAT"
            + " and the peer's direct candidates did not answer";

    /** The lab IceLabIT brings up (lab, signaling server, two `jwg up` nodes), with the doctor's helpers. */
    record Pair(NatLab lab, IceNode a, IceNode b, String launcher, IceLabIT.Lab nodes) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            nodes.close();
        }

        String doctor(IceNode n, boolean json) throws IOException {
            long t0 = System.nanoTime();
            Netns.Result r = json
                    ? Netns.tryRun(launcher, "doctor", "--json", n.ifname)
                    : Netns.tryRun(launcher, "doctor", n.ifname);
            assertEquals(0, r.exitCode(), r.output());
            assertFalse(r.output().contains(lab.turnPassword()), "the TURN password is never printed");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("[doctor] " + lab.topology() + " " + n.host + (json ? " --json" : "") + " (" + ms
                    + " ms):\n" + r.output());
            assertTrue(ms < 10_000, "the doctor answers within 10 s (CLI start included): " + ms + " ms");
            return r.output();
        }

        String awaitPath(String path, long millis) throws Exception {
            long deadline = System.nanoTime() + millis * 1_000_000;
            String s = "";
            while (System.nanoTime() < deadline) {
                s = a.statusJson(launcher);
                if (s.contains("\"state\":\"CONNECTED\"") && s.contains("\"path\":\"" + path + "\"")) return s;
                Thread.sleep(200);
            }
            fail("no " + path + " path in " + millis + " ms: " + s);
            return s;
        }
    }

    static Pair start(Topology t, boolean lazy) throws Exception {
        IceLabIT.Lab l = IceLabIT.start(t, lazy, Duration.ofMinutes(5));
        return new Pair(l.lab(), l.a(), l.b(), l.launcher(), l);
    }

    /** A behind a cone router, B behind a symmetric one; lazy peers, nothing connected yet. */
    @Test
    void natBehaviourBehindConeAndSymmetricRouters() throws Exception {
        try (Pair p = start(Topology.CONE_SYMMETRIC, true)) {
            String a = p.doctor(p.a, false);
            assertTrue(a.contains("nat: endpoint-independent mapping, address and port dependent filtering"), a);
            assertTrue(a.contains("mapped address " + NatLab.WAN_A + ":"), a);
            assertTrue(a.contains("eth0 " + NatLab.HOST_A), "the host address: " + a);
            assertFalse(a.contains(" " + p.a.ifname + " "), "the WireGuard interface is no candidate: " + a);
            assertTrue(a.contains(NatLab.STUN_IP + ":" + NatLab.STUN_PORT + ": reachable"), a);
            assertTrue(a.contains("allocation ok, relayed address " + NatLab.STUN_IP + ":"), a);
            assertTrue(a.contains("idle (lazy): no traffic yet"), a);
            String b = p.doctor(p.b, false);
            assertTrue(b.contains("nat: address and port dependent mapping, address and port dependent filtering"), b);
            String json = p.doctor(p.b, true);
            assertTrue(json.contains("\"mapping\":\"address and port dependent mapping\""), json);
            assertTrue(json.contains("\"ok\":true"), json);
        }
    }

    @Test
    void sameLanIsExplainedAsADirectHostPath() throws Exception {
        try (Pair p = start(Topology.SAME_LAN, false)) {
            p.awaitPath("P2P_HOST", 20_000);
            String a = p.doctor(p.a, false);
            assertTrue(a.contains("(CONNECTED, P2P_HOST)\n    P2P direct (host candidates on the same network)"), a);
        }
    }

    @Test
    void twoConeNatsAreExplainedAsAPathThroughNat() throws Exception {
        try (Pair p = start(Topology.CONE_CONE, false)) {
            p.awaitPath("P2P_REFLEXIVE", 20_000);
            String a = p.doctor(p.a, false);
            assertTrue(a.contains("(CONNECTED, P2P_REFLEXIVE)\n    P2P through NAT ("), a);
        }
    }

    @Test
    void symmetricNatsExplainTheRelayedPath() throws Exception {
        try (Pair p = start(Topology.SYMMETRIC_SYMMETRIC, false)) {
            p.awaitPath("RELAYED", 30_000);
            String a = p.doctor(p.a, false);
            assertTrue(a.contains("(CONNECTED, RELAYED)\n    " + SYMMETRIC_REASON), a);
        }
    }

    @Test
    void blockedUdpBetweenConeNatsIsBlamedOnAFirewall() throws Exception {
        try (Pair p = start(Topology.CONE_BLOCKED, false)) {
            p.awaitPath("RELAYED", 30_000);
            String a = p.doctor(p.a, false);
            assertTrue(a.contains("nat: endpoint-independent mapping"), a);
            assertTrue(a.contains("(CONNECTED, RELAYED)\n    relayed: this host's NAT maps endpoint-independently"), a);
            assertTrue(a.contains("a firewall is likely blocking UDP between the two networks"), a);
        }
    }
}
