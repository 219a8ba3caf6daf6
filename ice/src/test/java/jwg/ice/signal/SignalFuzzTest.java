package jwg.ice.signal;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;

/**
 * Fuzz targets (docs/fuzzing.md) for what a signaling client or server reads from the network:
 * envelopes (anyone can post one), poll-response framing, the message codec inside an envelope,
 * and the server's request paths and query strings. Each "never throws"; codecs round-trip.
 */
class SignalFuzzTest {
    private static final AtomicLong MICROS = new AtomicLong(1_795_370_000_000_000L);
    private static final CounterClock CLOCK = new CounterClock(MICROS::incrementAndGet);
    private static final PrivateKey SELF_KEY = new PrivateKey(filled(1)), PEER_KEY = new PrivateKey(filled(2));
    private static final Sealer SELF = new Sealer(SELF_KEY, CLOCK, new ReplayGuard(ReplayGuard.DEFAULT_WINDOW_MICROS));
    private static final Sealer PEER = new Sealer(PEER_KEY, CLOCK, new ReplayGuard(ReplayGuard.DEFAULT_WINDOW_MICROS));

    private static byte[] filled(int b) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) b);
        return k;
    }

    /**
     * Byte 0 = 0: the rest is an envelope from anyone, opened by SELF (the fuzzer cannot forge a
     * tag, so this covers shape, recipient and sender checks). Byte 0 = 1: the rest is
     * {@code counter(8) + plaintext}, sealed by PEER to SELF and opened: an authenticated message,
     * accepted exactly when it decodes and its counter is fresh.
     */
    @FuzzTest(maxDuration = "5m")
    void envelope(byte[] data) {
        if (data.length < 1) return;
        byte[] rest = java.util.Arrays.copyOfRange(data, 1, data.length);
        if (data[0] == 1 && rest.length >= 8) {
            long counter = ByteBuffer.wrap(rest).getLong();
            byte[] plain = java.util.Arrays.copyOfRange(rest, 8, rest.length);
            if (plain.length > MessageCodec.MAX_ENCODED) return; // seal would make an envelope over MAX_LENGTH
            long now = MICROS.get();
            Opened o = SELF.open(PEER.seal(SELF.publicKey(), plain, counter), k -> true);
            Optional<SignalMessage> decoded = MessageCodec.decode(plain);
            if (o instanceof Opened.Accepted a) {
                assertEquals(decoded.orElseThrow(), a.message());
                assertEquals(PEER.publicKey(), a.from());
                assertTrue(
                        Math.abs((double) counter - now) <= ReplayGuard.DEFAULT_WINDOW_MICROS + 1e6,
                        "accepted a stale counter " + counter);
            } else if (decoded.isEmpty()) {
                assertEquals(new Opened.Rejected(Rejection.MALFORMED), o);
            }
            return;
        }
        Optional<Envelope> e = Envelope.parse(rest);
        e.ifPresent(env -> assertArrayEquals(rest, Envelope.concat(env.aad(), env.sealed()), "round trip"));
        Opened o = SELF.open(rest, k -> true);
        assertNotNull(o);
        if (e.isEmpty()) assertEquals(new Opened.Rejected(Rejection.MALFORMED), o);
        else assertFalse(o instanceof Opened.Accepted, "an unsealed envelope is never accepted");
    }

    /** Regression (found while writing {@link #envelope}'s freshness check): |now - counter| overflowed. */
    @org.junit.jupiter.api.Test
    void counterHalfTheRangeAwayIsStale() {
        long now = 1_795_370_000_000_000L;
        ReplayGuard g = new ReplayGuard(ReplayGuard.DEFAULT_WINDOW_MICROS);
        assertEquals(Optional.of(Rejection.STALE), g.accept(PEER.publicKey(), now + Long.MIN_VALUE, now));
        assertEquals(Optional.of(Rejection.STALE), g.accept(PEER.publicKey(), Long.MAX_VALUE, now));
        assertEquals(Optional.empty(), g.accept(PEER.publicKey(), now - ReplayGuard.DEFAULT_WINDOW_MICROS, now));
    }

    @FuzzTest(maxDuration = "5m")
    void frames(byte[] body) {
        Optional<List<byte[]>> blobs = Frames.decode(body, 1024);
        blobs.ifPresent(l -> {
            for (byte[] b : l) assertTrue(b.length <= 1024);
            assertArrayEquals(body, Frames.encode(l), "round trip");
        });
    }

    @FuzzTest(maxDuration = "5m")
    void messageCodec(byte[] bytes) {
        Optional<SignalMessage> m = MessageCodec.decode(bytes);
        m.ifPresent(msg -> {
            assertArrayEquals(bytes, MessageCodec.encode(msg), "decoding is strict: one encoding per message");
            assertTrue(bytes.length <= MessageCodec.MAX_ENCODED);
        });
    }

    /** A request-target as the JDK's HTTP server hands it over (it parses it with java.net.URI). */
    @FuzzTest(maxDuration = "5m")
    void requestTarget(byte[] input) {
        String target = new String(input, java.nio.charset.StandardCharsets.UTF_8); // seeds are plain text files
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException notARequest) {
            return; // the HTTP server answers 400 before our code runs
        }
        SignalServer.Target t = SignalServer.target(uri.getPath());
        if (t instanceof SignalServer.Target.MailboxOf m) {
            assertEquals(m.key(), KeyText.parse(KeyText.of(m.key())).orElseThrow(), "round trip");
        }
        long wait = SignalServer.waitMillis(uri.getRawQuery(), 25_000);
        assertTrue(wait == -1 || (wait >= 0 && wait <= 25_000), () -> "wait " + wait);
    }

    @FuzzTest(maxDuration = "5m")
    void keyText(byte[] input) {
        String s = new String(input, java.nio.charset.StandardCharsets.UTF_8); // seeds are plain text files
        Optional<PublicKey> k = KeyText.parse(s);
        k.ifPresent(key -> assertEquals(key, KeyText.parse(KeyText.of(key)).orElseThrow()));
    }
}
