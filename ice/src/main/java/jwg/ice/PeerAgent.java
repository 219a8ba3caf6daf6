package jwg.ice;

import java.beans.PropertyChangeEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.NominationStrategy;
import org.ice4j.ice.harvest.StunCandidateHarvester;

/**
 * One ICE session with one peer: an ice4j {@link Agent} with a single UDP component whose host
 * candidates live on the device's socket ({@link SharedHostHarvester}), plus server-reflexive
 * (STUN) and relayed (TURN) candidates from the configured servers. Gathering happens in the
 * constructor; {@link #connect} takes the peer's ufrag, password and candidates and starts the
 * checks; the listener hears when the session completes or fails.
 */
final class PeerAgent implements AutoCloseable {
    /** How ICE ended up, for the listener. */
    enum Outcome {
        CONNECTED,
        FAILED
    }

    /** The selected pair, in the terms status views use. */
    record Selected(
            CandidateType localType, InetSocketAddress local, CandidateType remoteType, InetSocketAddress remote) {
        boolean relayed() {
            return localType == CandidateType.RELAYED_CANDIDATE || remoteType == CandidateType.RELAYED_CANDIDATE;
        }
    }

    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final SharedHostHarvester host;
    private final List<RelayHarvester> relays = new ArrayList<>();
    private final List<DeviceRelayHarvester> deviceRelays = new ArrayList<>();
    private final long sessionId;
    private final RelayPolicy relay;
    private volatile boolean closed;
    /** The peer's side as {@link #connect} took it (null before). */
    private volatile String remoteUfrag, remotePassword;

    private volatile List<String> remoteCandidates = List.of();

    /**
     * @param hosts which local addresses become host candidates
     * @param relay OFF: no TURN allocation and the peer's relayed candidates are not paired; FORCE:
     *              only relayed candidates are offered and only the peer's relayed ones paired, so
     *              every pair goes through a relay (a peer's check reaching our relay still pairs)
     * @param fwmark the device's fwmark, carried by the TURN fallback's own sockets (0: none)
     */
    PeerAgent(
            StunMux mux,
            IceServers servers,
            boolean controlling,
            long sessionId,
            IceConfig.HostCandidates hosts,
            RelayPolicy relay,
            int fwmark,
            Consumer<Outcome> listener)
            throws IOException {
        Ice4jSettings.configure();
        this.sessionId = sessionId;
        this.relay = relay;
        Agent a = new Agent();
        host = new SharedHostHarvester(
                mux, a.getLocalUfrag(), hosts.addresses(), hosts.excludedInterfaces(), hosts.loopback());
        try {
            a.setUseDynamicPorts(false);
            a.setControlling(controlling);
            a.setPerformConsentFreshness(true);
            a.setNominationStrategy(NominationStrategy.NOMINATE_FIRST_HOST_OR_REFLEXIVE_VALID);
            a.addCandidateHarvester(host);
            for (InetSocketAddress s : servers.stun())
                a.addCandidateHarvester(new StunCandidateHarvester(new TransportAddress(s, Transport.UDP)));
            for (IceServers.Turn t : relay == RelayPolicy.OFF ? List.<IceServers.Turn>of() : servers.turn()) {
                if (DeviceRelayHarvester.enabled()) {
                    DeviceRelayHarvester r = new DeviceRelayHarvester(mux, t, a.getLocalUfrag());
                    deviceRelays.add(r);
                    a.addCandidateHarvester(r);
                    continue;
                }
                RelayHarvester r = new RelayHarvester(t, fwmark);
                relays.add(r);
                a.addCandidateHarvester(r);
            }
            stream = a.createMediaStream("wg");
            component = a.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
            a.addStateChangeListener(e -> stateChanged(e, listener));
        } catch (IOException | RuntimeException e) {
            a.free();
            host.close(); // its sockets are registered with the mux: a failed agent must not leave them there
            relays.forEach(RelayHarvester::close);
            deviceRelays.forEach(DeviceRelayHarvester::close);
            throw e;
        }
        this.agent = a;
    }

    private void stateChanged(PropertyChangeEvent e, Consumer<Outcome> listener) {
        if (closed) return;
        Object s = e.getNewValue();
        if (s == IceProcessingState.COMPLETED) listener.accept(Outcome.CONNECTED);
        else if (s == IceProcessingState.FAILED) listener.accept(Outcome.FAILED);
    }

    long sessionId() {
        return sessionId;
    }

    String ufrag() {
        return agent.getLocalUfrag();
    }

    String password() {
        return agent.getLocalPassword();
    }

