package jwg.ice.relay;

import java.util.concurrent.atomic.LongAdder;
import jwg.dataplane.bind.Endpoint;

/**
 * Where ChannelData from one client on one channel goes, decided once for a run of slots from the
 * same source on the same channel within one batch (a GRO buffer is such a run: the lookups cost
 * once per run, not per datagram). A reader's own, reused: allocates nothing.
 */
final class Route {
    /** Dropped (counted in {@link #drop}), out of the allocation's relayed socket, or relay to relay. */
    static final int DROP = 0, TO_PEER = 1, SHORTCUT = 2, SHORTCUT_INDICATION = 3;

    /** The run's source and channel (-1: none yet); {@code scratch} for address lookups. */
    final Endpoint source = new Endpoint(), scratch = new Endpoint();

    int channel = -1;
    /** The client's allocation and channel; relay to relay, the peer's allocation and its channel back. */
    Allocation a, b;

    Allocation.Channel c, back;
    int action;
    LongAdder drop;

    /** Forgets the run: the next slot is looked up afresh (a new batch, or after a control message). */
    void clear() {
        channel = -1;
        source.clear();
    }
}
