package jwg.ice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Logger;
import jwg.ice.stun.ChannelData;
import jwg.ice.stun.MessageIntegrity;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;

/**
 * jwg's own TURN client on the device's UDP socket: one allocation per TURN server (its 5-tuple
 * is the device's port and the server, so there can be only one), shared by every relayed peer.
 * Its STUN goes through the {@link StunMux} (responses back by transaction ID; Data indications and
 * ChannelData from the server come here first, see {@link StunMux#turn}). Allocate with long-term
 * credentials (401 → REALM/NONCE, one retry on 438 Stale Nonce); per peer CreatePermission
 * ({@link #permit}: ICE checks go as Send indications) and ChannelBind ({@link #bind}: a
 * {@link RelayRoutes.Route}, so that {@link IceBind} frames the peer's WireGuard datagrams as
 * ChannelData in the device's own batches). A virtual thread keeps the allocation and each peer's
 * permission and channel alive as {@link TurnSchedule} says; when one lapses the peer's route
 * goes. What arrives for ICE (Data indications, ChannelData that is not WireGuard) is handed to the
 * {@link RelaySocket}s of the agents' relayed candidates. The password is never logged.
 */
final class TurnRelay implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TurnRelay.class.getName());
    static final int UNAUTHORIZED = 401, STALE_NONCE = 438;
    /** Retransmissions of a request (RFC 5389 §7.2.1 on UDP, shortened): 500 ms, doubling. */
    static final int TRIES = 4;

    static final long FIRST_RTO_MS = 500;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One relayed peer: its permission and, once bound, its channel and route. */
    private static final class Peer {
        final InetSocketAddress address;
        final TurnSchedule schedule;
        volatile boolean permitted;
        volatile int channel; // 0: none
        volatile RelayRoutes.Route route;

        Peer(InetSocketAddress address, TurnSchedule schedule) {
            this.address = address;
            this.schedule = schedule;
        }
    }

    private final SharedSocket socket;
    private final RelayRoutes routes;
    private final IceServers.Turn turn;
    private final long permissionLifetimeMs, channelLifetimeMs;
    private final TurnSchedule allocation;
    private final Map<InetSocketAddress, Peer> peers = new ConcurrentHashMap<>();
    private final Map<Integer, Peer> byChannel = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<StunMessage>> pending = new ConcurrentHashMap<>();
    private final List<RelaySocket> candidates = new CopyOnWriteArrayList<>();
    private final Map<InetSocketAddress, RelaySocket> lastSender = new ConcurrentHashMap<>();
    /** The agents' checks in flight through the relay, by transaction ID: their responses go back to them. */
    private final Map<String, RelaySocket> checks =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<String, RelaySocket>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, RelaySocket> e) {
                    return size() > 1024;
                }
            });

    private final AtomicInteger nextChannel = new AtomicInteger(ChannelData.MIN_CHANNEL);
    private final Object auth = new Object();
    private String realm, nonce;
    private byte[] key;
    private InetSocketAddress relayed, mapped;
    private Thread reader, keeper;
    private volatile boolean closed;
    /** Successful requests, by kind (for status and tests). */
    final AtomicInteger refreshes = new AtomicInteger(),
            permissions = new AtomicInteger(),
            channelBinds = new AtomicInteger();

    private TurnRelay(
            StunMux mux, RelayRoutes routes, IceServers.Turn turn, long permissionLifetimeMs, long channelLifetimeMs)
            throws IOException {
        this.socket = new SharedSocket(mux, new InetSocketAddress(InetAddress.getByAddress(new byte[4]), mux.port()));
        this.routes = routes;
        this.turn = turn;
        this.permissionLifetimeMs = permissionLifetimeMs;
        this.channelLifetimeMs = channelLifetimeMs;
        this.allocation = new TurnSchedule(permissionLifetimeMs, channelLifetimeMs);
        mux.turn(turn.address(), socket);
    }

    /** Allocates on {@code turn} from the device's socket (the RFC's permission and channel lifetimes). */
    static TurnRelay allocate(StunMux mux, RelayRoutes routes, IceServers.Turn turn) throws IOException {
        return allocate(mux, routes, turn, TurnSchedule.PERMISSION_LIFETIME_MS, TurnSchedule.CHANNEL_LIFETIME_MS);
    }

    /** Allocates, for a server configured with other permission and channel lifetimes (tests). */
    static TurnRelay allocate(
            StunMux mux, RelayRoutes routes, IceServers.Turn turn, long permissionLifetimeMs, long channelLifetimeMs)
            throws IOException {
        if (mux.port() == 0) throw new IOException("the device has no UDP socket yet");
        TurnRelay r = new TurnRelay(mux, routes, turn, permissionLifetimeMs, channelLifetimeMs);
        r.reader = Thread.ofVirtual().name("jwg-turn-read-" + turn.address()).start(r::read);
        try {
            r.allocate();
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        r.keeper = Thread.ofVirtual().name("jwg-turn-keep-" + turn.address()).start(r::keepAlive);
        return r;
    }

    private static long millis() {
        return System.nanoTime() / 1_000_000;
    }

    /** The allocation's relayed address: where peers send. */
    InetSocketAddress relayed() {
        return relayed;
    }

    /** The server-reflexive address of the device's socket as the TURN server saw it, or null. */
    InetSocketAddress mapped() {
        return mapped;
    }

    IceServers.Turn server() {
        return turn;
    }

    /** True until closed or the allocation lapsed. */
    boolean active() {
        return !closed;
    }

    /** The channel bound to {@code peer}, or 0. */
    int channel(InetSocketAddress peer) {
        Peer p = peers.get(peer);
        return p == null ? 0 : p.channel;
    }

    // ------------------------------------------------------------------ peers

    private Peer peer(InetSocketAddress address) {
        return peers.computeIfAbsent(
                address, a -> new Peer(a, new TurnSchedule(permissionLifetimeMs, channelLifetimeMs)));
    }

    /** Installs a permission for {@code peer}'s address unless there is one; false if refused. */
    boolean permit(InetSocketAddress peer) throws IOException {
        Peer p = peer(peer);
        if (p.permitted) return true;
        return createPermission(p);
    }

    /**
     * Binds a channel to {@code peer} (a new number: a number is never reused for another peer) and
     * installs its route: from now on the device's datagrams to {@code peer} go as ChannelData.
     */
    RelayRoutes.Route bind(InetSocketAddress peer) throws IOException {
        Peer p = peer(peer);
        synchronized (p) {
            if (p.route != null) return p.route;
            if (p.channel == 0) {
                int ch = nextChannel.getAndIncrement();
                if (ch > ChannelData.MAX_CHANNEL - 1) throw new IOException("TURN channel numbers exhausted");
                p.channel = ch;
                byChannel.put(ch, p);
            }
            if (!channelBind(p))
                throw new IOException("TURN ChannelBind for " + peer + " refused by " + turn.address());
            p.route = routes.add(peer, turn.address(), p.channel);
            return p.route;
        }
    }

    /** Removes {@code peer}'s route and stops refreshing its channel (the permission stays for ICE). */
    void unbind(InetSocketAddress peer) {
        Peer p = peers.get(peer);
        if (p == null) return;
        synchronized (p) {
            RelayRoutes.Route r = p.route;
            p.route = null;
            if (r != null) routes.remove(r);
            p.schedule.channelDropped();
        }
    }

    /** Sends {@code len} bytes to {@code peer} in a Send indication (ICE checks; needs a permission). */
    void sendIndication(RelaySocket from, InetSocketAddress peer, byte[] data, int off, int len) throws IOException {
        if (!permit(peer)) throw new SocketException("TURN permission for " + peer + " refused");
        lastSender.put(peer, from);
        byte[] value = java.util.Arrays.copyOfRange(data, off, off + len);
        if (StunPacket.kind(value, len) == StunPacket.Kind.REQUEST) checks.put(StunPacket.transactionId(value), from);
        byte[] id = newTransactionId();
        byte[] wire = StunMessage.of(Stun.SEND, Stun.INDICATION, id)
                .add(Stun.XOR_PEER_ADDRESS, peer)
                .add(Stun.DATA_ATTRIBUTE, value)
                .encode(null, false);
        socket.send(new DatagramPacket(wire, wire.length, turn.address()));
    }

    void attach(RelaySocket s) {
        candidates.add(s);
    }

    void detach(RelaySocket s) {
        candidates.remove(s);
        lastSender.values().removeIf(v -> v == s);
        synchronized (checks) {
            checks.values().removeIf(v -> v == s);
        }
    }

    // ------------------------------------------------------------------ receiving

    private void read() {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setData(buf);
                socket.setSoTimeout(0);
                socket.receive(p);
            } catch (IOException e) {
                if (socket.isClosed()) return;
                continue;
            }
            int len = p.getLength();
            if (Stun.isMessage(buf, len)) {
                int cls = Stun.messageClass(Stun.type(buf));
                int method = Stun.method(Stun.type(buf));
                if (cls == Stun.SUCCESS_RESPONSE || cls == Stun.ERROR_RESPONSE) {
                    CompletableFuture<StunMessage> f = pending.remove(StunPacket.transactionId(buf));
                    if (f != null) f.complete(StunMessage.parse(buf, len));
                } else if (cls == Stun.INDICATION && method == Stun.DATA) {
                    StunMessage m = StunMessage.parse(buf, len);
                    InetSocketAddress from = m == null ? null : m.address(Stun.XOR_PEER_ADDRESS);
                    byte[] data = m == null ? null : m.attribute(Stun.DATA_ATTRIBUTE);
                    if (from != null && data != null) deliver(data, from);
                }
            } else if (ChannelData.isChannelData(buf, len)) {
                Peer peer = byChannel.get(ChannelData.channel(buf));
                if (peer != null)
                    deliver(
                            java.util.Arrays.copyOfRange(
                                    buf, ChannelData.HEADER, ChannelData.HEADER + ChannelData.dataLength(buf)),
                            peer.address);
            }
        }
    }

    /** Hands what a peer sent through the relay to the agent it belongs to. */
    private void deliver(byte[] data, InetSocketAddress from) {
        RelaySocket target = null;
        StunPacket.Kind kind = StunPacket.kind(data, data.length);
        if (kind == StunPacket.Kind.REQUEST) {
            String ufrag = StunPacket.localUfrag(data, data.length);
            for (RelaySocket s : candidates) if (s.ufrag().equals(ufrag)) target = s;
        } else if (kind == StunPacket.Kind.RESPONSE) {
            target = checks.remove(StunPacket.transactionId(data));
        }
        if (target == null) target = lastSender.get(from);
        if (target != null) target.offer(data, from);
    }

    // ------------------------------------------------------------------ keeping it alive

    private void keepAlive() {
        while (!closed) {
            long now = millis();
            if (allocation.expired(now)) {
                LOG.warning("TURN allocation on " + turn.address() + " lapsed: refreshes failed");
                for (Peer p : peers.values()) unbind(p.address);
                closed = true;
                return;
            }
            long next = allocation.nextDeadline();
            if (allocation.due(now) == TurnSchedule.Action.REFRESH && !safely(() -> refresh(-1)))
                allocation.failed(TurnSchedule.Action.REFRESH, millis());
            for (Peer p : peers.values()) {
                if (p.schedule.expired(now)) {
                    LOG.info("TURN permission or channel for " + p.address + " lapsed");
                    unbind(p.address);
                    p.permitted = false;
                    peers.remove(p.address, p);
                    continue;
                }
                TurnSchedule.Action a = p.schedule.due(now);
                if (a == TurnSchedule.Action.PERMISSION && p.route == null) {
                    // a peer only checked, not bound (another session's candidate): forgotten before
                    // its permission lapses; the next check to it installs a new one
                    p.permitted = false;
                    peers.remove(p.address, p);
                    continue;
                }
                boolean ok = switch (a) {
                    case PERMISSION -> safely(() -> createPermission(p));
                    case CHANNEL -> safely(() -> channelBind(p));
                    default -> true;
                };
                if (!ok) p.schedule.failed(a, millis());
                next = Math.min(next, p.schedule.nextDeadline());
            }
            sleep(Math.max(1, Math.min(1000, next - millis())));
        }
    }

    private interface Request {
        boolean run() throws IOException;
    }

    private boolean safely(Request r) {
        try {
            return r.run();
        } catch (IOException e) {
            return false;
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    // ------------------------------------------------------------------ requests

    private void allocate() throws IOException {
        Function<byte[], StunMessage> request = id -> StunMessage.of(Stun.ALLOCATE, Stun.REQUEST, id)
                .addInt(Stun.REQUESTED_TRANSPORT, Stun.PROTOCOL_UDP << 24);
        StunMessage m = transact(request.apply(newTransactionId()), null);
        if (m == null) throw new IOException("no answer from TURN server " + turn.address());
        if (m.cls() == Stun.ERROR_RESPONSE) {
            StunMessage.ErrorCode e = m.errorCode();
            if (e == null || e.code() != UNAUTHORIZED || !learnRealm(m))
                throw new IOException("TURN Allocate refused: " + (e == null ? "no ERROR-CODE" : e.code()));
            m = authenticated(request);
        }
        if (m == null || m.cls() != Stun.SUCCESS_RESPONSE)
            throw new IOException("TURN Allocate refused"
                    + (m == null || m.errorCode() == null
                            ? ""
                            : ": " + m.errorCode().code()));
        relayed = m.address(Stun.XOR_RELAYED_ADDRESS);
        mapped = m.address(Stun.XOR_MAPPED_ADDRESS);
        if (relayed == null) throw new IOException("TURN Allocate success without XOR-RELAYED-ADDRESS");
        allocation.allocated(millis(), lifetime(m));
    }

    private static long lifetime(StunMessage m) {
        long l = m.has(Stun.LIFETIME) ? m.uint32(Stun.LIFETIME) : 600;
        return l <= 0 ? 600 : l;
    }

    /** Refresh; {@code lifetime} ≥ 0 asks for that lifetime (0 deletes the allocation). */
    private boolean refresh(int lifetime) throws IOException {
        StunMessage m = authenticated(id -> {
            StunMessage r = StunMessage.of(Stun.REFRESH, Stun.REQUEST, id);
            return lifetime >= 0 ? r.addInt(Stun.LIFETIME, lifetime) : r;
        });
        if (m == null || m.cls() != Stun.SUCCESS_RESPONSE) return false;
        if (lifetime != 0) {
            allocation.allocated(millis(), lifetime(m));
            refreshes.incrementAndGet();
        }
        return true;
    }

    private boolean createPermission(Peer p) throws IOException {
        StunMessage m = authenticated(
                id -> StunMessage.of(Stun.CREATE_PERMISSION, Stun.REQUEST, id).add(Stun.XOR_PEER_ADDRESS, p.address));
        if (m == null || m.cls() != Stun.SUCCESS_RESPONSE) return false;
        p.schedule.permitted(millis());
        p.permitted = true;
        permissions.incrementAndGet();
        return true;
    }

    private boolean channelBind(Peer p) throws IOException {
        StunMessage m = authenticated(id -> StunMessage.of(Stun.CHANNEL_BIND, Stun.REQUEST, id)
                .addInt(Stun.CHANNEL_NUMBER, p.channel << 16)
                .add(Stun.XOR_PEER_ADDRESS, p.address));
        if (m == null || m.cls() != Stun.SUCCESS_RESPONSE) return false;
        p.schedule.channelBound(millis());
        p.permitted = true;
        channelBinds.incrementAndGet();
        return true;
    }

    /** Sends what {@code build} makes with USERNAME/REALM/NONCE/MESSAGE-INTEGRITY; once more on 438. Null: no answer. */
    private StunMessage authenticated(Function<byte[], StunMessage> build) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            String r, n;
            byte[] k;
            synchronized (auth) {
                r = realm;
                n = nonce;
                k = key;
            }
            // built anew for each transaction ID: an IPv6 XOR-PEER-ADDRESS is XORed with it
            StunMessage m = build.apply(newTransactionId())
                    .add(Stun.USERNAME, turn.username())
                    .add(Stun.REALM, r)
                    .add(Stun.NONCE, n);
            StunMessage reply = transact(m, k);
            if (reply == null) return null;
            StunMessage.ErrorCode e = reply.errorCode();
            boolean stale = reply.cls() == Stun.ERROR_RESPONSE && e != null && e.code() == STALE_NONCE;
            if (!stale || attempt == 1 || !learnRealm(reply)) return reply;
        }
        return null;
    }

    private boolean learnRealm(StunMessage m) {
        String r = m.text(Stun.REALM), n = m.text(Stun.NONCE);
        synchronized (auth) {
            if (n == null || (r == null && realm == null)) return false;
            if (r != null) realm = r;
            nonce = n;
            key = MessageIntegrity.longTermKey(turn.username(), realm, turn.password());
            return true;
        }
    }

    /** One request, retransmitted; the matching response (integrity checked if it carries one), or null. */
    private StunMessage transact(StunMessage request, byte[] integrityKey) throws IOException {
        byte[] wire = request.encode(integrityKey, true);
        String id = StunPacket.transactionId(wire);
        CompletableFuture<StunMessage> f = new CompletableFuture<>();
        pending.put(id, f);
        try {
            long rto = FIRST_RTO_MS;
            for (int t = 0; t < TRIES && !closed; t++, rto *= 2) {
                socket.send(new DatagramPacket(wire, wire.length, turn.address()));
                try {
                    StunMessage m = f.get(rto, TimeUnit.MILLISECONDS);
                    if (m == null) return null;
                    if (integrityKey != null && m.has(Stun.MESSAGE_INTEGRITY) && !m.integrityValid(integrityKey))
                        return null; // forged or corrupted
                    return m;
                } catch (TimeoutException e) {
                    // retransmit
                } catch (ExecutionException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SocketException("interrupted");
                }
            }
            return null;
        } finally {
            pending.remove(id);
        }
    }

    private static byte[] newTransactionId() {
        byte[] id = new byte[Stun.TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(id);
        return id;
    }

    /** Removes every route, stops the refreshes and deletes the allocation (best effort). */
    @Override
    public void close() {
        if (closed && socket.isClosed()) return;
        for (Peer p : peers.values()) unbind(p.address);
        Thread k = keeper;
        closed = true;
        if (k != null) {
            k.interrupt();
            try {
                k.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (key != null && relayed != null) {
            closed = false; // one last transaction
            try {
                refresh(0);
            } catch (IOException e) {
                LOG.fine("TURN release: " + e.getMessage());
            }
            closed = true;
        }
        socket.close();
    }
}