    /** The gathered local candidates as signaling text (with FORCE, only the relayed ones). */
    List<String> candidates() {
        List<String> out = new ArrayList<>();
        for (LocalCandidate c : component.getLocalCandidates())
            if (relay != RelayPolicy.FORCE || c.getType() == CandidateType.RELAYED_CANDIDATE)
                out.add(CandidateText.of(c).format());
        return out;
    }

    /** Which kinds of local candidates were gathered (host, srflx, relay), for doctor/status. */
    List<CandidateType> candidateTypes() {
        List<CandidateType> out = new ArrayList<>();
        for (LocalCandidate c : component.getLocalCandidates()) out.add(c.getType());
        return out;
    }

    /** Takes the peer's side and starts the connectivity checks. Unparseable candidates are skipped and returned. */
    List<String> connect(String remoteUfrag, String remotePassword, List<String> remoteCandidates) {
        List<String> rejected = new ArrayList<>();
        this.remoteUfrag = remoteUfrag;
        this.remotePassword = remotePassword;
        this.remoteCandidates = List.copyOf(remoteCandidates);
        stream.setRemoteUfrag(remoteUfrag);
        stream.setRemotePassword(remotePassword);
        for (String text : remoteCandidates) {
            try {
                CandidateText c = CandidateText.parse(text);
                boolean relayed = c.type() == CandidateType.RELAYED_CANDIDATE;
                if (relay == RelayPolicy.OFF && relayed || relay == RelayPolicy.FORCE && !relayed) continue;
                component.addRemoteCandidate(c.toRemote(component));
            } catch (IllegalArgumentException e) {
                rejected.add(e.getMessage());
            }
        }
        agent.startConnectivityEstablishment();
        return rejected;
    }

    String remoteUfrag() {
        return remoteUfrag;
    }

    String remotePassword() {
        return remotePassword;
    }

    /**
     * The peer's server-reflexive candidate (an IPv4 one first), or null: its public address as its
     * STUN server saw it — the easy side's punch target port, the hard side's public address.
     */
    InetSocketAddress remoteReflexive() {
        List<InetSocketAddress> all = CandidateText.reflexive(remoteCandidates);
        for (InetSocketAddress a : all) if (a.getAddress() instanceof java.net.Inet4Address) return a;
        return all.isEmpty() ? null : all.get(0);
    }

    /** The selected pair, or null before ICE completed. */
    Selected selected() {
        CandidatePair p = component.getSelectedPair();
        if (p == null) return null;
        return new Selected(
                p.getLocalCandidate().getType(),
                sock(p.getLocalCandidate().getTransportAddress()),
                p.getRemoteCandidate().getType(),
                sock(p.getRemoteCandidate().getTransportAddress()));
    }

    /** One pair of the check list and how its checks went (ice4j's state: Succeeded, Failed, Waiting, Frozen, In-Progress). */
    record Check(
            CandidateType localType,
            InetSocketAddress local,
            CandidateType remoteType,
            InetSocketAddress remote,
            String state,
            boolean nominated) {}

    /** The check list as it stands (for {@code jwg probe}: why the other pairs failed). */
    List<Check> checks() {
        List<Check> out = new ArrayList<>();
        CandidatePair selected = component.getSelectedPair();
        synchronized (stream.getCheckList()) {
            for (CandidatePair p : stream.getCheckList())
                out.add(new Check(
                        p.getLocalCandidate().getType(),
                        sock(p.getLocalCandidate().getTransportAddress()),
                        p.getRemoteCandidate().getType(),
                        sock(p.getRemoteCandidate().getTransportAddress()),
                        String.valueOf(p.getState()),
                        p.equals(selected)));
        }
        return out;
    }

    /** The selected pair itself (the relay proxy sends through its socket). */
    CandidatePair selectedPair() {
        return component.getSelectedPair();
    }

    /** When the selected pair last answered a consent check (ms since the epoch), or 0 if never. */
    long lastConsentMillis() {
        CandidatePair p = component.getSelectedPair();
        return p == null ? 0 : Math.max(0, p.getConsentFreshness());
    }

    private static InetSocketAddress sock(TransportAddress t) {
        return new InetSocketAddress(t.getAddress(), t.getPort());
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            relays.forEach(RelayHarvester::closeRelayed); // first: see there (an ice4j lock-order deadlock)
            agent.free();
        } finally {
            host.close();
            relays.forEach(RelayHarvester::close);
            deviceRelays.forEach(DeviceRelayHarvester::close);
        }
    }
}
