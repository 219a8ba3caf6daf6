package jwg.cli.ice;

import java.util.ArrayList;
import java.util.List;
import jwg.testkit.LabOptions;
import jwg.testkit.NatLab.Topology;
import org.junit.jupiter.api.Test;

/**
 * The NAT lab's variants of real home networks (issue 13, item 3), each with the path it must end
 * on: both home LANs on the same subnet (both hosts at 198.51.100.10), both peers on port 51820
 * (every lab test), routers without a WAN input firewall, and a TURN server without a default
 * route (coturn deletes an allocation whose relayed send fails with "network unreachable"), and
 * routers an ISP hop apart (the TTL primer's lab).
 * Every case: a lazy peer woken by the first ping, the path both sides report, 20 MB sha256-checked.
 */
class NatVariantsIT {
    private static final LabOptions SAME_SUBNET = LabOptions.DEFAULT.withSameSubnet(true);
    private static final LabOptions NO_FIREWALL = LabOptions.DEFAULT.withWanInputFirewall(false);
    private static final LabOptions TURN_NO_ROUTE = LabOptions.DEFAULT.withTurnDefaultRoute(false);
    private static final LabOptions NO_FIREWALL_ISP = NO_FIREWALL.withIspHop(true);
    /** Fresh labs per case of the primer's rows ({@code -Djwg.test.ttlAttempts}, default 1). */
    private static final int ATTEMPTS = Integer.getInteger("jwg.test.ttlAttempts", 1);

    @Test
    void sameSubnetSamePortBehindTwoConeNatsIsReflexive() throws Exception {
        IceLabIT.pathAndTransfer(Topology.CONE_CONE, SAME_SUBNET, "P2P_REFLEXIVE");
    }

    @Test
    void sameSubnetBehindTwoSymmetricNatsIsRelayed() throws Exception {
        IceLabIT.pathAndTransfer(Topology.SYMMETRIC_SYMMETRIC, SAME_SUBNET, "RELAYED");
    }

    @Test
    void turnServerWithoutDefaultRouteLeavesTheSameLanPathAlone() throws Exception {
        IceLabIT.pathAndTransfer(Topology.SAME_LAN, TURN_NO_ROUTE, "P2P_HOST");
    }

    @Test
    void turnServerWithoutDefaultRouteLeavesTheReflexivePathAlone() throws Exception {
        IceLabIT.pathAndTransfer(Topology.CONE_CONE, TURN_NO_ROUTE, "P2P_REFLEXIVE");
    }

    @Test
    void turnServerWithoutDefaultRouteStillRelays() throws Exception {
        IceLabIT.pathAndTransfer(Topology.SYMMETRIC_SYMMETRIC, TURN_NO_ROUTE, "RELAYED");
    }

    /**
     * Without the WAN firewall on either router, the first direct packet that reaches the other
     * router before that side's own outbound packet leaves a conntrack entry there, and that side's
     * outbound flow to us is then masqueraded to another port (NatLabIT proves the mechanism). The
     * answerer's TTL primer (TtlPrimer) maps its own router first and keeps its checks from reaching
     * the offerer's router until the offerer has been heard: with the routers an ISP hop apart (as
     * real routers are) the pair must end P2P_REFLEXIVE. {@code -Djwg.test.ttlAttempts=N} (default
     * 1) repeats it N times, each a fresh lab with cold lazy peers; the counts and times are printed.
     */
    @Test
    void twoConeNatsWithoutWanFirewallAnIspHopApartAreReflexive() throws Exception {
        List<IceLabIT.Wake> wakes = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS; i++)
            wakes.add(IceLabIT.wake(Topology.CONE_CONE, NO_FIREWALL_ISP, "", i == 0, "P2P_REFLEXIVE"));
        report("with the TTL primer", wakes);
    }

    /**
     * The control: the same lab with the primer switched off ({@code -Djwg.ice.noTtlPrimer=true} in
     * both daemons). Whichever check arrives first spoils that router's mapping: the pair connects,
     * relayed, or P2P should the checks ever cross in time. Counted over the same attempts.
     */
    @Test
    void withoutThePrimerTheSameLabConnectsRelayedOrByChance() throws Exception {
        List<IceLabIT.Wake> wakes = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS; i++)
            wakes.add(IceLabIT.wake(
                    Topology.CONE_CONE,
                    NO_FIREWALL_ISP,
                    "-Djwg.ice.noTtlPrimer=true",
                    false,
                    "RELAYED",
                    "P2P_REFLEXIVE"));
        report("without the TTL primer (control)", wakes);
    }

    /**
     * Routers adjacent on one segment (the lab's default, no ISP hop): the primer's TTL 2 reaches
     * the other router with TTL 1, which still takes it (docs/ice.md, the primer's limits). Nothing
     * is worse than before: the pair connects, relayed or P2P. The path is printed.
     */
    @Test
    void twoConeNatsWithoutWanFirewallOnOneSegmentConnect() throws Exception {
        IceLabIT.pathAndTransfer(Topology.CONE_CONE, NO_FIREWALL, "RELAYED", "P2P_REFLEXIVE");
    }

    private static void report(String what, List<IceLabIT.Wake> wakes) {
        List<Long> ms = wakes.stream().map(IceLabIT.Wake::millis).sorted().toList();
        long p2p = wakes.stream().filter(w -> w.path().equals("P2P_REFLEXIVE")).count();
        System.out.println("[ice-lab] no WAN firewall, ISP hop, " + what + ": " + p2p + " of " + wakes.size()
                + " P2P_REFLEXIVE, " + (wakes.size() - p2p) + " other "
                + wakes.stream().map(IceLabIT.Wake::path).toList()
                + "; first ping answered in ms: min " + ms.getFirst() + " median " + ms.get(ms.size() / 2) + " max "
                + ms.getLast() + " " + wakes.stream().map(IceLabIT.Wake::millis).toList());
    }

    @Test
    void twoSymmetricNatsWithoutWanFirewallAreRelayed() throws Exception {
        IceLabIT.pathAndTransfer(Topology.SYMMETRIC_SYMMETRIC, NO_FIREWALL, "RELAYED");
    }
}
