package jwg.noise;

import static jwg.noise.Constants.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import jwg.noise.crypto.ChaCha20Poly1305;

/**
 * One peer: its handshake, keypairs and timers — the protocol core's equivalent of boringtun's
 * {@code Tunn}. Created by {@link ProtocolCore#addPeer}. The core keeps no packets and owns no
 * clock, socket or thread: every method takes {@code now} (monotonic nanoseconds) and writes
 * into a caller-owned {@link Result}, which it returns (the action and the bytes it concerns).
 *
 * <h2>Simple API (one thread per tunnel, or one sender + one receiver thread)</h2>
 * {@link #encapsulate}, {@link #decapsulate}, {@link #tick}. Packets that cannot be sent yet
 * get {@link Action#STAGE_PACKET}: the caller keeps them (a small bounded queue) and sends them
 * again when a result has {@link Result#flushStaged} set.
 *
 * <h2>Split API (the dataplane: ordered I/O side + parallel crypto workers)</h2>
 * <pre>
 *   ordered send side:  kp = tunnel.sendingKeypair(now)      // null: stage packet, handshake wanted
 *                       c  = kp.nextSendCounter()            // -1: exhausted, treat as null (counters are
 *                                                            // unsigned: compare with == -1, not < 0)
 *   worker:             n  = kp.seal(aead, c, pkt, off, len, buf, bufOff, tunnel.mtu())
 *   after sending:      if (tunnel.sentDataWantsHandshake(now, kp, len == 0)) wake the control thread (tick)
 *
 *   receive (I/O):      e = device.lookup(receiverIndex)    // or device.decapsulate for types 1–3
 *   worker:             ok = kp.open(aead, datagram, off, len, plain, plainOff)
 *   ordered recv side:  r = tunnel.receivedData(now, kp, counter, plain, plainOff, len - 32, result) // r.action(), r.length()
 *   control thread:     device.decapsulate(...) for handshake messages; tunnel.tick(now, out) at
 *                       tunnel.nextDeadline(now) (a timer wheel), and soon when sentDataWantsHandshake asks for
 *                       a handshake or handshakeWanted() turns true
 * </pre>
 * Keypairs are immutable (bar the atomic counter), so seal/open are thread-safe given a
 * per-thread {@link ChaCha20Poly1305}. The replay window of a keypair is checked on the ordered
 * receive side only. Handshakes, tick and peer configuration run on one control thread.
 */
public final class Tunnel {
    final ProtocolCore device;
    final Handshake handshake;
    final Keypairs keypairs;
    final Timers timers;
    private final PublicKey remoteStatic;
    private volatile int mtu = DEFAULT_MTU;
    // Simple-API AEAD instances: one for the sending thread, one for the receiving thread, and
    // the control thread's own (tick keepalives, the keepalive after a response). Each is made by
    // its thread on first use: ~8 KB apiece, and a device with 10,000 configured peers has few
    // that ever use them (the device's data path brings its own per thread).
    private ChaCha20Poly1305 sendAead, receiveAead, controlAead;
    private final byte[] handshakeScratch = new byte[Messages.INITIATION_LENGTH];
    private final MemorySegment handshakeScratchSegment = MemorySegment.ofArray(handshakeScratch);
    /**
     * The last attempt to create an initiation failed (the peer's key gives an all-zero
     * static-static DH, so it always will): a wanted handshake is then no deadline. Device lock.
     */
    private boolean initiationFailed;

    Tunnel(ProtocolCore device, PublicKey remoteStatic, PresharedKey psk) {
        this.device = device;
        this.remoteStatic = remoteStatic;
        this.keypairs = new Keypairs(device.indices);
        this.timers = new Timers(this, device.random);
        this.handshake = new Handshake(device, this, remoteStatic, psk);
    }

    public PublicKey publicKey() {
        return remoteStatic;
    }

    public int mtu() {
        return mtu;
    }

    /** The tunnel MTU: plaintext is padded to a multiple of 16 but never past it. */
    public void setMtu(int mtu) {
        this.mtu = mtu;
    }

