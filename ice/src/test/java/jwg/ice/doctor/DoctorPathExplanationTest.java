package jwg.ice.doctor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jwg.ice.ConnectionState;
import jwg.ice.PathType;
import jwg.ice.RelayPolicy;
import jwg.ice.doctor.NatDiscovery.Mapping;
import jwg.ice.doctor.PathExplanation.Facts;
import org.junit.jupiter.api.Test;

/** The peer-explanation table: each case names the rule that must decide it and words it must say. */
class DoctorPathExplanationTest {
    static final List<String> ALL = List.of("host", "srflx", "relay");

    record Case(Facts facts, String rule, String says) {}

    static Facts connected(PathType path, String local, String remote, List<String> remoteTypes, Mapping m) {
        return new Facts(
                ConnectionState.CONNECTED,
                path,
                local,
                remote,
                remoteTypes,
                1,
                0,
                "connected",
                m,
                true,
                true,
                true,
                RelayPolicy.ON);
    }

    static Facts connecting(
            List<String> remoteTypes,
            int started,
            int failed,
            Mapping m,
            boolean turn,
            boolean turnWorks,
            boolean signal) {
        return new Facts(
                ConnectionState.CONNECTING,
                PathType.NONE,
                null,
                null,
                remoteTypes,
                started,
                failed,
                "ICE checks failed: no candidate pair worked",
                m,
                turn,
                turnWorks,
                signal,
                RelayPolicy.ON);
    }

    static Facts with(Facts f, RelayPolicy p) {
        return new Facts(
                f.state(),
                f.path(),
                f.localType(),
                f.remoteType(),
                f.remoteTypes(),
                f.sessionsStarted(),
                f.sessionsFailed(),
                f.lastEvent(),
                f.ourMapping(),
                f.turnConfigured(),
                f.turnWorks(),
                f.signalConnected(),
                p);
    }

