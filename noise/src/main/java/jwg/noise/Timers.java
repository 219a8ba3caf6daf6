package jwg.noise;

import static jwg.noise.Constants.*;

import java.util.random.RandomGenerator;

/**
 * Every timer rule of one peer, in one place (whitepaper section 6, wireguard-go's
 * {@code timers.go}): the state, the events the protocol reports, what {@link #tick} does when a
 * timer is due, and when that will next be ({@link #nextDeadline}). Timers are timestamps rather
 * than scheduled callbacks: the data path only records what happened (volatile writes, no locks,
 * no allocation); {@link #tick} — on the control thread, under the device lock — compares them
 * with {@code now}. The core owns no clock: {@code now} is the caller's monotonic nanoseconds,
 * and scheduling (a timer wheel) is the caller's ({@code jwg.dataplane.TimerSchedule}).
 *
 * <h2>The rules</h2>
 * <table>
 * <caption>timer → rule → state</caption>
 * <tr><td>REKEY_AFTER_TIME, REKEY_AFTER_MESSAGES</td><td>the initiator wants a new handshake when
 *   its current keypair is 120 s old, anyone after 2^60 messages ({@link #keepKeyFreshSending})</td>
 *   <td>{@link #wantHandshake}</td></tr>
 * <tr><td>REJECT_AFTER_TIME − KEEPALIVE_TIMEOUT − REKEY_TIMEOUT</td><td>the initiator wants one more at
 *   165 s on receive, once per session ({@link #keepKeyFreshReceiving})</td>
 *   <td>{@link #sentLastMinuteHandshake}</td></tr>
 * <tr><td>REKEY_TIMEOUT</td><td>at most one initiation per 5 s ({@link #initiationAllowed}); an
 *   unanswered one is retransmitted after 5 s + up to 334 ms jitter</td><td>{@link #retransmitAt}</td></tr>
 * <tr><td>REKEY_ATTEMPT_TIME</td><td>after MAX_TIMER_HANDSHAKES (90 s ÷ 5 s = 18) retransmissions the
 *   handshake is given up, staged packets dropped</td><td>{@link #attempts}</td></tr>
 * <tr><td>KEEPALIVE_TIMEOUT</td><td>data received, nothing sent for 10 s: send a keepalive</td>
 *   <td>{@link #receivedSinceLastSend}</td></tr>
 * <tr><td>KEEPALIVE_TIMEOUT + REKEY_TIMEOUT</td><td>data sent, nothing received for 15 s (+ jitter):
 *   a new handshake</td><td>{@link #sentSinceLastReceive}</td></tr>
 * <tr><td>persistent keepalive</td><td>nothing sent or received for the interval: a keepalive, or an
 *   initiation when there is no session</td><td>{@link #persistentKeepalive}, {@link #lastTraversal}</td></tr>
 * <tr><td>3 × REJECT_AFTER_TIME</td><td>540 s after the last keypair was derived (or a handshake was
 *   given up), all key material is zeroed</td><td>{@link #zeroKeysAt}</td></tr>
 * </table>
 * REJECT_AFTER_TIME itself (a keypair older than 180 s is used neither way) is {@link Keypair#expired}.
 */
final class Timers {
    static final long NONE = Long.MIN_VALUE;

    private final Tunnel tunnel;
    private final RandomGenerator random;

    // --- written by the data path (any thread), read by tick() ---
    /** First time data was sent since the last authenticated packet was received (newHandshake timer). */
    volatile long sentSinceLastReceive = NONE;
    /** First time data was received since the last authenticated packet was sent (sendKeepalive timer). */
    volatile long receivedSinceLastSend = NONE;
    /** More data arrived while the keepalive timer was pending: send another one later. */
    volatile boolean needAnotherKeepalive;
    /** Last time any authenticated packet went either way (persistent keepalive). */
    volatile long lastTraversal = NONE;
    /** The data path wants a handshake (no usable session, or REKEY_AFTER_TIME/MESSAGES reached). */
    volatile boolean wantHandshake;
    /** The initiator already asked for a rekey at REJECT − KEEPALIVE − REKEY_TIMEOUT on receive. */
    volatile boolean sentLastMinuteHandshake;

    // --- control thread (volatile: the responder confirmation on the receive side also resets them) ---
    volatile long retransmitAt = NONE;
    volatile int attempts;
    volatile long lastInitiationSent = NONE;
    volatile long zeroKeysAt = NONE;
    long newHandshakeJitter;
    /** When the last handshake completed (for status; "latest handshake"). */
    volatile long lastHandshakeCompleted = NONE;

    // --- configuration ---
    /** Persistent keepalive interval in nanoseconds, 0 = off. */
    volatile long persistentKeepalive;

    Timers(Tunnel tunnel, RandomGenerator random) {
        this.tunnel = tunnel;
        this.random = random;
        this.newHandshakeJitter = jitter();
    }

