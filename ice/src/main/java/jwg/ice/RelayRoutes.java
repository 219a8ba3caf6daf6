package jwg.ice;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import jwg.dataplane.bind.Endpoint;

/**
 * The peers the device reaches through a TURN channel on its own socket: for each, the peer's
 * address (what the device has as the peer's endpoint), the TURN server the allocation is on, and
 * the channel number bound to the peer there. {@link IceBind} reads it on every datagram, so it is
 * an array replaced as a whole (copy on write) and looked up without allocating; the control side
 * ({@link TurnRelay}) adds a route once its ChannelBind succeeded and removes it when the channel
 * is gone.
 */
final class RelayRoutes {
    /** One relayed peer. The endpoints are private copies, never changed. */
    record Route(Endpoint peer, Endpoint server, int channel) {}

    private static final Route[] NONE = new Route[0];
    private volatile Route[] routes = NONE;

    /** WireGuard datagrams framed as ChannelData / unwrapped from it. */
    final LongAdder framed = new LongAdder();

    final LongAdder unwrapped = new LongAdder();

    /** ChannelData on a bound channel whose data is not WireGuard: dropped, counted. */
    final LongAdder notWireGuard = new LongAdder();

    Route[] snapshot() {
        return routes;
    }

    synchronized Route add(InetSocketAddress peer, InetSocketAddress server, int channel) {
        Route r = new Route(Endpoint.of(peer), Endpoint.of(server), channel);
        Route[] now = routes;
        Route[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = r;
        routes = next;
        return r;
    }

    synchronized void remove(Route r) {
        routes = Arrays.stream(routes).filter(x -> x != r).toArray(Route[]::new);
    }

    /** The route whose peer is {@code to}, or null. */
    static Route forPeer(Route[] rs, Endpoint to) {
        for (Route r : rs) if (r.peer.sameAs(to)) return r;
        return null;
    }

    /** The route of {@code channel} on the server {@code from}, or null. */
    static Route forChannel(Route[] rs, Endpoint from, int channel) {
        for (Route r : rs) if (r.channel == channel && r.server.sameAs(from)) return r;
        return null;
    }
}
