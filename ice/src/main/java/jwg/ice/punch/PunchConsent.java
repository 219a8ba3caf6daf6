package jwg.ice.punch;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;

/**
 * Liveness of a punched pair, with no ICE agent: RFC 7675's consent freshness cut down. Each side
 * sends a Binding request over the pair every second ({@link #request}) with the punch's
 * credentials and answers the peer's ({@link #onDatagram}); the pair is alive while answers come
 * back ({@link #lastAnswerNanos}). A datagram that is not the peer's (not STUN, another USERNAME,
 * a bad MESSAGE-INTEGRITY or FINGERPRINT, an answer to no request of ours) is dropped and counted,
 * never answered. Thread-safe: requests go out on one thread, datagrams arrive on another.
 *
 * <pre>
 * RFC 7675 §5.1: "consent expires after 30 seconds ... if no response is received" — here
 * {@code DEAD_AFTER}-style by the caller (a few seconds), as ICE's consent in the device does.
 * </pre>
 */
public final class PunchConsent {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final PunchAuth auth;
    private final boolean nominate;
    private final byte[] txBase = new byte[8];
    private final AtomicInteger counter = new AtomicInteger();
    private volatile long lastAnswerNanos;
    /** Requests sent, peer's requests answered, answers received, datagrams dropped. */
    public final LongAdder sent = new LongAdder(),
            answered = new LongAdder(),
            answers = new LongAdder(),
            dropped = new LongAdder();

    /**
     * Consent for a pair the punch proved just now: fresh from this moment. The easy side
     * {@code nominate}s: its requests carry USE-CANDIDATE, so a hard side still waiting for the
     * punch's nomination (all three lost) ends on this pair with the next one.
     */
    public PunchConsent(PunchAuth auth, boolean nominate) {
        this.auth = auth;
        this.nominate = nominate;
        RANDOM.nextBytes(txBase);
        lastAnswerNanos = System.nanoTime();
    }

    /** The next request to send over the pair. */
    public byte[] request() {
        byte[] tx = Arrays.copyOf(txBase, Stun.TRANSACTION_ID_LENGTH);
        int n = counter.getAndIncrement();
        tx[8] = (byte) (n >>> 24);
        tx[9] = (byte) (n >>> 16);
        tx[10] = (byte) (n >>> 8);
        tx[11] = (byte) n;
        sent.increment();
        return auth.request(tx, nominate);
    }

    /**
     * A datagram from the pair that is not WireGuard: the answer to send back to {@code from} when
     * it is the peer's request, else null (an answer to ours is noted; anything else dropped).
     */
    public byte[] onDatagram(byte[] data, int length, InetSocketAddress from) {
        StunMessage m = StunMessage.parse(data, length);
        if (m == null || m.method() != Stun.BINDING || !m.fingerprintValid()) {
            dropped.increment();
            return null;
        }
        if (m.cls() == Stun.REQUEST && auth.fromPeer(m)) {
            answered.increment();
            return auth.answer(m.transactionId(), from);
        }
        if (m.cls() == Stun.SUCCESS_RESPONSE
                && Arrays.equals(m.transactionId(), 0, txBase.length, txBase, 0, txBase.length)
                && auth.answeredByPeer(m)) {
            answers.increment();
            lastAnswerNanos = System.nanoTime();
            return null;
        }
        dropped.increment();
        return null;
    }

    /** When the last answer to one of our requests came (System.nanoTime), or the punch's end if none yet. */
    public long lastAnswerNanos() {
        return lastAnswerNanos;
    }
}
