package jwg.ice.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jwg.ice.stun.ChannelData;

/**
 * One client's allocation (RFC 8656 §2.2): its 5-tuple (the client's address; the server listens on
 * one UDP socket), the user it belongs to, the relayed socket, its expiry, the permissions by peer
 * IP address and the channels by number and by peer. The data path's lookups ({@link #permitted},
 * {@link #channel}, {@link #channelFor}) allocate nothing; channels sit in an array indexed by
 * number. Expiry times are {@code System.nanoTime()} in milliseconds.
 */
final class Allocation {
    /** A channel binding: a number for a peer's transport address, until it lapses. */
    static final class Channel {
        final int number;
        final InetSocketAddress peer;
        volatile long expiresMs;

        Channel(int number, InetSocketAddress peer, long expiresMs) {
            this.number = number;
            this.peer = peer;
            this.expiresMs = expiresMs;
        }
    }

    /** A permission for one peer IP address (any port), until it lapses. */
    static final class Permission {
        volatile long expiresMs;

        Permission(long expiresMs) {
            this.expiresMs = expiresMs;
        }
    }

    final InetSocketAddress client;
    final String user;
    final byte[] key;
    final DatagramChannel relayed;
    final InetSocketAddress relayedAddress;
    volatile long expiresMs;
    /** The Allocate request's transaction ID and our success response, for its retransmissions. */
    volatile byte[] allocateTransaction, allocateResponse;

    private final Map<InetAddress, Permission> permissions = new ConcurrentHashMap<>();
    private final Channel[] channels = new Channel[ChannelData.MAX_CHANNEL - ChannelData.MIN_CHANNEL + 1];
    private final Map<InetSocketAddress, Channel> byPeer = new ConcurrentHashMap<>();
    Thread reader;

    Allocation(
            InetSocketAddress client,
            String user,
            byte[] key,
            DatagramChannel relayed,
            InetSocketAddress relayedAddress,
            long expiresMs) {
        this.client = client;
        this.user = user;
        this.key = key;
        this.relayed = relayed;
        this.relayedAddress = relayedAddress;
        this.expiresMs = expiresMs;
    }

    boolean permitted(InetAddress peer, long nowMs) {
        Permission p = permissions.get(peer);
        return p != null && p.expiresMs > nowMs;
    }

    void permit(InetAddress peer, long untilMs) {
        Permission p = permissions.get(peer);
        if (p == null) permissions.put(peer, new Permission(untilMs));
        else p.expiresMs = Math.max(p.expiresMs, untilMs);
    }

    int permissionCount() {
        return permissions.size();
    }

    /** The live channel numbered {@code number}, or null. */
    Channel channel(int number, long nowMs) {
        int i = number - ChannelData.MIN_CHANNEL;
        if (i < 0 || i >= channels.length) return null;
        Channel c = channels[i];
        return c != null && c.expiresMs > nowMs ? c : null;
    }

    /** The live channel bound to {@code peer}, or null. */
    Channel channelFor(InetSocketAddress peer, long nowMs) {
        Channel c = byPeer.get(peer);
        return c != null && c.expiresMs > nowMs ? c : null;
    }

    /**
     * Binds {@code number} to {@code peer} until {@code untilMs}, or refreshes that binding. False if
     * the number is bound to another peer or the peer to another number (RFC 8656 §12.2: 400).
     */
    synchronized boolean bind(int number, InetSocketAddress peer, long untilMs) {
        int i = number - ChannelData.MIN_CHANNEL;
        if (i < 0 || i >= channels.length) return false;
        Channel byNumber = channels[i], other = byPeer.get(peer);
        if (byNumber != null && !byNumber.peer.equals(peer)) return false;
        if (other != null && other.number != number) return false;
        if (byNumber == null) {
            Channel c = new Channel(number, peer, untilMs);
            channels[i] = c;
            byPeer.put(peer, c);
        } else byNumber.expiresMs = untilMs;
        return true;
    }

    int channelCount() {
        return byPeer.size();
    }

    /** Forgets lapsed permissions and channels. */
    synchronized void sweep(long nowMs) {
        permissions.values().removeIf(p -> p.expiresMs <= nowMs);
        for (Channel c : byPeer.values())
            if (c.expiresMs <= nowMs) {
                byPeer.remove(c.peer, c);
                channels[c.number - ChannelData.MIN_CHANNEL] = null;
            }
    }

    void close() {
        try {
            relayed.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }
}
