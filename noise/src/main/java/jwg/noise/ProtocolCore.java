package jwg.noise;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import jwg.noise.crypto.X25519;

/**
 * The protocol state of one WireGuard interface and all its peers — what wireguard-go keeps in its
 * Device besides I/O (the data plane's {@code Device} owns one): the local static key, the cookie checker
 * (MAC1/MAC2, cookie replies), the receiver-index table and the peers ({@link Tunnel}s) by
 * public key. Every received datagram enters here ({@link #decapsulate}): initiations are
 * matched to a peer by the static key they carry, everything else by receiver index.
 *
 * <p>Threading: {@link #decapsulate} of handshake messages (types 1–3), {@link #addPeer},
 * {@link #removePeer} and {@link Tunnel#tick} run on one control thread. Transport messages
 * (type 4) may be decapsulated on the receive thread, or split: {@link #lookup} (lock-free) +
 * {@link Keypair#open} on a worker + {@link Tunnel#receivedData} on the ordered side.
 */
public final class ProtocolCore {
    final PrivateKey staticPrivate;
    final PublicKey staticPublic;
    final SecureRandom random;
    final IndexTable indices;
    final CookieChecker cookieChecker;
    final Counters counters = new Counters();
    private final Map<PublicKey, Tunnel> peers = new ConcurrentHashMap<>();
    /** Initialize() for initiations to us (read-only after construction: {@link InitiationFilter}s share it). */
    final SymmetricState responderInitial;

    private final LongSupplier wallClock;
    /** Test hook (null: fresh random ephemerals). */
    private volatile Supplier<byte[]> ephemerals;

    private volatile boolean underLoad;
    /** Applied under load to MAC2-valid initiations and responses (null: none). */
    private volatile SourceLimiter sourceLimiter;
    /** The source of a message handed in as an InetSocketAddress (under the device lock). */
    private final SourceAddress inetSource = new SourceAddress();
    // Control-thread scratch (handshake messages are handled under the device lock), so that a
    // handshake allocates nothing but the new session's keypair.
    private final byte[] scratch = new byte[Messages.INITIATION_LENGTH];
    private final byte[] reply = new byte[Messages.INITIATION_LENGTH];
    private final MemorySegment scratchSegment = MemorySegment.ofArray(scratch);
    private final MemorySegment replySegment = MemorySegment.ofArray(reply);
    private final byte[] ephemeral = new byte[32];
    /** Reads initiations; what it learns is copied into the peer's {@link Handshake}. */
    private final HandshakeState responderScratch;
    /** Looks peers up by the static key an initiation carries (bytes overwritten per lookup). */
    private final PublicKey probe = new PublicKey(new byte[32]);

    /**
     * @param staticPrivate the interface's private key
     * @param random        randomness for ephemeral keys, indices, cookie secrets and jitter
     * @param wallClock     Unix time in nanoseconds, for TAI64N timestamps only (timers use the
     *                      {@code now} passed to each call)
     */
    public ProtocolCore(PrivateKey staticPrivate, SecureRandom random, LongSupplier wallClock) {
        this.staticPrivate =
                new PrivateKey(Objects.requireNonNull(staticPrivate).rawBytes()); // our copy, wiped by close()
        this.staticPublic = staticPrivate.publicKey();
        this.random = Objects.requireNonNull(random);
        this.wallClock = Objects.requireNonNull(wallClock);
        this.indices = new IndexTable(random);
        this.cookieChecker = new CookieChecker(staticPublic, random);
        this.responderInitial = HandshakeState.initialState(
                Constants.IDENTIFIER.getBytes(StandardCharsets.US_ASCII), staticPublic.rawBytes());
        // this.staticPrivate: our copy — the caller may wipe its key once we are made
        this.responderScratch = HandshakeState.reusable(this.staticPrivate.rawBytes(), staticPublic.rawBytes());
    }

    /** With the system wall clock. */
    public ProtocolCore(PrivateKey staticPrivate, SecureRandom random) {
        this(staticPrivate, random, ProtocolCore::systemWallClockNanos);
    }

    static long systemWallClockNanos() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    public PublicKey publicKey() {
        return staticPublic;
    }

    /** A new {@link InitiationFilter} for one handshake worker thread. */
    public InitiationFilter initiationFilter() {
        return new InitiationFilter(this);
    }

    public Counters counters() {
        return counters;
    }

    /** Adds a peer (control thread). Throws if it is already present or is our own key. */
    public Tunnel addPeer(PublicKey peer, PresharedKey psk) {
        if (peer.equals(staticPublic))
            throw new IllegalArgumentException("a peer cannot have the interface's own public key");
        synchronized (this) {
            Tunnel t = new Tunnel(this, peer, psk);
            if (peers.putIfAbsent(peer, t) != null) throw new IllegalArgumentException("peer already present: " + peer);
            return t;
        }
    }

