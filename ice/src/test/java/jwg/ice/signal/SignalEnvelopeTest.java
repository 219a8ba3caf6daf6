package jwg.ice.signal;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import org.junit.jupiter.api.Test;

class SignalEnvelopeTest {
    static final SecureRandom RANDOM = new SecureRandom();
    final AtomicLong now = new AtomicLong(1_700_000_000_000_000L);
    final PrivateKey alicePriv = PrivateKey.generate(RANDOM),
            bobPriv = PrivateKey.generate(RANDOM),
            evePriv = PrivateKey.generate(RANDOM);
    final PublicKey alice = alicePriv.publicKey(), bob = bobPriv.publicKey(), eve = evePriv.publicKey();
    final Sealer aliceSide = sealer(alicePriv), bobSide = sealer(bobPriv), eveSide = sealer(evePriv);
    final Offer offer =
            new Offer(42, "ufrag", "secret-pwd", List.of("candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host"));

    Sealer sealer(PrivateKey k) {
        return new Sealer(k, new CounterClock(now::get), new ReplayGuard(ReplayGuard.DEFAULT_WINDOW_MICROS));
    }

    Opened bobOpens(byte[] wire) {
        return bobSide.open(wire, k -> k.equals(alice));
    }

    static Rejection reason(Opened o) {
        return assertInstanceOf(Opened.Rejected.class, o).reason();
    }

    @Test
    void roundTripsEveryMessageType() {
        for (SignalMessage m : List.of(
                offer,
                new Answer(7, "u", "p", List.of()),
                new Candidates(-1, List.of("a", "ünï")),
                new GoIdle(Long.MAX_VALUE),
                new ProbeReport(3, List.of("nat=endpoint-independent mapping")),
                SessionInfo.of(9, true, "dependent"))) {
            Opened.Accepted a = assertInstanceOf(Opened.Accepted.class, bobOpens(aliceSide.seal(bob, m)));
            assertEquals(alice, a.from());
            assertEquals(m, a.message());
        }
    }

    @Test
    void everySingleBitFlipIsRejected() {
        byte[] wire = aliceSide.seal(bob, offer);
        Map<Rejection, Integer> seen = new EnumMap<>(Rejection.class);
        for (int bit = 0; bit < wire.length * 8; bit++) {
            byte[] bad = wire.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            seen.merge(reason(bobOpens(bad)), 1, Integer::sum);
        }
        assertEquals(8 * 32, seen.get(Rejection.UNKNOWN_SENDER), "sender field flips");
        assertEquals(8 * 32, seen.get(Rejection.WRONG_RECIPIENT), "recipient field flips");
        assertEquals(8, seen.get(Rejection.MALFORMED), "version flips");
        assertEquals(
                wire.length * 8 - 8 * 65, seen.get(Rejection.TAMPERED), "counter, nonce, ciphertext and tag flips");
        // the untouched envelope still opens: the flips did not poison the replay state
        assertInstanceOf(Opened.Accepted.class, bobOpens(wire));
    }

    @Test
    void truncatedAndOversizedAndGarbageAreMalformed() {
        byte[] wire = aliceSide.seal(bob, offer);
        for (int len = 0; len < wire.length; len += 7)
            assertNotEquals(null, reason(bobOpens(java.util.Arrays.copyOf(wire, len))));
        assertEquals(Rejection.MALFORMED, reason(bobOpens(new byte[Envelope.MAX_LENGTH + 1])));
        assertEquals(Rejection.MALFORMED, reason(bobOpens(null)));
        assertEquals(Rejection.MALFORMED, reason(bobOpens(new byte[3])));
    }

    @Test
    void authenticatedButUndecodablePlaintextIsMalformed() {
        byte[] wire = aliceSide.seal(bob, new byte[] {9, 1, 2}, now.get());
        assertEquals(Rejection.MALFORMED, reason(bobOpens(wire)));
        byte[] trailing = MessageCodec.encode(new GoIdle(1));
        trailing = java.util.Arrays.copyOf(trailing, trailing.length + 1);
        assertEquals(Rejection.MALFORMED, reason(bobOpens(aliceSide.seal(bob, trailing, now.get() + 1))));
    }

