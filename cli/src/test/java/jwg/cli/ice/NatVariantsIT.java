package jwg.cli.ice;

import jwg.testkit.LabOptions;
import jwg.testkit.NatLab.Topology;
import org.junit.jupiter.api.Test;

/**
 * The NAT lab's variants of real home networks (issue 13, item 3), each with the path it must end
 * on: both home LANs on the same subnet (both hosts at 198.51.100.10), both peers on port 51820
 * (every lab test), routers without a WAN input firewall, and a TURN server without a default
 * route (coturn deletes an allocation whose relayed send fails with "network unreachable").
 * Every case: a lazy peer woken by the first ping, the path both sides report, 20 MB sha256-checked.
 */
class NatVariantsIT {
    private static final LabOptions SAME_SUBNET = LabOptions.DEFAULT.withSameSubnet(true);
    private static final LabOptions NO_FIREWALL = LabOptions.DEFAULT.withWanInputFirewall(false);
    private static final LabOptions TURN_NO_ROUTE = LabOptions.DEFAULT.withTurnDefaultRoute(false);

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
     * Without the WAN firewall on either router, the first direct check that reaches the other
     * router before that side's own outbound check leaves a conntrack entry there, and that side's
     * outbound flow to us is then masqueraded to another port (NatLabIT proves the mechanism):
     * every 4-tuple is spoilt by whichever packet arrives first. Only a simultaneous open (both
     * sides' first packets out before either arrives) avoids it, and the lab's routers are
     * microseconds apart (no netem in this kernel to model real latency): the pair must connect and
     * carry traffic, relayed or, should the checks ever cross in time, P2P. The path is printed.
     */
    @Test
    void twoConeNatsWithoutWanFirewallConnect() throws Exception {
        IceLabIT.pathAndTransfer(Topology.CONE_CONE, NO_FIREWALL, "RELAYED", "P2P_REFLEXIVE");
    }

    @Test
    void twoSymmetricNatsWithoutWanFirewallAreRelayed() throws Exception {
        IceLabIT.pathAndTransfer(Topology.SYMMETRIC_SYMMETRIC, NO_FIREWALL, "RELAYED");
    }
}
