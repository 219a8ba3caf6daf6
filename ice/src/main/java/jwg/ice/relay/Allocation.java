package jwg.ice.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jwg.dataplane.bind.Endpoint;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.ice.stun.ChannelData;

/**
 * One client's allocation (RFC 8656 §2.2): its 5-tuple (the client's address; the server listens on
 * one UDP socket), the user it belongs to, the relayed socket, its expiry, the permissions by peer
 * IP address and the channels by number and by peer. The data path's lookups ({@link #permitted},
 * {@link #channel}, {@link #channelFor}) take {@link Endpoint}s and allocate nothing: permissions
 * are keyed by the address alone (an Endpoint with port 0, the caller's scratch for lookups),
 * channels sit in an array indexed by number and in a map by peer Endpoint. Expiry times are
 * {@code System.nanoTime()} in milliseconds.
 */
final class Allocation {
    /** A channel binding: a number for a peer's transport address, until it lapses. */
    static final class Channel {
        final int number;
        final InetSocketAddress peer;
        final Endpoint peerEndpoint;
        volatile long expiresMs;

        Channel(int number, InetSocketAddress peer, long expiresMs) {
            this.number = number;
            this.peer = peer;
            this.peerEndpoint = Endpoint.of(peer);
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
    final Endpoint clientEndpoint;
    final String user;
    final byte[] key;
    final LinuxUdpBind relayed;
    final InetSocketAddress relayedAddress;
    final Endpoint relayedEndpoint;
    volatile long expiresMs;
    /** The Allocate request's transaction ID and our success response, for its retransmissions. */
    volatile byte[] allocateTransaction, allocateResponse;

    /** By peer address: Endpoints with port 0. */
    private final Map<Endpoint, Permission> permissions = new ConcurrentHashMap<>();

    private final Channel[] channels = new Channel[ChannelData.MAX_CHANNEL - ChannelData.MIN_CHANNEL + 1];
    private final Map<Endpoint, Channel> byPeer = new ConcurrentHashMap<>();
    Thread reader;

    Allocation(
            InetSocketAddress client,
            String user,
            byte[] key,
            LinuxUdpBind relayed,
            InetSocketAddress relayedAddress,
            long expiresMs) {
        this.client = client;
        this.clientEndpoint = Endpoint.of(client);
        this.user = user;
        this.key = key;
        this.relayed = relayed;
        this.relayedAddress = relayedAddress;
        this.relayedEndpoint = Endpoint.of(relayedAddress);
        this.expiresMs = expiresMs;
    }

    /** True if a live permission covers {@code peer}'s address; {@code scratch} is overwritten (no allocation). */
    boolean permitted(Endpoint peer, Endpoint scratch, long nowMs) {
        Permission p = permissions.get(addressOf(peer, scratch));
        return p != null && p.expiresMs > nowMs;
    }

    /** {@link #permitted(Endpoint, Endpoint, long)} for the control path (allocates). */
    boolean permitted(InetAddress peer, long nowMs) {
        return permitted(Endpoint.of(new InetSocketAddress(peer, 0)), new Endpoint(), nowMs);
    }

    synchronized void permit(InetAddress peer, long untilMs) {
        Endpoint k = addressOf(Endpoint.of(new InetSocketAddress(peer, 0)), new Endpoint());
        Permission p = permissions.get(k);
        if (p == null) permissions.put(k, new Permission(untilMs));
        else p.expiresMs = Math.max(p.expiresMs, untilMs);
    }

    /** {@code e}'s address with port 0 (and no scope), in {@code into}. */
    static Endpoint addressOf(Endpoint e, Endpoint into) {
        if (e.isIpv4()) into.setIpv4(e.ipv4(), 0);
        else into.setIpv6(e.high(), e.low(), 0, 0);
        return into;
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
    Channel channelFor(Endpoint peer, long nowMs) {
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
        Channel byNumber = channels[i], other = byPeer.get(Endpoint.of(peer));
        if (byNumber != null && !byNumber.peer.equals(peer)) return false;
        if (other != null && other.number != number) return false;
        if (byNumber == null) {
            Channel c = new Channel(number, peer, untilMs);
            channels[i] = c;
            byPeer.put(c.peerEndpoint, c);
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
                byPeer.remove(c.peerEndpoint, c);
                channels[c.number - ChannelData.MIN_CHANNEL] = null;
            }
    }

    void close() {
        relayed.close();
    }
}
