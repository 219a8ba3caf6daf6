package jwg.ice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.ice4j.Transport;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.AbstractCandidateHarvester;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * The host candidates of one agent: one per usable local address, all on the device's own UDP
 * port. Each candidate's "socket" is a {@link SharedSocket} registered with the {@link StunMux},
 * wrapped as ice4j expects (a {@link MultiplexingDatagramSocket} in an {@link IceUdpSocketWrapper})
 * and registered with the agent's StunStack, so the STUN and TURN harvesters and the connectivity
 * checks all run over the device's socket. Interfaces that are down, the WireGuard interfaces
 * themselves and (unless asked for) loopback are skipped; so are IPv6 link-local addresses.
 */
final class SharedHostHarvester extends AbstractCandidateHarvester {
    private static final Logger LOG = Logger.getLogger(SharedHostHarvester.class.getName());

    private final StunMux mux;
    private final String ufrag;
    private final List<InetAddress> fixed;
    private final Set<String> excludedInterfaces;
    private final boolean loopback;
    private final List<SharedSocket> sockets = new ArrayList<>();

    /**
     * @param fixed addresses to use instead of enumerating interfaces (tests), or empty
     * @param excludedInterfaces interface names never used (the device's own TUN)
     */
    SharedHostHarvester(
            StunMux mux, String ufrag, List<InetAddress> fixed, Set<String> excludedInterfaces, boolean loopback) {
        this.mux = mux;
        this.ufrag = ufrag;
        this.fixed = fixed;
        this.excludedInterfaces = excludedInterfaces;
        this.loopback = loopback;
    }

    @Override
    public boolean isHostHarvester() {
        return true;
    }

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        List<LocalCandidate> out = new ArrayList<>();
        int port = mux.port();
        if (port == 0) {
            LOG.warning("no UDP port bound yet: no host candidates");
            return out;
        }
        for (InetAddress a : addresses()) {
            try {
                SharedSocket s = new SharedSocket(mux, new InetSocketAddress(a, port));
                mux.register(ufrag, s);
                sockets.add(s);
                HostCandidate c = new HostCandidate(
                        new IceUdpSocketWrapper(new MultiplexingDatagramSocket(s)), component, Transport.UDP);
                component.addLocalCandidate(c);
                c.getStunStack().addSocket(c.getStunSocket(null));
                out.add(c);
            } catch (IOException e) {
                LOG.warning("host candidate " + a + ": " + e.getMessage());
            }
        }
        return out;
    }

    List<InetAddress> addresses() {
        return HostAddresses.of(fixed, excludedInterfaces, loopback).stream()
                .map(HostAddresses.HostAddress::address)
                .toList();
    }

    /** Frees the candidates' sockets (the agent is done). */
    void close() {
        for (SharedSocket s : sockets) s.close();
        sockets.clear();
    }
}