    /** Removes a peer and wipes its keys (control thread). */
    public void removePeer(PublicKey peer) {
        synchronized (this) {
            Tunnel t = peers.remove(peer);
            if (t != null) t.close();
        }
    }

    public Tunnel peer(PublicKey key) {
        return peers.get(key);
    }

    /**
     * The dataplane's "under load" verdict (e.g. handshake queue ≥ 1/8 full, sticky for 1 s).
     * Under load, an initiation or response without a valid MAC2 gets a cookie reply and
     * nothing else.
     */
    public void setUnderLoad(boolean underLoad) {
        this.underLoad = underLoad;
    }

    public boolean underLoad() {
        return underLoad;
    }

    /**
     * The per-source rate limit applied under load, after MAC1 and MAC2 verified (wireguard-go's
     * order; see docs/dataplane.md "Handshake admission"). Null: no rate limit.
     */
    public void setSourceLimiter(SourceLimiter limiter) {
        this.sourceLimiter = limiter;
    }

    /**
     * True if {@code msg[0, len)} is an initiation carrying a MAC2 made with the cookie we would
     * give {@code from} now. An all-zero MAC2 (no cookie: every first initiation, and junk) is
     * refused without any MAC computed. For the receive thread under load, so a peer answering
     * our cookie reply need not queue behind (or be dropped by) unauthenticated initiations.
     * Any thread; allocates nothing.
     */
    public boolean initiationMac2Valid(byte[] msg, int len, SourceAddress from, long now) {
        if (len != Messages.INITIATION_LENGTH || msg[0] != Messages.TYPE_INITIATION) return false;
        return Messages.initiationCarriesMac2(msg) && cookieChecker.checkMac2(msg, Messages.INIT_MAC2, from, now);
    }

    /**
     * Whether a handshake message may wait for the control thread (any thread, lock-free, no
     * allocation): an initiation or response must have its length and a valid MAC1 for us; a
     * cookie reply (which has no MAC1) its length. A refusal is counted (INVALID_LENGTH,
     * INVALID_MAC1, INVALID_TYPE). {@code msg} holds {@code len} bytes; {@code scratch16} is the
     * caller's.
     */
    public boolean mac1Valid(byte[] msg, int len, byte[] scratch16) {
        int type = len >= 4 ? Messages.getIntLE(msg, 0) : 0;
        if (type < Messages.TYPE_INITIATION || type > Messages.TYPE_COOKIE_REPLY) {
            counters.drop(Drop.INVALID_TYPE);
            return false;
        }
        if (!Messages.lengthOk(type, len)) {
            counters.drop(Drop.INVALID_LENGTH);
            return false;
        }
        boolean ok = switch (type) {
            case Messages.TYPE_INITIATION -> cookieChecker.checkMac1(msg, Messages.INIT_MAC1, scratch16);
            case Messages.TYPE_RESPONSE -> cookieChecker.checkMac1(msg, Messages.RESP_MAC1, scratch16);
            default -> true;
        };
        if (!ok) counters.drop(Drop.INVALID_MAC1);
        return ok;
    }

    /**
     * The keypair a transport message's receiver index points to, or null (lock-free, no
     * allocation). For the split receive path; the keypair knows its {@link Keypair#tunnel()}.
     */
    public Keypair lookup(int receiverIndex) {
        IndexTable.Entry e = indices.get(receiverIndex);
        return e == null ? null : e.keypair();
    }

    long wallClockNanos() {
        return wallClock.getAsLong();
    }

    /** Test hook: where ephemeral private keys come from. */
    void setEphemeralSource(Supplier<byte[]> source) {
        this.ephemerals = source;
    }

    /**
     * A new clamped ephemeral private key in a scratch array the caller wipes when done (control
     * thread, under the device lock).
     */
    byte[] newEphemeral() {
        Supplier<byte[]> source = ephemerals;
        if (source == null) random.nextBytes(ephemeral);
        else System.arraycopy(source.get(), 0, ephemeral, 0, 32);
        X25519.clamp(ephemeral);
        return ephemeral;
    }