    /** Persistent keepalive interval in seconds (0 = off). */
    public void setPersistentKeepalive(int seconds) {
        timers.persistentKeepalive = seconds * 1_000_000_000L;
    }

    public void setPresharedKey(PresharedKey psk) {
        handshake.setPresharedKey(psk);
    }

    /** True if a keypair usable for sending exists at {@code now}. */
    public boolean hasSession(long now) {
        Keypair kp = keypairs.current;
        return kp != null && !kp.expired(now);
    }

    /** The time of the last completed handshake, or {@link Long#MIN_VALUE} if none. */
    public long lastHandshake() {
        return timers.lastHandshakeCompleted;
    }

    /** True when the data path asked for a handshake that tick() has not started yet. */
    public boolean handshakeWanted() {
        return timers.wantHandshake;
    }

    public Counters counters() {
        return device.counters;
    }

    // ------------------------------------------------------------------ split API: sending

    /**
     * The keypair to send with now (ordered send side; lock-free, no allocation), or null when
     * there is none usable — then a handshake is wanted (see {@link #handshakeWanted}), and the
     * packet should be staged.
     */
    public Keypair sendingKeypair(long now) {
        Keypair kp = keypairs.current;
        if (kp == null || kp.expired(now) || Long.compareUnsigned(kp.sendCounter(), REJECT_AFTER_MESSAGES) >= 0) {
            timers.requestHandshake(now);
            return null;
        }
        return kp;
    }

    /**
     * Records that a packet sealed with {@code kp} was sent (timers; keepKeyFreshSending).
     * Returns true if this asked for a new handshake: the caller then wakes the
     * control thread so that it ticks soon.
     */
    public boolean sentDataWantsHandshake(long now, Keypair kp, boolean keepalive) {
        timers.anyAuthenticatedPacketSent(now);
        if (!keepalive) timers.dataSent(now);
        return timers.keepKeyFreshSending(now, kp);
    }

    // ------------------------------------------------------------------ split API: receiving

    /**
     * The ordered receive side, after a worker opened a transport message on {@code kp}: checks
     * the replay window, updates timers and confirms the responder's new keypair, and validates
     * the inner packet. {@code plainLen} is the decrypted length (datagram − 32, with padding).
     * Returns WRITE_TO_TUNNEL_V4/V6 ({@code out.length()} = the IP packet length without padding;
     * the packet stays where it is), DONE for a keepalive, or DROPPED. No allocation.
     */
    public Result receivedData(
            long now, Keypair kp, long counter, MemorySegment plain, long plainOff, int plainLen, Result out) {
        out.reset(this);
        return out.is(received(now, kp, counter, plain, plainOff, plainLen, out));
    }

    private Action received(
            long now, Keypair kp, long counter, MemorySegment plain, long plainOff, int plainLen, Result out) {
        if (kp.expired(now)) return drop(out, Drop.KEYPAIR_EXPIRED);
        if (!kp.replay.accept(counter, REJECT_AFTER_MESSAGES)) return drop(out, Drop.REPLAYED_COUNTER);
        timers.anyAuthenticatedPacketReceived(now);
        if (keypairs.confirm(kp)) {
            // responder: the initiator proved it has the new keys; it is current now
            timers.handshakeComplete(now);
            device.counters.event(Counters.Event.HANDSHAKE_COMPLETED);
            out.flushStaged = true;
        }
        timers.keepKeyFreshReceiving(now);
        if (plainLen == 0) {
            device.counters.event(Counters.Event.KEEPALIVE_RECEIVED);
            return Action.DONE;
        }
        timers.dataReceived(now);
        int ipLen = Messages.innerPacketLength(plain, plainOff, plainLen);
        if (ipLen < 0) return drop(out, Drop.INVALID_INNER_PACKET);
        out.length = ipLen;
        return (plain.get(ValueLayout.JAVA_BYTE, plainOff) & 0xf0) == 0x40
                ? Action.WRITE_TO_TUNNEL_V4
                : Action.WRITE_TO_TUNNEL_V6;
    }

    // ------------------------------------------------------------------ simple API

