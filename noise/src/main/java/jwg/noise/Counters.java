package jwg.noise;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-reason drop counters (thread-safe, allocation-free to bump) plus a few event counters,
 * for the dataplane to show. One instance per {@link ProtocolCore}, shared by its tunnels.
 */
public final class Counters {
    private final AtomicLongArray drops = new AtomicLongArray(Drop.VALUES.length);
    private final AtomicLongArray events = new AtomicLongArray(Event.VALUES.length);

    /** Things that happened (not drops). */
    public enum Event {
        INITIATION_SENT,
        INITIATION_RECEIVED,
        RESPONSE_SENT,
        RESPONSE_RECEIVED,
        COOKIE_REPLY_SENT,
        COOKIE_REPLY_RECEIVED,
        /** Our initiation sent again with MAC2 at once, on a cookie reply to it (at most once per initiation). */
        INITIATION_RESENT_WITH_COOKIE,
        KEEPALIVE_SENT,
        KEEPALIVE_RECEIVED,
        HANDSHAKE_COMPLETED,
        KEYS_ZEROED;
        static final Event[] VALUES = values();
    }

    /** Counts a drop the dataplane detected on the split path (e.g. a tag that did not verify on a worker). */
    public void drop(Drop reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    public void event(Event e) {
        events.incrementAndGet(e.ordinal());
    }

    public long get(Drop reason) {
        return drops.get(reason.ordinal());
    }

    public long get(Event e) {
        return events.get(e.ordinal());
    }

    /** Sum of all drops. */
    public long totalDrops() {
        long s = 0;
        for (int i = 0; i < drops.length(); i++) s += drops.get(i);
        return s;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Counters{");
        for (Drop d : Drop.VALUES)
            if (get(d) != 0) sb.append(d).append('=').append(get(d)).append(' ');
        for (Event e : Event.VALUES)
            if (get(e) != 0) sb.append(e).append('=').append(get(e)).append(' ');
        return sb.append('}').toString();
    }
}