    /**
     * Handles one received datagram ({@code len} bytes at {@code d[off]}; {@code from} = source
     * IP and port, used only for cookies) and returns {@code out} filled in:
     * <ul>
     * <li>transport → WRITE_TO_TUNNEL_V4/V6 (the plaintext IP packet: {@code out.length()} bytes at
     *     {@code out.offset()}, padding removed), DONE for a keepalive;</li>
     * <li>initiation → WRITE_TO_NETWORK with the response;</li>
     * <li>response → WRITE_TO_NETWORK with a keepalive, and {@code out.flushStaged()};</li>
     * <li>cookie reply → DONE; or, if it answers our initiation in flight and that was not resent
     *     yet, WRITE_TO_NETWORK with that initiation again, now with MAC2 (to the peer's endpoint,
     *     not to the reply's source: a cookie reply authenticates no address);</li>
     * <li>under load without valid MAC2 → WRITE_TO_NETWORK with a cookie reply ({@code out.drop()}
     *     = COOKIE_REQUIRED);</li>
     * <li>anything invalid → DROPPED, counted, nothing sent.</li>
     * </ul>
     * {@code out.tunnel()} names the peer concerned. Never throws on hostile input.
     */
    public Result decapsulate(long now, MemorySegment d, long off, int len, InetSocketAddress from, Result out) {
        return out.is(decapsulate(now, d, off, len, from, null, out));
    }

    /** {@link #decapsulate(long, MemorySegment, long, int, InetSocketAddress, Result)} with the source in a reusable holder: allocates nothing. */
    public Result decapsulate(long now, MemorySegment d, long off, int len, SourceAddress from, Result out) {
        return out.is(decapsulate(now, d, off, len, null, from, out));
    }

    private Action decapsulate(
            long now, MemorySegment d, long off, int len, InetSocketAddress inet, SourceAddress src, Result out) {
        out.reset(null);
        int type = Messages.type(d, off, len);
        if (type == 0) return dropped(out, Drop.INVALID_TYPE);
        if (!Messages.lengthOk(type, len)) return dropped(out, Drop.INVALID_LENGTH);
        try {
            if (type == Messages.TYPE_TRANSPORT) {
                IndexTable.Entry e = indices.get(Messages.receiverIndex(d, off, type));
                if (e == null || e.keypair() == null) return dropped(out, Drop.UNKNOWN_RECEIVER_INDEX);
                out.tunnel = e.tunnel();
                return e.tunnel().decapsulateTransport(now, e.keypair(), d, off, len, out); // counts its drops
            }
            synchronized (this) {
                return handshakeMessage(now, type, d, off, len, src, inet, out);
            }
        } catch (RuntimeException ex) {
            // Defensive: hostile input must never escape as an exception. (UnsupportedOperation
            // from a missing primitive is a programming error and is rethrown.)
            if (ex instanceof UnsupportedOperationException) throw ex;
            return dropped(out, type == Messages.TYPE_TRANSPORT ? Drop.DECRYPT_FAILED : Drop.INVALID_LENGTH);
        }
    }

    /**
     * The admission order (wireguard-go's): MAC1 always; under load a valid MAC2 or else a cookie
     * reply and nothing more; under load the per-source rate limit, only for MAC2-valid sources;
     * only then the expensive part (Diffie-Hellman).
     */
    private Action handshakeMessage(
            long now,
            int type,
            MemorySegment d,
            long off,
            int len,
            SourceAddress src,
            InetSocketAddress inet,
            Result out) {
        byte[] msg = scratch;
        MemorySegment.copy(d, off, scratchSegment, 0, len);
        if (type == Messages.TYPE_COOKIE_REPLY) {
            IndexTable.Entry e = indices.get(Messages.getIntLE(msg, Messages.COOKIE_RECEIVER));
            if (e == null) return dropped(out, Drop.UNKNOWN_RECEIVER_INDEX);
            out.tunnel = e.tunnel();
            Handshake h = e.tunnel().handshake;
            if (!h.cookies.consumeReply(msg, now)) return dropped(out, Drop.INVALID_COOKIE_REPLY);
            counters.event(Counters.Event.COOKIE_REPLY_RECEIVED);
            // our initiation in flight was answered with a cookie: send it again at once with MAC2 (once)
            if (out.capacity < Messages.INITIATION_LENGTH
                    || !h.resendWithCookie(Messages.getIntLE(msg, Messages.COOKIE_RECEIVER), now, reply))
                return Action.DONE;
            MemorySegment.copy(replySegment, 0, out.segment, out.offset, Messages.INITIATION_LENGTH);
            out.length = Messages.INITIATION_LENGTH;
            counters.event(Counters.Event.INITIATION_RESENT_WITH_COOKIE);
            return Action.WRITE_TO_NETWORK;
        }
        int mac1Off = type == Messages.TYPE_INITIATION ? Messages.INIT_MAC1 : Messages.RESP_MAC1;
        int senderOff = type == Messages.TYPE_INITIATION ? Messages.INIT_SENDER : Messages.RESP_SENDER;
        // MAC1 always; MAC2 only under load — without it the sender gets a cookie and nothing else
        if (!cookieChecker.checkMac1(msg, mac1Off)) return dropped(out, Drop.INVALID_MAC1);
        if (underLoad) {
            SourceAddress from =
                    src != null ? src : inetSource.set(inet); // (the InetSocketAddress form: only under load)
            if (!cookieChecker.checkMac2(msg, mac1Off + 16, from, now)) {
                if (out.capacity < Messages.COOKIE_REPLY_LENGTH) return dropped(out, Drop.BUFFER_TOO_SMALL);
                cookieChecker.createReply(msg, senderOff, mac1Off, from, now, reply);
                MemorySegment.copy(replySegment, 0, out.segment, out.offset, Messages.COOKIE_REPLY_LENGTH);
                counters.drop(Drop.COOKIE_REQUIRED);
                counters.event(Counters.Event.COOKIE_REPLY_SENT);
                out.drop = Drop.COOKIE_REQUIRED;
                out.length = Messages.COOKIE_REPLY_LENGTH;
                return Action.WRITE_TO_NETWORK;
            }
            SourceLimiter limiter = sourceLimiter;
            if (limiter != null && !limiter.allow(from, now)) return dropped(out, Drop.RATE_LIMITED);
        }
        return type == Messages.TYPE_INITIATION ? initiation(now, msg, out) : response(now, msg, out);
    }