    /** Up to REKEY_TIMEOUT_JITTER_MAX of random jitter (wireguard-go: fastrandn(334) ms). */
    long jitter() {
        return random.nextLong(REKEY_TIMEOUT_JITTER_MAX);
    }

    static boolean due(long deadline, long now) {
        return deadline != NONE && now - deadline >= 0;
    }

    // ------------------------------------------------------------------ events (names as in timers.go)

    /** Any authenticated packet sent: data, keepalive, handshake message. */
    void anyAuthenticatedPacketSent(long now) {
        receivedSinceLastSend = NONE;
        lastTraversal = now;
    }

    /** Any authenticated packet received. */
    void anyAuthenticatedPacketReceived(long now) {
        sentSinceLastReceive = NONE;
        lastTraversal = now;
    }

    /** Data (not a keepalive) sent: expect an answer within KEEPALIVE + REKEY_TIMEOUT. */
    void dataSent(long now) {
        if (sentSinceLastReceive == NONE) sentSinceLastReceive = now;
    }

    /** Data (not a keepalive) received: answer with a keepalive within KEEPALIVE_TIMEOUT if we send nothing. */
    void dataReceived(long now) {
        if (receivedSinceLastSend == NONE) receivedSinceLastSend = now;
        else needAnotherKeepalive = true;
    }

    /** An initiation was sent: arm the retransmission. */
    void handshakeInitiated(long now) {
        lastInitiationSent = now;
        retransmitAt = now + REKEY_TIMEOUT + jitter();
    }

    /** A handshake completed (initiator: response consumed; responder: first data on the new keypair). */
    void handshakeComplete(long now) {
        retransmitAt = NONE;
        attempts = 0;
        sentLastMinuteHandshake = false;
        lastHandshakeCompleted = now;
    }

    /** A keypair was derived: keys are zeroed 3 × REJECT_AFTER_TIME later unless a newer one comes. */
    void sessionDerived(long now) {
        zeroKeysAt = now + 3 * REJECT_AFTER_TIME;
    }

    void reset() {
        sentSinceLastReceive = NONE;
        receivedSinceLastSend = NONE;
        needAnotherKeepalive = false;
        wantHandshake = false;
        retransmitAt = NONE;
        attempts = 0;
    }

    // ------------------------------------------------------------------ data-path rules (any thread)

    /**
     * REKEY_TIMEOUT: at most one initiation per 5 s (wireguard-go's sendHandshakeInitiation).
     * Before that, a retransmission timer is in charge.
     */
    boolean initiationAllowed(long now) {
        long last = lastInitiationSent;
        return last == NONE || now - last >= REKEY_TIMEOUT;
    }

    /**
     * Asks the control thread for a handshake, unless we sent an initiation less than
     * REKEY_TIMEOUT ago (then its retransmission timer is in charge). True if this is a new
     * request (wake the control thread).
     */
    boolean requestHandshake(long now) {
        if (!initiationAllowed(now)) return false;
        if (wantHandshake) return false;
        wantHandshake = true;
        return true;
    }

    /**
     * keepKeyFreshSending, after a packet sealed with {@code kp} was sent: rekey after
     * REKEY_AFTER_MESSAGES, or (initiator) REKEY_AFTER_TIME. True if this asked for a new handshake.
     */
    boolean keepKeyFreshSending(long now, Keypair kp) {
        if (kp == tunnel.keypairs.current
                && (Long.compareUnsigned(kp.sendCounter(), REKEY_AFTER_MESSAGES) > 0
                        || (kp.initiator && now - kp.createdAt >= REKEY_AFTER_TIME))) {
            return requestHandshake(now);
        }
        return false;
    }

    /** keepKeyFreshReceiving: the initiator rekeys once at REJECT − KEEPALIVE − REKEY_TIMEOUT (165 s). */
    void keepKeyFreshReceiving(long now) {
        if (sentLastMinuteHandshake) return;
        Keypair cur = tunnel.keypairs.current;
        if (cur != null
                && cur.initiator
                && now - cur.createdAt >= REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT) {
            sentLastMinuteHandshake = true;
            requestHandshake(now);
        }
    }

    // ------------------------------------------------------------------ control thread (device lock)

    /**
     * sendHandshakeInitiation(isRetry): at most one per REKEY_TIMEOUT. The tunnel writes the
     * initiation into {@code out}; this arms the retransmission.
     */
    boolean sendInitiation(long now, boolean isRetry, Result out) {
        if (!isRetry) attempts = 0;
        if (!initiationAllowed(now)) return false;
        if (!tunnel.writeInitiation(now, out)) return false;
        wantHandshake = false;
        anyAuthenticatedPacketSent(now);
        handshakeInitiated(now);
        return true;
    }

