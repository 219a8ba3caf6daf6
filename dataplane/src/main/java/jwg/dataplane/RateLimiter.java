package jwg.dataplane;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * The per-source token bucket for handshake packets, as wireguard-go's ratelimiter.go: each
 * source may send {@value #PACKETS_PER_SECOND} packets/s with a burst of {@value #PACKETS_BURSTABLE};
 * a source idle for more than {@link #GARBAGE_COLLECT_NANOS} is forgotten. IPv4 sources are keyed
 * by address, IPv6 sources by their /64 (one host usually owns a whole /64); IPv4-mapped IPv6
 * addresses count as IPv4.
 *
 * <p>Time is passed in (monotonic nanoseconds, e.g. {@link System#nanoTime()}); the limiter has
 * no thread and no clock. Old entries are swept at most once per second from {@link #allowIpv4}
 * / {@link #allowIpv6}, or explicitly with {@link #collectGarbage}. Thread-safe (one monitor;
 * only handshake packets come here). Checking a known source does not allocate.
 */
public final class RateLimiter {
    public static final int PACKETS_PER_SECOND = 20;
    public static final int PACKETS_BURSTABLE = 5;
    public static final long GARBAGE_COLLECT_NANOS = 1_000_000_000L;
    static final long PACKET_COST = 1_000_000_000L / PACKETS_PER_SECOND;
    static final long MAX_TOKENS = PACKET_COST * PACKETS_BURSTABLE;

    private static final class Entry {
        long lastTime;
        long tokens;
    }

    private final long packetCost, maxTokens;
    private final Long2ObjectHashMap<Entry> ipv4 = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Entry> ipv6 = new Long2ObjectHashMap<>();
    private long lastSweep;
    private boolean swept;

    /** wireguard-go's numbers for handshake packets. */
    public RateLimiter() {
        this(PACKETS_PER_SECOND, PACKETS_BURSTABLE);
    }

    /** {@code perSecond} packets a second per source, {@code burst} at once (e.g. answers that are not handshakes). */
    public RateLimiter(int perSecond, int burst) {
        if (perSecond <= 0 || burst <= 0) throw new IllegalArgumentException("rate and burst must be positive");
        this.packetCost = 1_000_000_000L / perSecond;
        this.maxTokens = packetCost * burst;
    }

    /** Whether a handshake packet from this IPv4 source (big-endian int) may be processed now. */
    public synchronized boolean allowIpv4(int address, long nowNanos) {
        sweepIfDue(nowNanos);
        return allow(ipv4, address & 0xFFFF_FFFFL, nowNanos);
    }

    /** Whether a handshake packet from this IPv6 source may be processed now (keyed by its /64). */
    public synchronized boolean allowIpv6(long high, long low, long nowNanos) {
        if (high == 0 && (low >>> 32) == 0xFFFFL) return allowIpv4((int) low, nowNanos);
        sweepIfDue(nowNanos);
        return allow(ipv6, high, nowNanos);
    }

    /** Whether a handshake packet from this source (4 or 16 address bytes) may be processed now. Allocates nothing itself. */
    public boolean allow(byte[] address, long nowNanos) {
        if (address.length == 4) {
            return allowIpv4(
                    ((address[0] & 0xff) << 24)
                            | ((address[1] & 0xff) << 16)
                            | ((address[2] & 0xff) << 8)
                            | (address[3] & 0xff),
                    nowNanos);
        }
        if (address.length != 16) throw new IllegalArgumentException("an IP address is 4 or 16 bytes");
        long h = 0, l = 0;
        for (int i = 0; i < 8; i++) h = (h << 8) | (address[i] & 0xff);
        for (int i = 8; i < 16; i++) l = (l << 8) | (address[i] & 0xff);
        return allowIpv6(h, l, nowNanos);
    }

    private boolean allow(Long2ObjectHashMap<Entry> table, long key, long now) {
        Entry e = table.get(key);
        if (e == null) {
            e = new Entry();
            e.tokens = maxTokens - packetCost;
            e.lastTime = now;
            table.put(key, e);
            return true;
        }
        if (now - e.lastTime > 0) { // a clock that steps back mints no tokens
            e.tokens = Math.min(maxTokens, e.tokens + (now - e.lastTime));
            e.lastTime = now;
        }
        if (e.tokens > packetCost) {
            e.tokens -= packetCost;
            return true;
        }
        return false;
    }

    private void sweepIfDue(long now) {
        if (!swept) {
            swept = true;
            lastSweep = now;
        } else if (now - lastSweep >= GARBAGE_COLLECT_NANOS) {
            collectGarbage(now);
        }
    }

    /** Forgets sources idle for more than {@link #GARBAGE_COLLECT_NANOS}. */
    public synchronized void collectGarbage(long nowNanos) {
        lastSweep = nowNanos;
        swept = true;
        ipv4.values().removeIf(e -> nowNanos - e.lastTime > GARBAGE_COLLECT_NANOS);
        ipv6.values().removeIf(e -> nowNanos - e.lastTime > GARBAGE_COLLECT_NANOS);
    }

    /** Forgets every source. */
    public synchronized void clear() {
        ipv4.clear();
        ipv6.clear();
    }

    /** Number of sources currently tracked. */
    public synchronized int size() {
        return ipv4.size() + ipv6.size();
    }
}
