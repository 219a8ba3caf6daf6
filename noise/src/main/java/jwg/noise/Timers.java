package jwg.noise;

import static jwg.noise.Constants.*;

import java.util.random.RandomGenerator;

/**
 * A peer's timers (whitepaper section 6, wireguard-go timers.go), kept as timestamps rather
 * than scheduled callbacks: the data path only records what happened (volatile writes, no
 * locks, no allocation) and {@link Tunnel#tick} — on the control thread — compares them with
 * {@code now} and decides what is due; {@link Tunnel#nextDeadline} says when that will next be
 * (for a timer wheel). Time is the caller's monotonic nanoseconds.
 *
 * <table>
 * <caption>wireguard-go timer → here</caption>
 * <tr><td>retransmitHandshake (REKEY_TIMEOUT + jitter, MAX_TIMER_HANDSHAKES)</td><td>{@link #retransmitAt}</td></tr>
 * <tr><td>sendKeepalive (KEEPALIVE_TIMEOUT after data received, nothing sent)</td><td>{@link #receivedSinceLastSend}</td></tr>
 * <tr><td>newHandshake (KEEPALIVE + REKEY_TIMEOUT after data sent, nothing received)</td><td>{@link #sentSinceLastReceive}</td></tr>
 * <tr><td>zeroKeyMaterial (3 × REJECT_AFTER_TIME after the last session)</td><td>{@link #zeroKeysAt}</td></tr>
 * <tr><td>persistentKeepalive (interval after any authenticated packet)</td><td>{@link #lastTraversal}</td></tr>
 * </table>
 */
final class Timers {
    static final long NONE = Long.MIN_VALUE;

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

    Timers(RandomGenerator random) {
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

    // --- events (names as in wireguard-go's timers.go) ---

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
}