    /**
     * Encrypts one IP packet ({@code len} bytes at {@code src[off]}; 0 = keepalive) into
     * {@code out}: WRITE_TO_NETWORK with the datagram, or STAGE_PACKET (no session; if
     * {@code out.length() > 0} out holds an initiation to send). {@code out} needs
     * {@code len + 32 + 15} bytes; sealing in place works with {@code out.offset() == off - 16}.
     */
    public Result encapsulate(long now, MemorySegment src, long off, int len, Result out) {
        out.reset(this);
        return out.is(seal(now, src, off, len, out));
    }

    private Action seal(long now, MemorySegment src, long off, int len, Result out) {
        Keypair kp = sendingKeypair(now);
        long counter = kp == null ? -1 : kp.nextSendCounter();
        if (counter == -1 && kp != null) { // -1 is never a valid counter (max is 2^64 - 2^13 - 2)
            timers.requestHandshake(now);
            kp = null;
        }
        if (kp == null) {
            synchronized (device) { // control path: only when there is no session
                timers.sendInitiation(now, false, out); // if it wrote one, out.length > 0: send it
            }
            return Action.STAGE_PACKET;
        }
        if (out.capacity < Messages.paddedLength(len, mtu) + Messages.TRANSPORT_OVERHEAD)
            return drop(out, Drop.BUFFER_TOO_SMALL);
        if (sendAead == null) sendAead = new ChaCha20Poly1305();
        out.length = kp.seal(sendAead, counter, src, off, len, out.segment, out.offset, mtu);
        if (len == 0) device.counters.event(Counters.Event.KEEPALIVE_SENT);
        sentDataWantsHandshake(now, kp, len == 0);
        return Action.WRITE_TO_NETWORK;
    }

    /**
     * Handles a datagram received from this peer (any type; {@code from} is its source address,
     * used for cookies). Same as {@link ProtocolCore#decapsulate}, except that a message that turns
     * out to belong to another peer is still processed for that peer ({@link Result#tunnel} says which).
     */
    public Result decapsulate(long now, MemorySegment datagram, long off, int len, InetSocketAddress from, Result out) {
        return device.decapsulate(now, datagram, off, len, from, out);
    }

    /** Transport message whose receiver index mapped to {@code kp} (single-threaded path). */
    Action decapsulateTransport(long now, Keypair kp, MemorySegment d, long off, int len, Result out) {
        long counter = Messages.transportCounter(d, off);
        if (kp.expired(now)) return drop(out, Drop.KEYPAIR_EXPIRED);
        if (!kp.replay.mayAccept(counter, REJECT_AFTER_MESSAGES)) return drop(out, Drop.REPLAYED_COUNTER);
        int plainLen = len - Messages.TRANSPORT_OVERHEAD;
        if (out.capacity < plainLen) return drop(out, Drop.BUFFER_TOO_SMALL);
        if (receiveAead == null) receiveAead = new ChaCha20Poly1305();
        if (!kp.open(receiveAead, d, off, len, out.segment, out.offset)) return drop(out, Drop.DECRYPT_FAILED);
        return received(now, kp, counter, out.segment, out.offset, plainLen, out);
    }

    /**
     * Runs the timers (control thread). Returns at most one thing to do; call again until it
     * returns {@link Action#DONE}. In order: zero old keys (540 s), retransmit or give up an
     * unanswered initiation (5 s + jitter, 18 retries), start a wanted handshake, start a new
     * one when our data got no answer for 15 s, send a keepalive (10 s) or persistent keepalive.
     * The rules are {@link Timers}'.
     */
    public Result tick(long now, Result out) {
        synchronized (device) { // the control-path lock (the same one handshake messages take)
            out.reset(this);
            return out.is(timers.tick(now, out));
        }
    }

