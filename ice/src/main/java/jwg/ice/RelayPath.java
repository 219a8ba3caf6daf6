package jwg.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.ice4j.ice.CandidatePair;

/**
 * How a relayed pair's WireGuard datagrams travel: through the device's own TURN channel
 * ({@link Channel}: framed in {@link IceBind}, the endpoint stays the peer's address) or through
 * ice4j's relayed socket and the loopback {@link RelayProxy} (the fallback, and what
 * {@code -Djwg.relay=proxy} forces).
 */
sealed interface RelayPath extends AutoCloseable permits RelayPath.Channel, RelayProxy {
    /** Where the device sends the peer's datagrams. */
    InetSocketAddress endpoint();

    @Override
    void close();

    /** The path for the selected relayed {@code pair} to {@code remote}. */
    static RelayPath open(CandidatePair pair, InetSocketAddress remote, RelayPath current, int devicePort, String name)
            throws IOException {
        if (pair.getLocalCandidate() instanceof DeviceRelayCandidate c) {
            if (current instanceof Channel ch && ch.relay == c.relay() && ch.peer.equals(remote)) return ch;
            c.relay().bind(remote);
            return new Channel(c.relay(), remote);
        }
        return new RelayProxy(pair, devicePort, name);
    }

    /** The peer's channel on the device's allocation; closing it removes the route. */
    final class Channel implements RelayPath {
        private final TurnRelay relay;
        private final InetSocketAddress peer;

        Channel(TurnRelay relay, InetSocketAddress peer) {
            this.relay = relay;
            this.peer = peer;
        }

        @Override
        public InetSocketAddress endpoint() {
            return peer;
        }

        @Override
        public void close() {
            relay.unbind(peer);
        }
    }
}
