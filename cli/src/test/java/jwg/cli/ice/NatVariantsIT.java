package jwg.cli.ice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
        attempts(
                "with the TTL primer",
                first -> IceLabIT.wake(Topology.CONE_CONE, NO_FIREWALL_ISP, "", first, "P2P_REFLEXIVE"));
    }

    /**
     * The control: the same lab with the primer switched off ({@code -Djwg.ice.noTtlPrimer=true} in
     * both daemons). Whichever check arrives first spoils that router's mapping: the pair reports
     * RELAYED, P2P should the checks cross in time, a path already lost again (a spoilt direct pair
     * whose consent failed), or the first ping went unanswered in 10 s. Counted, not asserted.
     */
    @Test
    void withoutThePrimerTheSameLabConnectsRelayedOrByChance() throws Exception {
        attempts(
                "without the TTL primer (control)",
                first -> IceLabIT.wake(Topology.CONE_CONE, NO_FIREWALL_ISP, "-Djwg.ice.noTtlPrimer=true", false));
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

    /** One attempt: a fresh lab, a cold lazy peer woken, the path asserted ({@code first}: with the transfer). */
    private interface Attempt {
        IceLabIT.Wake run(boolean first) throws Exception;
    }

    /**
     * {@link #ATTEMPTS} attempts, each logged at once to {@code target/ttl-primer-attempts.txt}. A
     * lab that does not come up in time on a loaded machine (a daemon in {@code jwg up}'s 30 s, the
     * signaling server, the warm-up) is no path outcome: that attempt is logged and retried, at
     * most 5 times in all.
     */
    private static void attempts(String what, Attempt attempt) throws Exception {
        List<IceLabIT.Wake> wakes = new ArrayList<>();
        int notUp = 0;
        while (wakes.size() < ATTEMPTS) {
            IceLabIT.Wake w;
            try {
                w = attempt.run(wakes.isEmpty());
            } catch (AssertionError e) {
                String m = String.valueOf(e.getMessage());
                boolean setup = m.contains("did not come up") // jwg up's 30 s
                        || m.contains("not ready") // the signaling server's 20 s
                        || m.contains("warm-up did not finish") // both daemons' start-up gathering, 15 s
                        || m.contains("no answer to our offer in"); // a daemon too slow to answer: no ICE ran
                if (!setup || ++notUp > 5) {
                    log(what + ": attempt " + (wakes.size() + 1) + " FAILED: "
                            + m.lines().findFirst().orElse(""));
                    throw e;
                }
                log(what + ": the lab did not come up (" + m.lines().findFirst().orElse("") + "; load " + loadavg()
                        + "), retried");
                continue;
            }
            wakes.add(w);
            log(what + ": attempt " + wakes.size() + " " + w.path() + " in " + w.millis() + " ms (load " + loadavg()
                    + ")");
        }
        report(what, wakes);
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void log(String line) throws IOException {
        String stamped = java.time.Instant.now() + " " + line;
        System.out.println("[ice-lab] " + stamped);
        Files.writeString(
                Path.of("target", "ttl-primer-attempts.txt"),
                stamped + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static void report(String what, List<IceLabIT.Wake> wakes) throws IOException {
        List<Long> ms = wakes.stream().map(IceLabIT.Wake::millis).sorted().toList();
        long p2p = wakes.stream().filter(w -> w.path().equals("P2P_REFLEXIVE")).count();
        log("no WAN firewall, ISP hop, " + what + ": " + p2p + " of " + wakes.size()
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