    /**
     * The earliest time (monotonic nanoseconds, never before {@code now}) at which {@link #tick}
     * could have something to do, or {@link Long#MAX_VALUE} when nothing is pending — for a timer
     * wheel: tick at this time instead of every few milliseconds. It is never later than the next
     * thing a tick loop of any rate would do (zero keys, retransmit or give up, a wanted handshake,
     * a new handshake 15 s after unanswered data, a keepalive 10 s after received data, a persistent
     * keepalive), and a tick at that time does exactly what such a loop would have done by then.
     * After a tick that returned {@link Action#DONE} at {@code now}, the result is later than
     * {@code now}.
     *
     * <p>It holds until this tunnel is used again. Control-path calls (tick, handshake messages,
     * configuration) can move it anywhere: ask again after them. Data-path calls
     * ({@link #sentDataWantsHandshake}, {@link #receivedData}, {@link #sendingKeypair}) only ever bring it closer
     * than {@link Constants#REKEY_TIMEOUT} from their own time by wanting a handshake
     * ({@link #handshakeWanted}; {@code sentDataWantsHandshake} and {@code sendingKeypair}'s caller then wake the
     * control thread); otherwise they start timers at least 10 s ahead or push deadlines later.
     * So a caller that re-asks after every control-path call, when woken, and at least once a
     * second misses nothing. Takes the device lock briefly; allocates nothing.
     */
    public long nextDeadline(long now) {
        synchronized (device) {
            return timers.nextDeadline(now);
        }
    }

    /** Starts a handshake now (e.g. on peer creation), unless one was sent less than REKEY_TIMEOUT ago. */
    public Result initiateHandshake(long now, Result out) {
        out.reset(this);
        synchronized (device) {
            return out.is(timers.sendInitiation(now, false, out) ? Action.WRITE_TO_NETWORK : Action.DONE);
        }
    }

    /** A keepalive (empty transport message) into out, if there is a session (timers). */
    boolean keepalive(long now, Result out) {
        Keypair kp = sendingKeypair(now);
        if (kp == null) return false;
        long c = kp.nextSendCounter();
        if (c == -1 || out.capacity < Messages.TRANSPORT_MIN_LENGTH) return false;
        out.length = kp.seal(sendAeadForControl(), c, out.segment, out.offset, 0, out.segment, out.offset, mtu);
        device.counters.event(Counters.Event.KEEPALIVE_SENT);
        sentDataWantsHandshake(now, kp, true);
        return true;
    }

    /**
     * Writes a new initiation into out ({@link Timers#sendInitiation} decides when, and arms the
     * retransmission). Caller holds the device lock.
     */
    boolean writeInitiation(long now, Result out) {
        if (out.capacity < Messages.INITIATION_LENGTH) return false;
        if (!handshake.createInitiation(now, device.wallClockNanos(), handshakeScratch)) {
            initiationFailed = true;
            return false;
        }
        initiationFailed = false;
        MemorySegment.copy(handshakeScratchSegment, 0, out.segment, out.offset, Messages.INITIATION_LENGTH);
        out.length = Messages.INITIATION_LENGTH;
        device.counters.event(Counters.Event.INITIATION_SENT);
        return true;
    }

    /** The last attempt to create an initiation failed (a wanted handshake is then no deadline). */
    boolean initiationFailed() {
        return initiationFailed;
    }

    /** Zeroes all key material: keypairs, handshake, cookie (expiredZeroKeyMaterial). */
    void zeroKeys() {
        keypairs.clear();
        handshake.wipe();
        device.counters.event(Counters.Event.KEYS_ZEROED);
    }

    /** Removes everything secret of this peer (peer removal). */
    void close() {
        keypairs.clear();
        handshake.wipe();
        handshake.cookies.wipe();
        device.indices.removeAll(this);
        timers.reset();
    }

    ChaCha20Poly1305 sendAeadForControl() {
        if (controlAead == null) controlAead = new ChaCha20Poly1305();
        return controlAead;
    }

    /** Counts the drop and reports it. */
    private Action drop(Result out, Drop reason) {
        device.counters.drop(reason);
        out.drop = reason;
        out.length = 0;
        return Action.DROPPED;
    }

    // ------------------------------------------------------------------ test hooks
    Keypair currentKeypair() {
        return keypairs.current;
    }

    Keypair previousKeypair() {
        return keypairs.previous;
    }

    Keypair nextKeypair() {
        return keypairs.next;
    }

    @Override
    public String toString() {
        return "Tunnel[peer=" + remoteStatic + "]";
    }
}
