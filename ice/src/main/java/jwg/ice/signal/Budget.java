package jwg.ice.signal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's memory for queued envelopes: a global byte budget and a per-sender share of it
 * (a sender is a source address; IPv6 by /64). Every queued blob reserves its size plus
 * {@link #OVERHEAD} and releases it when it is polled, expires or its mailbox closes.
 */
final class Budget {
    /** What one queued blob costs beyond its bytes (queue node, record, array header). */
    static final int OVERHEAD = 96;

    enum Outcome {
        OK,
        SENDER_QUOTA,
        MEMORY_BUDGET
    }

    private final long global, perSender;
    private final AtomicLong used = new AtomicLong();
    private final ConcurrentHashMap<String, Long> bySender = new ConcurrentHashMap<>();

    Budget(long global, long perSender) {
        this.global = global;
        this.perSender = perSender;
    }

    static Budget unlimited() {
        return new Budget(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4);
    }

    Outcome reserve(String sender, int bytes) {
        long cost = bytes + (long) OVERHEAD;
        boolean[] quota = {true};
        bySender.compute(sender, (k, v) -> {
            long now = v == null ? 0 : v;
            if (now + cost > perSender) {
                quota[0] = false;
                return v;
            }
            return now + cost;
        });
        if (!quota[0]) return Outcome.SENDER_QUOTA;
        if (used.addAndGet(cost) > global) {
            used.addAndGet(-cost);
            releaseSender(sender, cost);
            return Outcome.MEMORY_BUDGET;
        }
        return Outcome.OK;
    }

    void release(String sender, int bytes) {
        long cost = bytes + (long) OVERHEAD;
        used.addAndGet(-cost);
        releaseSender(sender, cost);
    }

    private void releaseSender(String sender, long cost) {
        bySender.computeIfPresent(sender, (k, v) -> v - cost <= 0 ? null : v - cost);
    }

    long used() {
        return used.get();
    }

    int senders() {
        return bySender.size();
    }
}
