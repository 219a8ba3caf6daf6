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
    final PublicKey bob = PrivateKey.generate(new SecureRandom()).publicKey();
    final HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    SignalServer server;

    @BeforeEach
    void start() throws Exception {
        server = SignalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new SignalServer.Limits(1024, 3, 4, 2_000, 120_000, 1 << 20));
    }

    @AfterEach
    void stop() {
        server.close();
        raw.close();
    }

    HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        return raw.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path)).method(method, p).build(),
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
        assertEquals(400, send("GET", box + "?wait=-5", null).statusCode());
        assertEquals(405, send("DELETE", box, null).statusCode());
        assertEquals(413, send("POST", box, new byte[1025]).statusCode());
        for (int i = 0; i < 3; i++) assertEquals(202, send("POST", box, new byte[] {(byte) i}).statusCode());
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
        assertEquals(202, send("POST", "/v1/mailbox/" + bob.toHex().toUpperCase(), new byte[] {2}).statusCode());
        String standard = java.net.URLEncoder.encode(bob.toBase64(), java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(202, send("POST", "/v1/mailbox/" + standard, new byte[] {3}).statusCode());
        HttpResponse<byte[]> r = raw.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                + "/v1/mailbox/" + bob.toHex() + "?wait=0")).build(), HttpResponse.BodyHandlers.ofByteArray());
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
        try (var s = new java.net.Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
            s.getOutputStream().write("\u0000\u0001garbage\r\n\r\n".getBytes());
            s.getOutputStream().flush();
            s.setSoTimeout(2000);
            s.getInputStream().read();   // whatever the server answers, or EOF
        } catch (java.io.IOException e) {
            // reset is fine too
        }
        assertEquals(200, send("GET", "/v1/health", null).statusCode());
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
