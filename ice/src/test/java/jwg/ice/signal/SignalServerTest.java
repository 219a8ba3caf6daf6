package jwg.ice.signal;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.Base64;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SignalServerTest {
    final PrivateKey bobPriv = PrivateKey.generate(new SecureRandom());
    final PublicKey bob = bobPriv.publicKey();
    final HttpClient raw =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    SignalServer server;

    @BeforeEach
    void start() throws Exception {
        server = SignalServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new SignalServer.Limits(1024, 3, 4, 2_000, 120_000, 1 << 20));
    }

    @AfterEach
    void stop() {
        server.close();
        raw.close();
    }

    HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest.BodyPublisher p =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        return raw.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.address().getPort() + path))
                        .method(method, p)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesBadRequestsWithAReasonAndCountsThem() throws Exception {
        String box = "/v1/mailbox/" + bob.toHex();
        assertEquals(404, send("GET", "/nope", null).statusCode());
        HttpResponse<String> badKey = send("POST", "/v1/mailbox/zz", new byte[] {1});
        assertEquals(400, badKey.statusCode());
        assertTrue(badKey.body().contains("public key"), badKey.body());
        assertEquals(400, send("POST", box, new byte[0]).statusCode());
        assertEquals(400, send("GET", box + "?wait=-5", null).statusCode()); // checked before the proof
        assertEquals(405, send("DELETE", box, null).statusCode());
        assertEquals(413, send("POST", box, new byte[1025]).statusCode());
        for (int i = 0; i < 3; i++)
            assertEquals(202, send("POST", box, new byte[] {(byte) i}).statusCode());
        assertEquals(429, send("POST", box, new byte[] {9}).statusCode());
        assertEquals(200, send("GET", "/v1/health", null).statusCode());

        SignalServer.Stats s = server.stats();
        assertEquals(1, s.refused(SignalServer.Refusal.NOT_FOUND));
        assertEquals(3, s.refused(SignalServer.Refusal.BAD_REQUEST));
        assertEquals(1, s.refused(SignalServer.Refusal.METHOD_NOT_ALLOWED));
        assertEquals(1, s.refused(SignalServer.Refusal.TOO_LARGE));
        assertEquals(1, s.refused(SignalServer.Refusal.MAILBOX_FULL));
        assertEquals(3, s.posted());
    }

    @Test
    void acceptsEveryKeySpellingAndDeliversInOrder() throws Exception {
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(bob.rawBytes());
        assertEquals(202, send("POST", "/v1/mailbox/" + b64, new byte[] {1}).statusCode());
        assertEquals(
                202,
                send("POST", "/v1/mailbox/" + bob.toHex().toUpperCase(), new byte[] {2})
                        .statusCode());
        String standard = java.net.URLEncoder.encode(bob.toBase64(), java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(
                202, send("POST", "/v1/mailbox/" + standard, new byte[] {3}).statusCode());
        HttpResponse<byte[]> r = raw.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + server.address().getPort() + "/v1/mailbox/" + bob.toHex() + "?wait=0"))
                        .header(
                                "Authorization",
                                PollAuthTest.header(bobPriv, server.publicKey(), CounterClock.systemMicros()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertArrayEquals(Frames.encode(java.util.List.of(new byte[] {1}, new byte[] {2}, new byte[] {3})), r.body());
        assertEquals(3, server.stats().delivered());
    }

    @Test
    void boundsTheNumberOfMailboxes() throws Exception {
        int refused = 0;
        for (int i = 0; i < 6; i++) {
            PublicKey k = PrivateKey.generate(new SecureRandom()).publicKey();
            if (send("POST", "/v1/mailbox/" + k.toHex(), new byte[] {1}).statusCode() == 503) refused++;
        }
        assertEquals(2, refused);
        assertEquals(2, server.stats().refused(SignalServer.Refusal.TOO_MANY_MAILBOXES));
        assertEquals(4, server.stats().mailboxes());
    }

    @Test
    void survivesGarbageOnTheSocket() throws Exception {
        try (var s = new java.net.Socket(
                InetAddress.getLoopbackAddress(), server.address().getPort())) {
            s.getOutputStream().write("\u0000\u0001garbage\r\n\r\n".getBytes());
            s.getOutputStream().flush();
            s.setSoTimeout(2000);
            s.getInputStream().read(); // whatever the server answers, or EOF
        } catch (java.io.IOException e) {
            // reset is fine too
        }
        assertEquals(200, send("GET", "/v1/health", null).statusCode());
    }

    @Test
    void aBadFrameCostsOnlyItself() {
        byte[] f = Frames.encode(java.util.List.of(new byte[] {1}, new byte[11], new byte[] {2}));
        Frames.Decoded d = Frames.decodeEach(f, 10);
        assertEquals(2, d.blobs().size());
        assertEquals(1, d.oversized());
        assertFalse(d.truncated());
        d = Frames.decodeEach(java.util.Arrays.copyOf(f, f.length - 1), 10);
        assertEquals(1, d.blobs().size(), "the frames before a cut-short one are kept");
        assertTrue(d.truncated());
    }

    @Test
    void sharedLimits() {
        assertEquals(
                Frames.MAX_BLOB,
                SignalServer.Limits.DEFAULT.maxBlob(),
                "the server refuses what the client would skip");
        assertEquals(Frames.MAX_BODY, SignalServer.Limits.DEFAULT.maxResponseBytes());
        assertEquals(Frames.MAX_BODY, SignalClient.Config.DEFAULT.maxResponseBytes());
        assertEquals(Envelope.MAX_LENGTH, Frames.MAX_BLOB);
    }

    @Test
    void aFullMailboxOfMaximalEnvelopesFitsOnePollResponse() throws Exception {
        Mailbox m = new Mailbox(256, Long.MAX_VALUE / 2, System::nanoTime);
        for (int i = 0; i < 64; i++) assertTrue(m.offer(new byte[Frames.MAX_BLOB]));
        java.util.List<byte[]> first = m.poll(0, Frames.MAX_BODY);
        assertTrue(
                Frames.encode(first).length <= Frames.MAX_BODY, "frame headers count: " + Frames.encode(first).length);
        assertEquals(31, first.size());
    }

    @Test
    void budgetsAndSenderQuotasAnswer429() throws Exception {
        server.close();
        server = SignalServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new SignalServer.Limits(
                        1024, 256, 100, 2_000, 120_000, 1 << 20, 1 << 20, 10 * (1000 + Budget.OVERHEAD)));
        int queued = 0, refused = 0;
        for (int i = 0; i < 20; i++) {
            int code = send(
                            "POST",
                            "/v1/mailbox/"
                                    + PrivateKey.generate(new SecureRandom())
                                            .publicKey()
                                            .toHex(),
                            new byte[1000])
                    .statusCode();
            if (code == 202) queued++;
            else if (code == 429) refused++;
        }
        assertEquals(10, queued);
        assertEquals(10, refused);
        assertEquals(10, server.stats().refused(SignalServer.Refusal.SENDER_QUOTA));
        assertEquals(10L * (1000 + Budget.OVERHEAD), server.queuedBytes());
    }

    @Test
    void theGlobalBudgetBoundsEverySender() {
        Budget b = new Budget(3_000, 2_000);
        assertEquals(Budget.Outcome.OK, b.reserve("a", 1_000 - Budget.OVERHEAD));
        assertEquals(Budget.Outcome.OK, b.reserve("a", 1_000 - Budget.OVERHEAD));
        assertEquals(Budget.Outcome.SENDER_QUOTA, b.reserve("a", 1));
        assertEquals(Budget.Outcome.OK, b.reserve("b", 1_000 - Budget.OVERHEAD));
        assertEquals(Budget.Outcome.MEMORY_BUDGET, b.reserve("c", 1));
        b.release("a", 1_000 - Budget.OVERHEAD);
        assertEquals(Budget.Outcome.OK, b.reserve("c", 1));
        assertEquals(2, b.senders() - 1);
    }

    @Test
    void pollsMustProveTheMailboxKeyFreshlyAndOnce() throws Exception {
        String box = "/v1/mailbox/" + bob.toHex() + "?wait=0";
        assertEquals(
                202, send("POST", "/v1/mailbox/" + bob.toHex(), new byte[] {7}).statusCode());
        assertEquals(401, send("GET", box, null).statusCode(), "no proof");
        PrivateKey mallory = PrivateKey.generate(new SecureRandom());
        long now = CounterClock.systemMicros();
        assertEquals(
                401,
                authGet(box, PollAuthTest.header(mallory, server.publicKey(), now))
                        .statusCode(),
                "someone else's key");
        assertEquals(
                401,
                authGet(
                                box,
                                PollAuthTest.header(
                                        bobPriv,
                                        PrivateKey.generate(new SecureRandom()).publicKey(),
                                        now))
                        .statusCode(),
                "proof for another server (or this one before a restart)");
        assertEquals(
                401,
                authGet(box, PollAuthTest.header(bobPriv, server.publicKey(), now - 121_000_000L))
                        .statusCode(),
                "stale");
        assertEquals(
                401,
                authGet(box, PollAuthTest.header(bobPriv, server.publicKey(), now + 121_000_000L))
                        .statusCode(),
                "from the future");
        assertEquals(401, authGet(box, "JWG-Poll 12.zz").statusCode(), "malformed");
        String good = PollAuthTest.header(bobPriv, server.publicKey(), now);
        HttpResponse<String> r = authGet(box, good);
        assertEquals(200, r.statusCode());
        assertEquals(401, authGet(box, good).statusCode(), "a replay");
        assertEquals(
                401,
                authGet(box, PollAuthTest.header(bobPriv, server.publicKey(), now - 1))
                        .statusCode(),
                "an older counter");
        assertEquals(
                204,
                authGet(box, PollAuthTest.header(bobPriv, server.publicKey(), now + 1))
                        .statusCode());
        assertEquals(8, server.stats().refused(SignalServer.Refusal.UNAUTHORIZED));
        HttpResponse<String> key = send("GET", "/v1/key", null);
        assertEquals(server.publicKey().toHex(), key.body().trim());
    }

    HttpResponse<String> authGet(String path, String auth) throws Exception {
        return raw.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.address().getPort() + path))
                        .header("Authorization", auth)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void framesRoundTripAndRejectBadLengths() {
        byte[] f = Frames.encode(java.util.List.of(new byte[] {1, 2}, new byte[0], new byte[] {3}));
        assertEquals(3, Frames.decode(f, 10).orElseThrow().size());
        assertTrue(Frames.decode(java.util.Arrays.copyOf(f, f.length - 1), 10).isEmpty());
        assertTrue(Frames.decode(new byte[] {0x7f, 0, 0, 0}, 10).isEmpty());
        assertTrue(Frames.decode(new byte[] {(byte) 0xff, 0, 0, 0}, 10).isEmpty());
        assertTrue(Frames.decode(new byte[] {0, 0}, 10).isEmpty());
        assertTrue(Frames.decode(f, 1).isEmpty(), "a blob over the limit");
    }
}