    /** Responder: consume an initiation, create the response, install the keypair as "next". */
    private Action initiation(long now, byte[] msg, Result out) {
        HandshakeState hs = responderScratch.resetResponder(responderInitial);
        if (!hs.readMessage1Static(msg, Messages.INIT_NOISE)) {
            hs.wipe();
            return dropped(out, Drop.INVALID_INITIATION);
        }
        System.arraycopy(hs.rs, 0, probe.bytes, 0, 32);
        Tunnel t = peers.get(probe);
        if (t == null) {
            hs.wipe();
            return dropped(out, Drop.UNKNOWN_PEER);
        }
        out.tunnel = t;
        Drop bad = t.handshake.consumeInitiation(hs, msg, now);
        if (bad != null) return dropped(out, bad);
        counters.event(Counters.Event.INITIATION_RECEIVED);
        t.timers.anyAuthenticatedPacketReceived(now);
        if (out.capacity < Messages.RESPONSE_LENGTH) return dropped(out, Drop.BUFFER_TOO_SMALL);
        Keypair kp = t.handshake.createResponse(now, reply);
        if (kp == null) return dropped(out, Drop.INVALID_INITIATION);
        t.keypairs.install(kp);
        t.timers.sessionDerived(now);
        t.timers.anyAuthenticatedPacketSent(now);
        MemorySegment.copy(replySegment, 0, out.segment, out.offset, Messages.RESPONSE_LENGTH);
        out.length = Messages.RESPONSE_LENGTH;
        counters.event(Counters.Event.RESPONSE_SENT);
        return Action.WRITE_TO_NETWORK;
    }

    /** Initiator: consume the response, install the keypair as current, send a keepalive. */
    private Action response(long now, byte[] msg, Result out) {
        IndexTable.Entry e = indices.get(Messages.getIntLE(msg, Messages.RESP_RECEIVER));
        if (e == null || e.keypair() != null) return dropped(out, Drop.UNKNOWN_RECEIVER_INDEX);
        Tunnel t = e.tunnel();
        out.tunnel = t;
        Keypair kp = t.handshake.consumeResponse(msg, now);
        if (kp == null) return dropped(out, Drop.INVALID_RESPONSE);
        counters.event(Counters.Event.RESPONSE_RECEIVED);
        counters.event(Counters.Event.HANDSHAKE_COMPLETED);
        t.keypairs.install(kp);
        t.timers.anyAuthenticatedPacketReceived(now);
        t.timers.sessionDerived(now);
        t.timers.handshakeComplete(now);
        out.flushStaged = true;
        // SendKeepalive: confirms the keypair to the responder (the caller may send staged data instead)
        long c = kp.nextSendCounter();
        if (out.capacity < Messages.TRANSPORT_MIN_LENGTH || c == -1) return Action.DONE;
        out.length = kp.seal(t.sendAeadForControl(), c, out.segment, out.offset, 0, out.segment, out.offset, t.mtu());
        counters.event(Counters.Event.KEEPALIVE_SENT);
        t.sentDataWantsHandshake(now, kp, true);
        return Action.WRITE_TO_NETWORK;
    }

    private Action dropped(Result out, Drop reason) {
        counters.drop(reason);
        out.drop = reason;
        out.length = 0;
        return Action.DROPPED;
    }

    /** Wipes every peer's keys, the cookie secret and the device's copy of its static private key (device shutdown). */
    public synchronized void close() {
        for (Tunnel t : peers.values()) t.close();
        peers.clear();
        cookieChecker.wipe();
        staticPrivate.wipe();
    }

    @Override
    public String toString() {
        return "ProtocolCore[" + staticPublic + ", " + peers.size() + " peers]";
    }
}
