package jwg.ice.doctor;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import jwg.ice.ConnectionState;
import jwg.ice.PathType;
import jwg.ice.RelayPolicy;
import jwg.ice.doctor.NatDiscovery.Mapping;

/**
 * Why a peer's path is what it is: one table of rules, the first that matches explains. The facts
 * are this host's NAT mapping (our own discovery; the peer's NAT is not known here), the peer's
 * state and path, the candidate types it offered, and how its sessions went.
 */
final class PathExplanation {
    /** What the doctor knows about one peer. */
    record Facts(
            ConnectionState state,
            PathType path,
            String localType,
            String remoteType,
            List<String> remoteTypes,
            int sessionsStarted,
            int sessionsFailed,
            String lastEvent,
            Mapping ourMapping,
            boolean turnConfigured,
            boolean turnWorks,
            boolean signalConnected,
            RelayPolicy relayPolicy) {
        public Facts {
            remoteTypes = List.copyOf(remoteTypes);
        }

        boolean connected() {
            return state == ConnectionState.CONNECTED;
        }

        boolean relayed() {
            return connected() && path == PathType.RELAYED;
        }

        boolean peerOffers(String type) {
            return remoteTypes.contains(type);
        }

        boolean peerOffersOnlyRelays() {
            return !remoteTypes.isEmpty() && remoteTypes.stream().allMatch("relay"::equals);
        }

        boolean failedAndNotConnecting() {
            return state == ConnectionState.CONNECTING && sessionsFailed > 0;
        }
    }

    /** One row: when it applies, and what it says. */
    record Rule(String name, Predicate<Facts> when, Function<Facts, String> says) {}

    static final String SYMMETRIC = "relayed: this host is behind an address-and-port-dependent (symmetric) NAT"
            + " and the peer's direct candidates did not answer";
    static final String FIREWALL = "relayed: this host's NAT maps endpoint-independently and the peer offered"
            + " server-reflexive candidates, but direct UDP between them failed — a firewall is likely blocking UDP"
            + " between the two networks (or the peer's NAT is symmetric: run jwg doctor there)";