    /**
     * What is due at {@code now}: at most one thing, in this order — zero old keys, retransmit or
     * give up an unanswered initiation, start a wanted handshake, start a new one when our data
     * got no answer, send a keepalive or persistent keepalive. WRITE_TO_NETWORK with the message
     * in {@code out}, or DONE ({@code out.dropStaged()} when a handshake was given up).
     */
    Action tick(long now, Result out) {
        // zeroKeyMaterial: 3 × REJECT_AFTER_TIME after the last session was derived
        if (due(zeroKeysAt, now)) {
            zeroKeysAt = NONE;
            tunnel.zeroKeys();
        }
        // retransmitHandshake
        // (armed until a handshake completes, whatever happened to our own initiation meanwhile —
        // e.g. crossing initiations, where consuming the peer's discards ours, as in wireguard-go)
        if (due(retransmitAt, now)) {
            if (attempts > MAX_TIMER_HANDSHAKES) {
                // give up after REKEY_ATTEMPT_TIME: "Handshake did not complete after 20 attempts"
                retransmitAt = NONE;
                wantHandshake = false;
                sentSinceLastReceive = NONE;
                tunnel.handshake.clearPending();
                if (zeroKeysAt == NONE) zeroKeysAt = now + 3 * REJECT_AFTER_TIME;
                out.dropStaged = true;
                return Action.DONE;
            } else {
                attempts++;
                if (sendInitiation(now, true, out)) return Action.WRITE_TO_NETWORK;
            }
        }
        // a handshake the data path asked for (no session, REKEY_AFTER_TIME/MESSAGES)
        if (wantHandshake) {
            if (sendInitiation(now, false, out)) return Action.WRITE_TO_NETWORK;
            if (initiationInFlight()) wantHandshake = false;
        }
        // newHandshake: data sent, nothing received for KEEPALIVE + REKEY_TIMEOUT (+ jitter)
        long sent = sentSinceLastReceive;
        if (sent != NONE && now - sent >= KEEPALIVE_TIMEOUT + REKEY_TIMEOUT + newHandshakeJitter) {
            sentSinceLastReceive = NONE;
            newHandshakeJitter = jitter();
            if (sendInitiation(now, false, out)) return Action.WRITE_TO_NETWORK;
        }
        // sendKeepalive: data received, nothing sent for KEEPALIVE_TIMEOUT
        long recv = receivedSinceLastSend;
        if (recv != NONE && now - recv >= KEEPALIVE_TIMEOUT) {
            boolean again = needAnotherKeepalive;
            needAnotherKeepalive = false;
            if (tunnel.keepalive(now, out)) {
                if (again) receivedSinceLastSend = now;
                return Action.WRITE_TO_NETWORK;
            }
            receivedSinceLastSend = NONE;
        }
        // persistentKeepalive
        long pk = persistentKeepalive;
        long last = lastTraversal;
        if (pk > 0 && (last == NONE || now - last >= pk)) {
            if (tunnel.keepalive(now, out)) return Action.WRITE_TO_NETWORK;
            // no session: like wireguard-go's SendKeepalive, bring one up (this is what keeps a
            // peer behind NAT reachable from the first moment)
            if (sendInitiation(now, false, out)) return Action.WRITE_TO_NETWORK;
            lastTraversal = now; // a handshake is in flight; look again one interval later
        }
        return Action.DONE;
    }

    /**
     * The earliest time (never before {@code now}) at which {@link #tick} could have something to
     * do, or {@link Long#MAX_VALUE}: the same rules as {@link #tick}, read as deadlines (see
     * {@link Tunnel#nextDeadline} for the guarantee).
     */
    long nextDeadline(long now) {
        long d = Long.MAX_VALUE;
        long zero = zeroKeysAt;
        if (zero != NONE) d = Math.min(d, zero);
        long retransmit = retransmitAt;
        if (retransmit != NONE) d = Math.min(d, retransmit);
        if (wantHandshake && !tunnel.initiationFailed()) {
            long last = lastInitiationSent;
            // tick sends one once REKEY_TIMEOUT has passed since the last; before that, it drops
            // the wish at once if an initiation is in flight, else keeps it until then
            if (last == NONE || now - last >= REKEY_TIMEOUT || initiationInFlight()) {
                d = now;
            } else {
                d = Math.min(d, last + REKEY_TIMEOUT);
            }
        }
        long sent = sentSinceLastReceive;
        if (sent != NONE) d = Math.min(d, sent + KEEPALIVE_TIMEOUT + REKEY_TIMEOUT + newHandshakeJitter);
        long recv = receivedSinceLastSend;
        if (recv != NONE) d = Math.min(d, recv + KEEPALIVE_TIMEOUT);
        long pk = persistentKeepalive;
        if (pk > 0) {
            long last = lastTraversal;
            d = Math.min(d, last == NONE ? now : last + pk);
        }
        return d == Long.MAX_VALUE ? d : Math.max(d, now);
    }

    private boolean initiationInFlight() {
        return tunnel.handshake.state == Handshake.State.INITIATION_CREATED;
    }
}
