package jwg.ice;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Endpoint;

/**
 * Routes the STUN and TURN datagrams that arrive on the device's one UDP socket to the ICE agent
 * they belong to, and sends the agents' datagrams out through that socket. Each agent's host
 * candidates are {@link SharedSocket}s registered here under the agent's local ufrag:
 * <ul>
 *   <li>a connectivity check (STUN request) goes to the agent whose ufrag opens its USERNAME;</li>
 *   <li>a response goes to the agent that sent the request with that transaction ID;</li>
 *   <li>an indication or TURN ChannelData goes to the agent that last sent to that address
 *       (its STUN or TURN server, or the remote peer).</li>
 * </ul>
 * Anything else is dropped and counted. Control path only: it allocates, WireGuard never comes here.
 */
public final class StunMux {
    private static final Logger LOG = Logger.getLogger(StunMux.class.getName());
    private static final int MAX_TRANSACTIONS = 4096;

    private final Map<String, List<SharedSocket>> byUfrag = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, SharedSocket> byRemote = new ConcurrentHashMap<>();
    private final Map<String, Pending> byTransaction =
            java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Pending> e) {
                    return size() > MAX_TRANSACTIONS;
                }
            });
    private final Map<InetSocketAddress, Long> rttNanos = new ConcurrentHashMap<>();
    /** The device's own TURN allocations' sockets, by server: they take that server's indications and ChannelData. */
    private final Map<InetSocketAddress, SharedSocket> turnClients = new ConcurrentHashMap<>();
    /** The device's own TURN allocations, by server (one each: an allocation is per 5-tuple). */
    private final Map<InetSocketAddress, TurnRelay> relays = new ConcurrentHashMap<>();
    /** The relayed peers {@link IceBind} frames as ChannelData. */
    final RelayRoutes routes = new RelayRoutes();
    /** The answerer's TTL-limited primer and checks (two cone NATs without a WAN firewall). */
    final TtlPrimer primer;

    private volatile Bind bind;

    /** A request in flight: who sent it, where, when. */
    private record Pending(SharedSocket socket, InetSocketAddress to, long sentNanos) {}

    final LongAdder received = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder unroutable = new LongAdder();
    final LongAdder queueFull = new LongAdder();

    /** A mux with the TTL primer on unless {@code -Djwg.ice.noTtlPrimer=true}. */
    public StunMux() {
        this(new TtlPrimer());
    }

    StunMux(TtlPrimer primer) {
        this.primer = primer;
    }

    /** The bind STUN goes out through (set by {@link IceBind#open}). */
    void bind(Bind b) {
        this.bind = b;
    }

    /** The device's UDP port, or 0 before it is bound. */
    public int port() {
        Bind b = bind;
        return b == null ? 0 : b.port();
    }

    void register(String ufrag, SharedSocket s) {
        byUfrag.computeIfAbsent(ufrag, k -> new CopyOnWriteArrayList<>()).add(s);
    }

    /** Routes {@code server}'s indications and ChannelData to {@code s} (a {@link TurnRelay}'s socket). */
    void turn(InetSocketAddress server, SharedSocket s) {
        turnClients.put(server, s);
    }

    /** The device's allocation on {@code turn}, allocating it now if there is none (or it lapsed). */
    TurnRelay relay(IceServers.Turn turn) throws IOException {
        synchronized (relays) {
            TurnRelay r = relays.get(turn.address());
            if (r != null && r.active()) return r;
            if (r != null) r.close();
            r = TurnRelay.allocate(this, routes, turn);
            relays.put(turn.address(), r);
            return r;
        }
    }

    /** Releases the device's allocations (the device is closing). */
    void closeRelays() {
        synchronized (relays) {
            relays.values().forEach(TurnRelay::close);
            relays.clear();
        }
    }

    void unregister(SharedSocket s) {
        turnClients.values().removeIf(v -> v == s);
        byUfrag.values().forEach(l -> l.remove(s));
        byUfrag.values().removeIf(List::isEmpty);
        byRemote.values().removeIf(v -> v == s);
        synchronized (byTransaction) {
            byTransaction.values().removeIf(v -> v.socket() == s);
        }
    }

    /** One datagram that is not WireGuard, received from {@code from}. */
    void dispatch(byte[] data, int length, Endpoint from) {
        received.increment();
        StunPacket.Kind kind = StunPacket.kind(data, length);
        if (kind == StunPacket.Kind.OTHER) {
            unroutable.increment();
            return;
        }
        InetSocketAddress src = from.toSocketAddress();
        primer.heard(src);
        SharedSocket target = switch (kind) {
            case REQUEST -> forUfrag(StunPacket.localUfrag(data, length), src);
            case RESPONSE -> { // a response to a request we never saw go out (e.g. sent by ice4j through TURN): by
                // address
                SharedSocket t = answered(byTransaction.remove(StunPacket.transactionId(data)));
                yield t != null ? t : byRemote.get(src);
            }
            default -> {
                SharedSocket t = turnClients.get(src);
                yield t != null ? t : byRemote.get(src);
            }
        };
        if (target == null) {
            unroutable.increment();
            return;
        }
        byte[] copy = java.util.Arrays.copyOf(data, length);
        if (!target.offer(copy, src)) queueFull.increment();
    }

    private SharedSocket answered(Pending p) {
        if (p == null) return null;
        rttNanos.put(p.to(), System.nanoTime() - p.sentNanos());
        return p.socket();
    }

    /** The last STUN round trip to {@code remote} in ms (connectivity or consent checks), or -1. */
    public double rttMillis(InetSocketAddress remote) {
        Long n = rttNanos.get(remote);
        return n == null ? -1 : n / 1e6;
    }

    private SharedSocket forUfrag(String ufrag, InetSocketAddress src) {
        if (ufrag == null) return null;
        List<SharedSocket> l = byUfrag.get(ufrag);
        if (l == null || l.isEmpty()) return null;
        SharedSocket last = byRemote.get(src);
        if (last != null && l.contains(last)) return last;
        boolean v4 = src.getAddress() instanceof java.net.Inet4Address;
        for (SharedSocket s : l) if ((s.local().getAddress() instanceof java.net.Inet4Address) == v4) return s;
        return l.get(0);
    }

    /** Sends an agent's datagram through the device's socket. */
    void send(SharedSocket from, byte[] data, int offset, int length, InetSocketAddress to) throws IOException {
        Bind b = bind;
        if (b == null) throw new IOException("the device has no UDP socket yet");
        if (length >= jwg.ice.stun.Stun.HEADER) {
            byte[] msg = java.util.Arrays.copyOfRange(data, offset, offset + length);
            if (StunPacket.kind(msg, length) == StunPacket.Kind.REQUEST)
                byTransaction.put(StunPacket.transactionId(msg), new Pending(from, to, System.nanoTime()));
        }
        byRemote.put(to, from);
        Endpoint e = Endpoint.of(to);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(Math.max(1, length));
            MemorySegment.copy(MemorySegment.ofArray(data), offset, seg, 0, length);
            int ttl = primer.ttl(to);
            if (ttl == 0 || !b.sendWithTtl(seg, 0, length, e, ttl)) b.send(seg, 0, length, e);
        }
        sent.increment();
        LOG.finest(() -> "STUN/TURN " + length + " B to " + to);
    }

    /**
     * Before answering an offer: a TTL-limited primer from the device's port to each of the
     * offerer's server-reflexive addresses, and our STUN to them TTL-limited until they are heard
     * from ({@link TtlPrimer}). Returns how many primers went.
     */
    int prime(List<InetSocketAddress> reflexive) {
        int n = primer.prime(bind, reflexive);
        if (n > 0) LOG.fine(() -> "TTL primer to " + n + " server-reflexive address(es)");
        return n;
    }

    /** Counters for status views. */
    public record Stats(long received, long sent, long unroutable, long queueFull) {}

    public Stats stats() {
        return new Stats(received.sum(), sent.sum(), unroutable.sum(), queueFull.sum());
    }
}
