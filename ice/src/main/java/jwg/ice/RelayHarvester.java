package jwg.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Candidate;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.RelayedCandidate;
import org.ice4j.ice.harvest.TurnCandidateHarvest;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.message.Response;
import org.ice4j.security.LongTermCredential;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * TURN for one agent through a socket of its own. The host candidates share the device's port,
 * but a TURN allocation is identified by its 5-tuple: sessions of several peers (or a new session
 * while the old allocation is still being released) could not each hold one on the same port.
 * Relayed WireGuard traffic goes through the {@link RelayProxy} anyway, never through the
 * device's socket, so each allocation gets a fresh ephemeral socket on the host candidate's
 * address; it is not a candidate itself, only the relayed candidate's base.
 * (With a shared port, unreachable peer candidates also made ice4j's TURN client loop on
 * CreatePermission/400 — seen against coturn in IceRelayTest.)
 */
final class RelayHarvester extends TurnCandidateHarvester {
    private static final Logger LOG = Logger.getLogger(RelayHarvester.class.getName());
    private final List<MultiplexingDatagramSocket> sockets = new CopyOnWriteArrayList<>();
    private final List<Relayed> relayed = new CopyOnWriteArrayList<>();
    private final InetAddress server;
    private final int fwmark;

    /** {@code fwmark}: the device's, carried by the allocation's socket (0: none; see {@link MarkedSocket}). */
    RelayHarvester(IceServers.Turn turn, int fwmark) {
        super(
                new TransportAddress(turn.address(), Transport.UDP),
                new LongTermCredential(turn.username(), turn.password()));
        this.server = turn.address().getAddress();
        this.fwmark = fwmark;
    }

    @Override
    protected HostCandidate getHostCandidate(HostCandidate shared) {
        try {
            MultiplexingDatagramSocket s = new MultiplexingDatagramSocket(MarkedSocket.open(
                    new InetSocketAddress(shared.getTransportAddress().getAddress(), 0), fwmark));
            sockets.add(s);
            HostCandidate base =
                    new HostCandidate(new IceUdpSocketWrapper(s), shared.getParentComponent(), Transport.UDP);
            shared.getStunStack().addSocket(base.getStunSocket(null));
            return base;
        } catch (SocketException e) {
            LOG.warning("TURN socket on " + shared.getTransportAddress() + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * A TURN harvest that adds only the relayed candidate: the server-reflexive address the
     * Allocate response carries is that of the allocation's private socket, which carries no
     * WireGuard and must not pair with anything (the device's srflx comes from the STUN harvester).
     */
    @Override
    protected TurnCandidateHarvest createHarvest(HostCandidate hostCandidate) {
        return new TurnCandidateHarvest(this, hostCandidate) {
            @Override
            protected void createServerReflexiveCandidate(Response response) {
                // none: see above
            }

            @Override
            protected RelayedCandidate createRelayedCandidate(TransportAddress address, TransportAddress mapped) {
                Relayed r = new Relayed(address, this, mapped, server);
                relayed.add(r);
                return r;
            }
        };
    }

    /** A relayed candidate that pairs only with remote candidates its server can reach ({@link RelayReach}). */
    private static final class Relayed extends RelayedCandidate {
        private final InetAddress server;

        Relayed(TransportAddress address, TurnCandidateHarvest harvest, TransportAddress mapped, InetAddress server) {
            super(address, harvest, mapped);
            this.server = server;
        }

        @Override
        public boolean canReach(Candidate<?> remote) {
            if (!super.canReach(remote)) return false;
            boolean may = RelayReach.mayCheck(server, remote);
            if (!may) LOG.fine("relay " + getTransportAddress() + ": no checks to " + remote.getTransportAddress());
            return may;
        }
    }

    /**
     * Closes the relayed candidates' sockets: call it before the agent is freed. ice4j's relayed
     * socket sends (Send indications, ChannelData) from a thread of its own while holding its
     * queue's lock and then asks the agent's NetAccessManager for a connector (its map's lock),
     * while {@code Agent.free} closes that socket holding the map's lock and waiting for the
     * queue's: the two threads deadlocked (seen in IceRelayTest, relay to relay through jwg relay
     * with ice4j's client). Closed here first, no one holds the map: the send finishes, the socket
     * closes, and the agent's own close of it later finds nothing to wait for.
     */
    void closeRelayed() {
        for (Relayed r : relayed) {
            try {
                r.getCandidateIceSocketWrapper().close();
            } catch (RuntimeException e) {
                LOG.fine("closing a relayed socket: " + e);
            }
        }
        relayed.clear();
    }

    /** Closes the allocations' sockets (after the agent is freed). */
    void close() {
        for (MultiplexingDatagramSocket s : sockets) s.close();
        sockets.clear();
    }
}
