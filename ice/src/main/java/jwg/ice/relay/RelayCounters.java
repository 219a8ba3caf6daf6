package jwg.ice.relay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link RelayServer} relayed and what it dropped, by reason. Dropped datagrams are never
 * answered; only requests get the RFC's error responses ({@link #errors}).
 */
public final class RelayCounters {
    final LongAdder toPeers = new LongAdder(),
            toClients = new LongAdder(),
            shortcut = new LongAdder(),
            /**
             * Of those to clients (and relay to relay): a peer's datagram sent as a Data indication
             * because no channel was bound to it — the slow path, and one a jwg device hands to ICE,
             * so WireGuard in it never reaches the tunnel.
             */
            dataIndications = new LongAdder(),
            malformed = new LongAdder(),
            noAllocation = new LongAdder(),
            noPermission = new LongAdder(),
            noChannel = new LongAdder(),
            sendFailed = new LongAdder(),
            unexpected = new LongAdder(),
            errors = new LongAdder(),
            unauthenticated = new LongAdder(),
            rateLimited = new LongAdder(),
            reads = new LongAdder(),
            datagramsRead = new LongAdder();

    /** Every counter by name, for the log and tests. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("to_peers", toPeers.sum());
        m.put("to_clients", toClients.sum());
        m.put("relay_to_relay", shortcut.sum());
        m.put("data_indications", dataIndications.sum());
        m.put("dropped_malformed", malformed.sum());
        m.put("dropped_no_allocation", noAllocation.sum());
        m.put("dropped_no_permission", noPermission.sum());
        m.put("dropped_no_channel", noChannel.sum());
        m.put("dropped_send_failed", sendFailed.sum());
        m.put("dropped_unexpected", unexpected.sum());
        m.put("error_responses", errors.sum());
        m.put("unauthenticated", unauthenticated.sum());
        m.put("unanswered_rate_limited", rateLimited.sum());
        m.put("receive_calls", reads.sum());
        m.put("datagrams_received", datagramsRead.sum());
        return m;
    }

    public long get(String name) {
        Long v = snapshot().get(name);
        if (v == null) throw new IllegalArgumentException("no counter " + name);
        return v;
    }
}
