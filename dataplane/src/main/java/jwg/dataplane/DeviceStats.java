package jwg.dataplane;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Device-level counters of what the data path dropped and why (the protocol core counts its
 * own drops in {@link jwg.noise.Counters}). Nothing is dropped silently.
 */
public final class DeviceStats {
    /** Why the device (not the protocol core) dropped a packet. */
    public enum Drop {
        /** Outbound: no peer's AllowedIPs cover the destination. */
        NO_ROUTE,
        /** Outbound: not an IPv4/IPv6 packet, or shorter than its header. */
        NOT_IP,
        /** Outbound: the peer has no endpoint to send to. */
        NO_ENDPOINT,
        /** Outbound: staged while no session existed, pushed out by newer packets or given up. */
        STAGED_OVERFLOW,
        /** Inbound: a datagram that is neither WireGuard nor (with ICE) STUN. */
        NOT_WIREGUARD,
        /** Inbound: the decrypted packet's source address is not in the sender's AllowedIPs. */
        SOURCE_NOT_ALLOWED,
        /** Inbound: the handshake queue was full. */
        HANDSHAKE_QUEUE_FULL,
        /** Inbound: a handshake message over the per-source rate limit (under load). */
        RATE_LIMITED,
        /** Outbound: a TUN super-packet (offloads) whose virtio_net_hdr or headers do not add up. */
        OFFLOAD_MALFORMED,
        /** Outbound: the UDP socket's send buffer was full. */
        UDP_BUFFER_FULL,
        /** Inbound: the TUN device's queue was full (the kernel would not take the packet). */
        TUN_QUEUE_FULL,
        /** Outbound or inbound: the UDP socket or the TUN device refused the packet. */
        IO_ERROR
    }

    private final AtomicLongArray drops = new AtomicLongArray(Drop.values().length);

    void drop(Drop reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    public long get(Drop reason) {
        return drops.get(reason.ordinal());
    }

    public Map<Drop, Long> snapshot() {
        Map<Drop, Long> m = new EnumMap<>(Drop.class);
        for (Drop d : Drop.values()) m.put(d, drops.get(d.ordinal()));
        return m;
    }

    @Override
    public String toString() {
        return "DeviceStats" + snapshot();
    }
}