    static final List<Rule> RULES = List.of(
            new Rule(
                    "idle, never connected",
                    f -> f.state() == ConnectionState.IDLE && f.sessionsStarted() == 0,
                    f -> "idle (lazy): no traffic yet"),
            new Rule(
                    "idle again",
                    f -> f.state() == ConnectionState.IDLE,
                    f -> "idle (lazy): no traffic for the idle timeout, the path is closed until the next packet"),
            new Rule(
                    "host path",
                    f -> f.connected() && f.path() == PathType.P2P_HOST,
                    f -> "P2P direct (host candidates on the same network)"),
            new Rule(
                    "peer-reflexive path",
                    f -> f.connected()
                            && f.path() == PathType.P2P_REFLEXIVE
                            && ("prflx".equals(f.localType()) || "prflx".equals(f.remoteType())),
                    f -> "P2P through NAT (peer-reflexive: an address learned from the connectivity checks)"),
            new Rule(
                    "reflexive path",
                    f -> f.connected() && f.path() == PathType.P2P_REFLEXIVE,
                    f -> "P2P through NAT (server-reflexive)"),
            new Rule(
                    "relayed, forced",
                    f -> f.relayed() && f.relayPolicy() == RelayPolicy.FORCE,
                    f -> "relayed on purpose: IceRelay = force (only relayed pairs are tried)"),
            new Rule(
                    "relayed, symmetric here",
                    f -> f.relayed() && f.ourMapping() == Mapping.ADDRESS_AND_PORT_DEPENDENT,
                    f -> SYMMETRIC),
            new Rule(
                    "relayed, address-dependent here",
                    f -> f.relayed() && f.ourMapping() == Mapping.ADDRESS_DEPENDENT,
                    f -> "relayed: this host is behind an address-dependent NAT (a new mapping per destination address)"
                            + " and the peer's direct candidates did not answer"),
            new Rule(
                    "relayed, peer relay-only",
                    f -> f.relayed() && f.peerOffersOnlyRelays(),
                    f -> "relayed: the peer offered only relay candidates"),
            new Rule(
                    "relayed, peer without srflx",
                    f -> f.relayed() && !f.peerOffers("srflx"),
                    f -> "relayed: the peer offered no server-reflexive candidate (its STUN server may be unreachable)"
                            + " and its host addresses are not reachable from here"),
            new Rule(
                    "relayed, EIM here",
                    f -> f.relayed() && f.ourMapping() == Mapping.ENDPOINT_INDEPENDENT,
                    f -> FIREWALL),
            new Rule(
                    "relayed, no NAT here",
                    f -> f.relayed() && f.ourMapping() == Mapping.NO_NAT,
                    f -> "relayed: this host has no NAT, yet the peer's direct candidates did not answer — the peer's"
                            + " NAT is likely symmetric or a firewall blocks UDP"),
            new Rule(
                    "relayed, NAT unknown",
                    PathExplanation.Facts::relayed,
                    f -> "relayed: the direct candidates did not answer (this host's NAT behaviour is unknown)"),
            new Rule(
                    "signaling down",
                    f -> !f.connected() && !f.signalConnected(),
                    f -> "not connected: the signaling server is unreachable, so no candidates can be exchanged"),
            new Rule(
                    "no answer from the peer",
                    f -> !f.connected() && f.remoteTypes().isEmpty() && f.sessionsStarted() > 0,
                    f -> "not connected: no candidates from the peer yet (is it up, on the same signaling server?)"),
            new Rule(
                    "direct only",
                    f -> f.failedAndNotConnecting() && f.relayPolicy() == RelayPolicy.OFF,
                    f -> "not connected: IceRelay = off (direct only) and no direct pair answered"
                            + switch (f.ourMapping()) {
                                case ADDRESS_AND_PORT_DEPENDENT ->
                                    " — this host's NAT is symmetric (address-and-port-dependent): only a relay"
                                            + " can reach it unless the peer has no NAT";
                                case ADDRESS_DEPENDENT ->
                                    " — this host's NAT is address-dependent: only a relay can reach it unless the"
                                            + " peer has no NAT";
                                default -> " (the peer's NAT may be symmetric: run jwg doctor there)";
                            }
                            + "; allow the relay with IceRelay = on"),
            new Rule(
                    "forced relay failed",
                    f -> f.failedAndNotConnecting() && f.relayPolicy() == RelayPolicy.FORCE,
                    f -> "not connected: IceRelay = force and no relayed pair answered"
                            + (f.turnConfigured() ? "" : " (no TURN server configured here)")),
            new Rule(
                    "no TURN",
                    f -> f.failedAndNotConnecting() && !f.turnConfigured(),
                    f -> "not connected: no TURN server configured and no direct path"
                            + (f.ourMapping() == Mapping.ADDRESS_AND_PORT_DEPENDENT
                                    ? " (this host's NAT is symmetric)"
                                    : "")),
            new Rule(
                    "TURN broken",
                    f -> f.failedAndNotConnecting() && !f.turnWorks(),
                    f -> "not connected: no direct path, and the TURN server check failed (see relays above)"),
            new Rule(
                    "failed",
                    PathExplanation.Facts::failedAndNotConnecting,
                    f -> "not connected: ICE failed " + f.sessionsFailed() + " time(s); last: " + f.lastEvent()),
            new Rule("connecting", f -> true, f -> "connecting: " + f.lastEvent()));

    private PathExplanation() {}

    /** The first matching rule's sentence (the last rule matches everything). */
    static String explain(Facts f) {
        return rule(f).says().apply(f);
    }

    static Rule rule(Facts f) {
        for (Rule r : RULES) if (r.when().test(f)) return r;
        throw new IllegalStateException("the last rule matches everything");
    }
}
