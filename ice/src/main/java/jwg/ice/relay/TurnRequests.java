package jwg.ice.relay;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import jwg.dataplane.RateLimiter;
import jwg.ice.stun.ChannelData;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;

/**
 * The requests of a TURN server (RFC 8656 §7–§12, long-term credentials of RFC 8489 §9.2): Binding
 * (no credentials), Allocate, Refresh, CreatePermission and ChannelBind. The authentication runs
 * in the RFC's order: no MESSAGE-INTEGRITY → 401 with REALM and a NONCE; USERNAME, REALM or NONCE
 * missing → 400; a stale or foreign nonce → 438 with a fresh one; an unknown user, another realm or
 * a wrong HMAC → 401. Responses to authenticated requests carry MESSAGE-INTEGRITY; every response
 * carries FINGERPRINT. A request that is not one of these methods gets 400; a message that does
 * not parse, or whose FINGERPRINT is wrong, gets nothing.
 */
final class TurnRequests {
    static final int BAD_REQUEST = 400,
            UNAUTHORIZED = 401,
            FORBIDDEN = 403,
            UNKNOWN_ATTRIBUTE = 420,
            ALLOCATION_MISMATCH = 437,
            STALE_NONCE = 438,
            WRONG_CREDENTIALS = 441,
            UNSUPPORTED_TRANSPORT = 442,
            PEER_FAMILY_MISMATCH = 443,
            QUOTA_REACHED = 486,
            INSUFFICIENT_CAPACITY = 508;
    static final int UNKNOWN_ATTRIBUTES = 0x000A;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RelayServer server;
    private final RelayConfig config;
    private final RelayCounters counters;
    private final Nonces nonces;
    static final int ANSWERS_PER_SECOND = 20;
    /** All sources together: many spoofed sources, each within its share, still make no reflector. */
    static final int ALL_ANSWERS_PER_SECOND = 1000;

    private final RateLimiter answers = new RateLimiter(ANSWERS_PER_SECOND, ANSWERS_PER_SECOND);
    /** One bucket for every source (kept under the key 0.0.0.0). */
    private final RateLimiter allAnswers = new RateLimiter(ALL_ANSWERS_PER_SECOND, ALL_ANSWERS_PER_SECOND);

    TurnRequests(RelayServer server, RelayConfig config, RelayCounters counters) {
        this.server = server;
        this.config = config;
        this.counters = counters;
        this.nonces = new Nonces(config.lifetimes().nonceMs());
    }