    @Test
    void replayIsRejected() {
        byte[] first = aliceSide.seal(bob, offer);
        byte[] second = aliceSide.seal(bob, new GoIdle(42));
        assertInstanceOf(Opened.Accepted.class, bobOpens(first));
        assertEquals(Rejection.REPLAYED, reason(bobOpens(first)));
        assertInstanceOf(Opened.Accepted.class, bobOpens(second));
        assertEquals(Rejection.REPLAYED, reason(bobOpens(first)), "older than the highest accepted");
    }

    @Test
    void staleAndFarFutureAreRejected() {
        byte[] old = aliceSide.seal(bob, offer);
        now.addAndGet(ReplayGuard.DEFAULT_WINDOW_MICROS + 1);
        assertEquals(Rejection.STALE, reason(bobOpens(old)));
        long future = now.get() + ReplayGuard.DEFAULT_WINDOW_MICROS + 1;
        assertEquals(Rejection.STALE, reason(bobOpens(aliceSide.seal(bob, MessageCodec.encode(offer), future))));
        assertInstanceOf(Opened.Accepted.class, bobOpens(aliceSide.seal(bob, offer)));
    }

    @Test
    void restartedReceiverRefusesOnlyOldEnvelopes() {
        byte[] wire = aliceSide.seal(bob, offer);
        assertInstanceOf(Opened.Accepted.class, bobOpens(wire));
        Sealer restartedBob = sealer(bobPriv);
        now.addAndGet(ReplayGuard.DEFAULT_WINDOW_MICROS + 1);
        assertEquals(Rejection.STALE, reason(restartedBob.open(wire, k -> true)));
    }

    @Test
    void wrongRecipientIsRejected() {
        byte[] toEve = aliceSide.seal(eve, offer);
        assertEquals(Rejection.WRONG_RECIPIENT, reason(bobOpens(toEve)));
        assertInstanceOf(Opened.Accepted.class, eveSide.open(toEve, k -> true));
    }

    @Test
    void foreignSenderIsRejectedEvenIfValid() {
        assertEquals(Rejection.UNKNOWN_SENDER, reason(bobOpens(eveSide.seal(bob, offer))));
    }

    @Test
    void reflectedEnvelopeDoesNotOpenForItsSender() {
        // alice→bob re-addressed to alice cannot verify: keys are direction-specific and keys are in the AAD
        byte[] wire = aliceSide.seal(bob, offer);
        byte[] reflected = wire.clone();
        System.arraycopy(bob.rawBytes(), 0, reflected, 1, 32);
        System.arraycopy(alice.rawBytes(), 0, reflected, 33, 32);
        assertEquals(Rejection.TAMPERED, reason(aliceSide.open(reflected, k -> true)));
    }

    @Test
    void countersAreStrictlyIncreasingEvenWithAFrozenOrBackwardClock() {
        CounterClock c = new CounterClock(now::get);
        long prev = c.next();
        for (int i = 0; i < 1000; i++) {
            if (i == 500) now.addAndGet(-5_000_000);
            long next = c.next();
            assertTrue(next > prev, "counter " + next + " after " + prev);
            prev = next;
        }
        assertTrue(
                new CounterClock(CounterClock::systemMicros).next() > 1_700_000_000_000_000L,
                "follows the wall clock in microseconds");
    }

    @Test
    void secretsAreRedacted() {
        assertFalse(offer.toString().contains("secret-pwd"));
        assertFalse(aliceSide.toString().contains(alicePriv.toBase64()));
    }

    @Test
    void recordsRefuseOversizedFields() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new Candidates(1, java.util.Collections.nCopies(MessageCodec.MAX_CANDIDATES + 1, "c")));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Offer(1, "x".repeat(MessageCodec.MAX_CREDENTIAL + 1), "p", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Candidates(1, null));
    }
}
