package jwg.ice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import jwg.ice.stun.MessageIntegrity;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;

/**
 * jwg's own TURN client for one relayed peer, on the device's UDP socket (through the
 * {@link StunMux}, so the allocation's 5-tuple is the device's port and the TURN server): Allocate
 * with long-term credentials (401 → REALM/NONCE, one retry on 438 Stale Nonce), CreatePermission
 * and ChannelBind for the peer's address, then a {@link RelayRoutes.Route} so that
 * {@link IceBind} frames the peer's WireGuard datagrams as ChannelData in the device's own batches.
 * A virtual thread keeps the allocation, the permission and the channel alive as {@link
 * TurnSchedule} says; if one lapses the route goes (the device's datagrams to the peer then go
 * unframed and are lost, which the connection's liveness check notices). Messages come from the
 * one codec in {@code jwg.ice.stun}; the password is never logged.
 */
final class TurnRelay implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TurnRelay.class.getName());
    static final int UNAUTHORIZED = 401, STALE_NONCE = 438;
    /** Retransmissions of a request (RFC 5389 §7.2.1 on UDP, shortened): 500 ms, doubling. */
    static final int TRIES = 4;

    static final long FIRST_RTO_MS = 500;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SharedSocket socket;
    private final RelayRoutes routes;
    private final IceServers.Turn turn;
    private final InetSocketAddress peer;
    private final int channel;
    private final TurnSchedule schedule;
    private final LongSupplier clock;
    private final byte[] receive = new byte[2048];
    private String realm, nonce;
    private byte[] key;
    private InetSocketAddress relayed;
    private volatile RelayRoutes.Route route;
    private Thread keeper;
    private volatile boolean closed;
    /** Successful requests, by kind (for status and tests). */
    final AtomicInteger refreshes = new AtomicInteger(),
            permissions = new AtomicInteger(),
            channelBinds = new AtomicInteger();

    private TurnRelay(
            StunMux mux,
            RelayRoutes routes,
            IceServers.Turn turn,
            InetSocketAddress peer,
            int channel,
            TurnSchedule schedule,
            LongSupplier clock)
            throws IOException {
        this.socket = new SharedSocket(mux, new InetSocketAddress(InetAddress.getByAddress(new byte[4]), mux.port()));
        this.routes = routes;
        this.turn = turn;
        this.peer = peer;
        this.channel = channel;
        this.schedule = schedule;
        this.clock = clock;
    }

    /**
     * Allocates on {@code turn} from the device's socket, permits and binds {@code channel} to
     * {@code peer}, installs the route and starts keeping it alive. Throws (having released what it
     * got) if any step fails.
     */
    static TurnRelay open(
            StunMux mux,
            RelayRoutes routes,
            IceServers.Turn turn,
            InetSocketAddress peer,
            int channel,
            TurnSchedule schedule)
            throws IOException {
        if (mux.port() == 0) throw new IOException("the device has no UDP socket yet");
        TurnRelay r = new TurnRelay(mux, routes, turn, peer, channel, schedule, TurnRelay::millis);
        try {
            r.allocate();
            r.require(r.createPermission(), "CreatePermission");
            r.require(r.channelBind(), "ChannelBind");
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        r.route = routes.add(peer, turn.address(), channel);
        r.keeper = Thread.ofVirtual().name("jwg-turn-" + peer).start(r::keepAlive);
        return r;
    }

    /** A channel number for a new binding (0x4000–0x7FFE; RFC 8656 §12). */
    static int randomChannel() {
        return ThreadLocalRandom.current().nextInt(0x4000, 0x7FFF);
    }

    private static long millis() {
        return System.nanoTime() / 1_000_000;
    }

    /** The allocation's relayed address: where the peer sends. */
    InetSocketAddress relayed() {
        return relayed;
    }

    int channel() {
        return channel;
    }

    /** True while the route is installed (allocation, permission and channel alive). */
    boolean active() {
        return route != null && !closed;
    }

    private void keepAlive() {
        while (!closed) {
            long now = clock.getAsLong();
            if (schedule.expired(now)) {
                LOG.warning("TURN relay to " + peer + " via " + turn.address() + " lapsed: refreshes failed");
                dropRoute();
                return;
            }
            TurnSchedule.Action a = schedule.due(now);
            if (a == TurnSchedule.Action.NONE) {
                sleep(Math.max(1, Math.min(1000, schedule.nextDeadline() - now)));
                continue;
            }
            boolean ok;
            try {
                ok = switch (a) {
                    case REFRESH -> refresh(-1);
                    case PERMISSION -> createPermission();
                    case CHANNEL -> channelBind();
                    case NONE -> true;
                };
            } catch (IOException e) {
                ok = false;
            }
            if (!ok && !closed) {
                LOG.fine("TURN " + a + " for " + peer + " failed; retrying");
                schedule.failed(a, clock.getAsLong());
            }
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

    private void require(boolean ok, String what) throws IOException {
        if (!ok) throw new IOException("TURN " + what + " for " + peer + " refused by " + turn.address());
    }

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
        if (relayed == null) throw new IOException("TURN Allocate success without XOR-RELAYED-ADDRESS");
        schedule.allocated(clock.getAsLong(), lifetime(m));
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
            schedule.allocated(clock.getAsLong(), lifetime(m));
            refreshes.incrementAndGet();
        }
        return true;
    }

    private boolean createPermission() throws IOException {
        StunMessage m = authenticated(
                id -> StunMessage.of(Stun.CREATE_PERMISSION, Stun.REQUEST, id).add(Stun.XOR_PEER_ADDRESS, peer));
        if (m == null || m.cls() != Stun.SUCCESS_RESPONSE) return false;
        schedule.permitted(clock.getAsLong());
        permissions.incrementAndGet();
        return true;
    }

    private boolean channelBind() throws IOException {
        StunMessage m = authenticated(id -> StunMessage.of(Stun.CHANNEL_BIND, Stun.REQUEST, id)
                .addInt(Stun.CHANNEL_NUMBER, channel << 16)
                .add(Stun.XOR_PEER_ADDRESS, peer));
        if (m == null || m.cls() != Stun.SUCCESS_RESPONSE) return false;
        schedule.channelBound(clock.getAsLong());
        channelBinds.incrementAndGet();
        return true;
    }

    /** Sends {@code base} with USERNAME/REALM/NONCE/MESSAGE-INTEGRITY; once more on 438. Null: no answer. */
    private StunMessage authenticated(Function<byte[], StunMessage> build) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            // built anew for each transaction ID: an IPv6 XOR-PEER-ADDRESS is XORed with it
            StunMessage m = build.apply(newTransactionId())
                    .add(Stun.USERNAME, turn.username())
                    .add(Stun.REALM, realm)
                    .add(Stun.NONCE, nonce);
            StunMessage r = transact(m, key);
            if (r == null) return null;
            StunMessage.ErrorCode e = r.errorCode();
            boolean stale = r.cls() == Stun.ERROR_RESPONSE && e != null && e.code() == STALE_NONCE;
            if (!stale || attempt == 1 || !learnRealm(r)) return r;
        }
        return null;
    }

    private boolean learnRealm(StunMessage m) {
        String r = m.text(Stun.REALM), n = m.text(Stun.NONCE);
        if (n == null || (r == null && realm == null)) return false;
        if (r != null) realm = r;
        nonce = n;
        key = MessageIntegrity.longTermKey(turn.username(), realm, turn.password());
        return true;
    }

    /** One request, retransmitted; the matching response (integrity checked if it carries one), or null. */
    private StunMessage transact(StunMessage request, byte[] integrityKey) throws IOException {
        byte[] wire = request.encode(integrityKey, true);
        long rto = FIRST_RTO_MS;
        for (int t = 0; t < TRIES && !closed; t++, rto *= 2) {
            socket.send(new DatagramPacket(wire, wire.length, turn.address()));
            long deadline = System.nanoTime() + rto * 1_000_000;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) break;
                socket.setSoTimeout((int) left);
                DatagramPacket p = new DatagramPacket(receive, receive.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                StunMessage m = StunMessage.parse(receive, p.getLength());
                if (m == null || !m.hasTransactionId(request.transactionId())) continue;
                if (m.cls() == Stun.REQUEST || m.cls() == Stun.INDICATION) continue;
                if (integrityKey != null && m.has(Stun.MESSAGE_INTEGRITY) && !m.integrityValid(integrityKey))
                    continue; // forged or corrupted: keep waiting for the real one
                return m;
            }
        }
        return null;
    }

    private static byte[] newTransactionId() {
        byte[] id = new byte[Stun.TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(id);
        return id;
    }

    private void dropRoute() {
        RelayRoutes.Route r = route;
        route = null;
        if (r != null) routes.remove(r);
    }

    /** Removes the route, stops the refreshes and deletes the allocation (best effort). */
    @Override
    public void close() {
        boolean wasOpen = !closed;
        closed = true;
        dropRoute();
        Thread k = keeper;
        if (k != null) {
            k.interrupt();
            try {
                k.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (wasOpen && key != null && relayed != null) {
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
