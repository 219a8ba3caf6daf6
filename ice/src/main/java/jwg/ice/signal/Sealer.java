package jwg.ice.signal;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import jwg.noise.crypto.XChaCha20Poly1305;

/**
 * Seals messages to peers and opens envelopes from them (see {@link Envelope} for the layout and
 * {@link PairKeys} for the keys). Opening checks, in order: shape, recipient, sender allowed,
 * tag, freshness, replay; only authenticated envelopes touch the replay state. Thread-safe.
 */
final class Sealer implements AutoCloseable {
    private final PrivateKey self;
    private final PublicKey selfPublic;
    private final CounterClock clock;
    private final ReplayGuard replay;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<PublicKey, PairKeys> keys = new ConcurrentHashMap<>();

    Sealer(PrivateKey self, CounterClock clock, ReplayGuard replay) {
        this.self = new PrivateKey(self.rawBytes());
        this.selfPublic = self.publicKey();
        this.clock = clock;
        this.replay = replay;
    }

    PublicKey publicKey() {
        return selfPublic;
    }

    CounterClock clock() {
        return clock;
    }

    /** The envelope carrying {@code m} to {@code to}, with the next counter. */
    byte[] seal(PublicKey to, SignalMessage m) {
        return seal(to, MessageCodec.encode(m), clock.next());
    }

    /** Seals raw plaintext with a given counter (tests use it to build hostile envelopes). */
    byte[] seal(PublicKey to, byte[] plaintext, long counter) {
        byte[] nonce = new byte[Envelope.NONCE];
        random.nextBytes(nonce);
        byte[] header = Envelope.header(selfPublic, to, counter, nonce);
        byte[] sealed = new byte[plaintext.length + Envelope.TAG];
        XChaCha20Poly1305.seal(keysFor(to).send, nonce, header, plaintext, sealed);
        return Envelope.concat(header, sealed);
    }

    /** Opens an envelope; never throws. */
    Opened open(byte[] wire, Predicate<PublicKey> allowedSender) {
        Optional<Envelope> parsed = Envelope.parse(wire);
        if (parsed.isEmpty()) return new Opened.Rejected(Rejection.MALFORMED);
        Envelope e = parsed.get();
        if (!e.recipient().equals(selfPublic)) return new Opened.Rejected(Rejection.WRONG_RECIPIENT);
        if (!allowedSender.test(e.sender())) return new Opened.Rejected(Rejection.UNKNOWN_SENDER);
        byte[] plain = new byte[e.sealed().length - Envelope.TAG];
        PairKeys k;
        try {
            k = keysFor(e.sender());
        } catch (IllegalArgumentException lowOrder) {
            return new Opened.Rejected(Rejection.MALFORMED);
        }
        if (!XChaCha20Poly1305.open(k.receive, e.nonce(), e.aad(), e.sealed(), plain))
            return new Opened.Rejected(Rejection.TAMPERED);
        Optional<SignalMessage> m = MessageCodec.decode(plain);
        if (m.isEmpty()) return new Opened.Rejected(Rejection.MALFORMED);
        Optional<Rejection> verdict = replay.accept(e.sender(), e.counter(), clock.nowMicros());
        return verdict.<Opened>map(Opened.Rejected::new).orElseGet(() -> new Opened.Accepted(e.sender(), m.get()));
    }

    private PairKeys keysFor(PublicKey peer) {
        return keys.computeIfAbsent(peer, p -> PairKeys.derive(self, selfPublic, p));
    }

    /** Forgets a peer's keys (wiped). */
    void forget(PublicKey peer) {
        PairKeys k = keys.remove(peer);
        if (k != null) k.wipe();
    }

    /** Wipes every secret. */
    @Override
    public void close() {
        keys.values().forEach(PairKeys::wipe);
        keys.clear();
        self.wipe();
    }

    @Override
    public String toString() {
        return "Sealer[" + selfPublic + ", secrets redacted]";
    }
}
