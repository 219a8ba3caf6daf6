package jwg.ice;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.AbstractCandidateHarvester;

/**
 * TURN for one agent on the device's own allocation ({@link StunMux#relay}, shared by all agents:
 * one allocation per 5-tuple): one {@link DeviceRelayCandidate} per TURN server. The fast relayed
 * path; {@link RelayHarvester} (ice4j's allocation, with {@link RelayProxy}) is the fallback
 * ({@code -Djwg.relay=proxy} or {@code JWG_RELAY=proxy}).
 */
final class DeviceRelayHarvester extends AbstractCandidateHarvester {
    private static final Logger LOG = Logger.getLogger(DeviceRelayHarvester.class.getName());

    private final StunMux mux;
    private final IceServers.Turn turn;
    private final String ufrag;
    private final List<RelaySocket> sockets = new ArrayList<>();

    DeviceRelayHarvester(StunMux mux, IceServers.Turn turn, String ufrag) {
        this.mux = mux;
        this.turn = turn;
        this.ufrag = ufrag;
    }

    /**
     * True unless {@code -Djwg.relay=proxy} or the environment's {@code JWG_RELAY=proxy} forces
     * ice4j's relayed socket and the loopback proxy (the fallback; the benchmark's comparison).
     */
    static boolean enabled() {
        return !"proxy".equals(System.getProperty("jwg.relay", System.getenv("JWG_RELAY")));
    }

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        List<LocalCandidate> out = new ArrayList<>();
        try {
            TurnRelay relay = mux.relay(turn);
            RelaySocket s = new RelaySocket(mux, relay, ufrag);
            synchronized (sockets) {
                sockets.add(s);
            }
            LocalCandidate related = null;
            for (LocalCandidate c : component.getLocalCandidates())
                if (c.getType() == CandidateType.HOST_CANDIDATE
                        && c.getTransportAddress().isIPv6()
                                == relay.relayed().getAddress() instanceof java.net.Inet6Address) {
                    related = c;
                    break;
                }
            DeviceRelayCandidate c = new DeviceRelayCandidate(component, related, relay, s);
            component.addLocalCandidate(c);
            c.getStunStack().addSocket(c.getStunSocket(null));
            out.add(c);
        } catch (IOException | RuntimeException e) {
            LOG.warning("TURN " + turn.address() + " on the device's socket: " + e.getMessage());
        }
        return out;
    }

    /** Closes the candidates' sockets (the agent is done); the allocation stays for the next agent. */
    void close() {
        synchronized (sockets) {
            sockets.forEach(RelaySocket::close);
            sockets.clear();
        }
    }
}