    static final List<Case> CASES = List.of(
            new Case(
                    with(
                            connected(PathType.RELAYED, "relay", "host", ALL, Mapping.ENDPOINT_INDEPENDENT),
                            RelayPolicy.FORCE),
                    "relayed, forced",
                    "relayed on purpose: IceRelay = force"),
            new Case(
                    with(connecting(ALL, 3, 3, Mapping.ADDRESS_AND_PORT_DEPENDENT, true, true, true), RelayPolicy.OFF),
                    "direct only",
                    "not connected: IceRelay = off (direct only) and no direct pair answered — this host's NAT is"
                            + " symmetric"),
            new Case(
                    with(connecting(ALL, 3, 3, Mapping.UNKNOWN, false, false, true), RelayPolicy.FORCE),
                    "forced relay failed",
                    "not connected: IceRelay = force and no relayed pair answered (no TURN server configured here)"),
            new Case(
                    new Facts(
                            ConnectionState.IDLE,
                            PathType.NONE,
                            null,
                            null,
                            List.of(),
                            0,
                            0,
                            "new",
                            Mapping.UNKNOWN,
                            true,
                            true,
                            true,
                            RelayPolicy.ON),
                    "idle, never connected",
                    "idle (lazy): no traffic yet"),
            new Case(
                    new Facts(
                            ConnectionState.IDLE,
                            PathType.NONE,
                            null,
                            null,
                            ALL,
                            2,
                            0,
                            "idle: no traffic",
                            Mapping.UNKNOWN,
                            true,
                            true,
                            true,
                            RelayPolicy.ON),
                    "idle again",
                    "idle (lazy): no traffic for the idle timeout"),
            new Case(
                    connected(PathType.P2P_HOST, "host", "host", ALL, Mapping.ENDPOINT_INDEPENDENT),
                    "host path",
                    "P2P direct (host candidates on the same network)"),
            new Case(
                    connected(PathType.P2P_REFLEXIVE, "host", "prflx", ALL, Mapping.ENDPOINT_INDEPENDENT),
                    "peer-reflexive path",
                    "P2P through NAT (peer-reflexive"),
            new Case(
                    connected(PathType.P2P_REFLEXIVE, "srflx", "srflx", ALL, Mapping.ENDPOINT_INDEPENDENT),
                    "reflexive path",
                    "P2P through NAT (server-reflexive)"),
            new Case(
                    connected(PathType.RELAYED, "relay", "srflx", ALL, Mapping.ADDRESS_AND_PORT_DEPENDENT),
                    "relayed, symmetric here",
                    "address-and-port-dependent (symmetric) NAT and the peer's direct candidates did not answer"),
            new Case(
                    connected(PathType.RELAYED, "relay", "srflx", ALL, Mapping.ADDRESS_DEPENDENT),
                    "relayed, address-dependent here",
                    "address-dependent NAT"),
            new Case(
                    connected(PathType.RELAYED, "relay", "relay", List.of("relay"), Mapping.ENDPOINT_INDEPENDENT),
                    "relayed, peer relay-only",
                    "only relay candidates"),
            new Case(
                    connected(
                            PathType.RELAYED, "relay", "relay", List.of("host", "relay"), Mapping.ENDPOINT_INDEPENDENT),
                    "relayed, peer without srflx",
                    "no server-reflexive candidate"),
            new Case(
                    connected(PathType.RELAYED, "relay", "srflx", ALL, Mapping.ENDPOINT_INDEPENDENT),
                    "relayed, EIM here",
                    "a firewall is likely blocking UDP between the two networks"),
            new Case(
                    connected(PathType.RELAYED, "relay", "srflx", ALL, Mapping.NO_NAT),
                    "relayed, no NAT here",
                    "this host has no NAT"),
            new Case(
                    connected(PathType.RELAYED, "relay", "srflx", ALL, Mapping.UNKNOWN),
                    "relayed, NAT unknown",
                    "NAT behaviour is unknown"),
            new Case(
                    connecting(List.of(), 1, 0, Mapping.ENDPOINT_INDEPENDENT, true, true, false),
                    "signaling down",
                    "signaling server is unreachable"),
            new Case(
                    connecting(List.of(), 2, 1, Mapping.ENDPOINT_INDEPENDENT, true, true, true),
                    "no answer from the peer",
                    "no candidates from the peer yet"),
            new Case(
                    connecting(ALL, 2, 2, Mapping.ADDRESS_AND_PORT_DEPENDENT, false, false, true),
                    "no TURN",
                    "not connected: no TURN server configured and no direct path (this host's NAT is symmetric)"),
            new Case(
                    connecting(ALL, 2, 2, Mapping.ENDPOINT_INDEPENDENT, true, false, true),
                    "TURN broken",
                    "the TURN server check failed"),
            new Case(
                    connecting(ALL, 3, 3, Mapping.ENDPOINT_INDEPENDENT, true, true, true),
                    "failed",
                    "ICE failed 3 time(s); last: ICE checks failed"),
            new Case(
                    connecting(ALL, 1, 0, Mapping.ENDPOINT_INDEPENDENT, true, true, true),
                    "connecting",
                    "connecting: "));

    @Test
    void eachCaseIsDecidedByItsRule() {
        for (Case c : CASES) {
            assertEquals(c.rule(), PathExplanation.rule(c.facts()).name(), c.toString());
            String said = PathExplanation.explain(c.facts());
            assertTrue(said.contains(c.says()), c.rule() + ": " + said);
        }
    }

    /** The table matches on the status's candidate-type strings, which are ice4j's names. */
    @Test
    void candidateTypeNamesAreIce4js() {
        assertEquals("host", org.ice4j.ice.CandidateType.HOST_CANDIDATE.toString());
        assertEquals("srflx", org.ice4j.ice.CandidateType.SERVER_REFLEXIVE_CANDIDATE.toString());
        assertEquals("prflx", org.ice4j.ice.CandidateType.PEER_REFLEXIVE_CANDIDATE.toString());
        assertEquals("relay", org.ice4j.ice.CandidateType.RELAYED_CANDIDATE.toString());
    }

    @Test
    void everyRuleHasACase() {
        Set<String> covered = new HashSet<>();
        for (Case c : CASES) covered.add(c.rule());
        for (PathExplanation.Rule r : PathExplanation.RULES)
            assertTrue(covered.contains(r.name()), "no case for rule " + r.name());
    }

    @Test
    void aNoTurnSentenceForAnEndpointIndependentNatSaysNothingAboutSymmetry() {
        String s = PathExplanation.explain(connecting(ALL, 2, 2, Mapping.ENDPOINT_INDEPENDENT, false, false, true));
        assertEquals("not connected: no TURN server configured and no direct path", s);
    }
}
