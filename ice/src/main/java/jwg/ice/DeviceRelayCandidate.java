package jwg.ice;

import java.net.SocketException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Candidate;
import org.ice4j.ice.CandidateExtendedType;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * A relayed candidate on the device's own TURN allocation ({@link TurnRelay}) instead of ice4j's:
 * its checks go as Send indications from the device's socket ({@link RelaySocket}), and once it is
 * the selected pair's, the peer's WireGuard datagrams go as ChannelData in the device's batches.
 * Its own base, as ice4j's relayed candidates are.
 */
final class DeviceRelayCandidate extends LocalCandidate {
    private final TurnRelay relay;
    private final IceSocketWrapper socket;

    DeviceRelayCandidate(Component component, LocalCandidate related, TurnRelay relay, RelaySocket s)
            throws SocketException {
        super(
                new TransportAddress(relay.relayed(), Transport.UDP),
                component,
                CandidateType.RELAYED_CANDIDATE,
                CandidateExtendedType.TURN_RELAYED_CANDIDATE,
                related);
        this.relay = relay;
        this.socket = new IceUdpSocketWrapper(new MultiplexingDatagramSocket(s));
        setBase(this);
        setRelayServerAddress(new TransportAddress(relay.server().address(), Transport.UDP));
        if (relay.mapped() != null) setMappedAddress(new TransportAddress(relay.mapped(), Transport.UDP));
    }

    /** Pairs only with remote candidates the TURN server can reach ({@link RelayReach}), as ice4j's relays do here. */
    @Override
    public boolean canReach(Candidate<?> remote) {
        return super.canReach(remote)
                && RelayReach.mayCheck(relay.server().address().getAddress(), remote);
    }

    TurnRelay relay() {
        return relay;
    }

    @Override
    protected IceSocketWrapper getCandidateIceSocketWrapper() {
        return socket;
    }
}