    static byte[] transactionId() {
        byte[] id = new byte[Stun.TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(id);
        return id;
    }

    /** The response to the request in {@code b} from {@code client}, or null to answer nothing. */
    byte[] handle(InetSocketAddress client, byte[] b, int len) {
        StunMessage m = StunMessage.parse(b, len);
        if (m == null || (m.has(Stun.FINGERPRINT) && !m.fingerprintValid())) {
            counters.malformed.increment();
            return null;
        }
        int method = m.method();
        if (method == Stun.BINDING) return unauthenticated(client, binding(client, m));
        if (method != Stun.ALLOCATE
                && method != Stun.REFRESH
                && method != Stun.CREATE_PERMISSION
                && method != Stun.CHANNEL_BIND)
            return unauthenticated(client, error(m, BAD_REQUEST, "Bad Request", null, false));
        long now = RelayServer.millis();
        if (!m.has(Stun.MESSAGE_INTEGRITY)) {
            counters.unauthenticated.increment();
            return unauthenticated(client, error(m, UNAUTHORIZED, "Unauthorized", null, true));
        }
        String user = m.text(Stun.USERNAME), realm = m.text(Stun.REALM), nonce = m.text(Stun.NONCE);
        if (user == null || realm == null || nonce == null)
            return unauthenticated(client, error(m, BAD_REQUEST, "Bad Request", null, false));
        if (nonces.check(nonce, now) != Nonces.Check.VALID) {
            counters.unauthenticated.increment();
            return unauthenticated(client, error(m, STALE_NONCE, "Stale Nonce", null, true));
        }
        byte[] key = config.keys().get(user);
        if (key == null || !realm.equals(config.realm()) || !m.integrityValid(key)) {
            counters.unauthenticated.increment();
            return unauthenticated(client, error(m, UNAUTHORIZED, "Unauthorized", null, true));
        }
        Allocation a = server.allocation(client);
        if (method == Stun.ALLOCATE) return allocate(client, m, user, key, a, now);
        if (a == null) return error(m, ALLOCATION_MISMATCH, "Allocation Mismatch", key, false);
        if (!a.user.equals(user)) return error(m, WRONG_CREDENTIALS, "Wrong Credentials", key, false);
        return switch (method) {
            case Stun.REFRESH -> refresh(m, a, key, now);
            case Stun.CREATE_PERMISSION -> createPermission(m, a, key, now);
            default -> channelBind(m, a, key, now);
        };
    }

    /**
     * An answer to a request that proved nothing (a Binding, or an error before MESSAGE-INTEGRITY
     * checked out), or null once {@code client}'s source address has had its share. The RFC wants
     * a 401 with REALM and NONCE, several times the request's size, so a spoofed source would make
     * the relay a reflector. Per source (IPv6 by /64), {@value #ANSWERS_PER_SECOND} a second and a
     * burst of as many: a client needs one or two per allocation, a host starting ICE a handful
     * (Binding requests for its reflexive address, its NAT classification), and hosts behind one
     * NAT share an address. And {@value #ALL_ANSWERS_PER_SECOND} a second from all sources
     * together (bursts of as many), against a flood spoofed from many addresses: past that, new
     * clients wait for their 401 while established ones, whose requests carry a valid
     * MESSAGE-INTEGRITY, are served as before.
     */
    private byte[] unauthenticated(InetSocketAddress client, byte[] response) {
        if (response == null) return null;
        long now = System.nanoTime();
        if (answers.allow(client.getAddress().getAddress(), now) && allAnswers.allowIpv4(0, now)) return response;
        counters.rateLimited.increment();
        return null;
    }

    private byte[] binding(InetSocketAddress client, StunMessage m) {
        if (m.has(Stun.CHANGE_REQUEST)) { // RFC 5780 needs a second address: not served
            byte[] unknown = {0, (byte) Stun.CHANGE_REQUEST};
            return error(m, UNKNOWN_ATTRIBUTE, "Unknown Attribute", null, false, UNKNOWN_ATTRIBUTES, unknown);
        }
        return StunMessage.of(Stun.BINDING, Stun.SUCCESS_RESPONSE, m.transactionId())
                .add(Stun.XOR_MAPPED_ADDRESS, client)
                .encode(null, true);
    }

    private byte[] allocate(InetSocketAddress client, StunMessage m, String user, byte[] key, Allocation a, long now) {
        if (a != null) {
            byte[] cached = a.allocateResponse;
            if (cached != null && m.hasTransactionId(a.allocateTransaction)) return cached; // a retransmission
            return error(m, ALLOCATION_MISMATCH, "Allocation Mismatch", key, false);
        }
        byte[] transport = m.attribute(Stun.REQUESTED_TRANSPORT);
        if (transport == null || transport.length != 4) return error(m, BAD_REQUEST, "Bad Request", key, false);
        if ((transport[0] & 0xFF) != Stun.PROTOCOL_UDP)
            return error(m, UNSUPPORTED_TRANSPORT, "Unsupported Transport Protocol", key, false);
        if (!server.underQuota(user)) return error(m, QUOTA_REACHED, "Allocation Quota Reached", key, false);
        long lifetime = lifetime(m);
        try {
            a = server.allocate(client, user, key, lifetime);
        } catch (IOException e) {
            return error(m, INSUFFICIENT_CAPACITY, "Insufficient Capacity", key, false);
        }
        byte[] response = StunMessage.of(Stun.ALLOCATE, Stun.SUCCESS_RESPONSE, m.transactionId())
                .add(Stun.XOR_RELAYED_ADDRESS, a.relayedAddress)
                .addInt(Stun.LIFETIME, (int) (lifetime / 1000))
                .add(Stun.XOR_MAPPED_ADDRESS, client)
                .encode(key, true);
        a.allocateTransaction = m.transactionId();
        a.allocateResponse = response;
        return response;
    }

    /** The lifetime to grant: the requested one within [default, maximum], or the default. */
    private long lifetime(StunMessage m) {
        RelayConfig.Lifetimes l = config.lifetimes();
        long asked = m.uint32(Stun.LIFETIME);
        if (asked < 0) return l.allocationMs();
        return Math.min(Math.max(asked * 1000, l.allocationMs()), l.maxAllocationMs());
    }

    private byte[] refresh(StunMessage m, Allocation a, byte[] key, long now) {
        long lifetime;
        if (m.uint32(Stun.LIFETIME) == 0) {
            server.release(a);
            lifetime = 0;
        } else {
            lifetime = lifetime(m);
            a.expiresMs = now + lifetime;
        }
        return StunMessage.of(Stun.REFRESH, Stun.SUCCESS_RESPONSE, m.transactionId())
                .addInt(Stun.LIFETIME, (int) (lifetime / 1000))
                .encode(key, true);
    }

    private byte[] createPermission(StunMessage m, Allocation a, byte[] key, long now) {
        List<InetSocketAddress> peers = new ArrayList<>();
        for (StunMessage.Attribute at : m.attributes()) {
            if (at.type() != Stun.XOR_PEER_ADDRESS) continue;
            InetSocketAddress p = m.address(at);
            if (p == null) return error(m, BAD_REQUEST, "Bad Request", key, false);
            peers.add(p);
        }
        if (peers.isEmpty()) return error(m, BAD_REQUEST, "Bad Request", key, false);
        for (InetSocketAddress p : peers) {
            byte[] refused = refusedPeer(m, p, key);
            if (refused != null) return refused;
        }
        for (InetSocketAddress p : peers)
            a.permit(p.getAddress(), now + config.lifetimes().permissionMs());
        return StunMessage.of(Stun.CREATE_PERMISSION, Stun.SUCCESS_RESPONSE, m.transactionId())
                .encode(key, true);
    }

    private byte[] channelBind(StunMessage m, Allocation a, byte[] key, long now) {
        byte[] number = m.attribute(Stun.CHANNEL_NUMBER);
        InetSocketAddress peer = m.address(Stun.XOR_PEER_ADDRESS);
        if (number == null || number.length != 4 || peer == null)
            return error(m, BAD_REQUEST, "Bad Request", key, false);
        int channel = Stun.uint16(number, 0);
        if (channel < ChannelData.MIN_CHANNEL || channel > ChannelData.MAX_CHANNEL)
            return error(m, BAD_REQUEST, "Bad Request", key, false);
        byte[] refused = refusedPeer(m, peer, key);
        if (refused != null) return refused;
        if (!a.bind(channel, peer, now + config.lifetimes().channelMs()))
            return error(m, BAD_REQUEST, "Bad Request", key, false);
        a.permit(peer.getAddress(), now + config.lifetimes().permissionMs());
        return StunMessage.of(Stun.CHANNEL_BIND, Stun.SUCCESS_RESPONSE, m.transactionId())
                .encode(key, true);
    }

    /** 443 for a peer of the other family, 403 for one the server does not relay to; null if fine. */
    private byte[] refusedPeer(StunMessage m, InetSocketAddress peer, byte[] key) {
        InetAddress ip = peer.getAddress();
        if ((ip instanceof Inet4Address) != (config.relayIp() instanceof Inet4Address))
            return error(m, PEER_FAMILY_MISMATCH, "Peer Address Family Mismatch", key, false);
        boolean loopback = ip.isLoopbackAddress();
        if ((loopback && !config.allowLoopbackPeers())
                || ip.isAnyLocalAddress()
                || ip.isMulticastAddress()
                || peer.getPort() == 0) return error(m, FORBIDDEN, "Forbidden", key, false);
        return null;
    }

    private byte[] error(StunMessage m, int code, String reason, byte[] key, boolean realmAndNonce) {
        return error(m, code, reason, key, realmAndNonce, 0, null);
    }

    /** An error response; with REALM and a fresh NONCE for 401 and 438, MESSAGE-INTEGRITY if {@code key}. */
    private byte[] error(
            StunMessage m, int code, String reason, byte[] key, boolean realmAndNonce, int extraType, byte[] extra) {
        counters.errors.increment();
        StunMessage r = StunMessage.of(m.method(), Stun.ERROR_RESPONSE, m.transactionId())
                .add(Stun.ERROR_CODE, StunMessage.errorCodeValue(code, reason));
        if (extra != null) r.add(extraType, extra);
        if (realmAndNonce) r.add(Stun.REALM, config.realm()).add(Stun.NONCE, nonces.issue(RelayServer.millis()));
        return r.encode(key, true);
    }
}
