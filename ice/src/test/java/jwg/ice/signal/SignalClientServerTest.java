package jwg.ice.signal;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SignalClientServerTest {
    static final SecureRandom RANDOM = new SecureRandom();
    final PrivateKey alicePriv = PrivateKey.generate(RANDOM),
            bobPriv = PrivateKey.generate(RANDOM),
            evePriv = PrivateKey.generate(RANDOM);
    final PublicKey alice = alicePriv.publicKey(), bob = bobPriv.publicKey(), eve = evePriv.publicKey();
    final Recorder aliceHears = new Recorder(), bobHears = new Recorder();
    final AtomicLong bobClockOffset = new AtomicLong();
    final List<AutoCloseable> toClose = new ArrayList<>();
    final HttpClient raw =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    SignalServer server;

    static SignalClient.Config fast(java.util.function.LongSupplier clock) {
        return new SignalClient.Config(1_500, 1_000, 30, 300, 16, 1 << 20, ReplayGuard.DEFAULT_WINDOW_MICROS, clock);
    }

    SignalServer startServer(int port) throws Exception {
        SignalServer s = SignalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        toClose.add(s);
        return s;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.address().getPort());
    }

    SignalClient client(PrivateKey key, Recorder listener, java.util.function.LongSupplier clock, PublicKey... peers) {
        SignalClient c = new SignalClient(uri(), key, listener, fast(clock));
        c.setPeers(Set.of(peers));
        toClose.add(c);
        return c;
    }

    SignalClient aliceClient() {
        return client(alicePriv, aliceHears, CounterClock::systemMicros, bob);
    }

    SignalClient bobClient() {
        return client(bobPriv, bobHears, () -> CounterClock.systemMicros() + bobClockOffset.get(), alice);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) c.close();
        raw.close();
    }

    final CounterClock pollClock = new CounterClock(CounterClock::systemMicros);

    /** An authenticated poll of {@code mailbox} (alice's, bob's or eve's). */
    HttpResponse<byte[]> get(PublicKey mailbox, long waitMs) throws Exception {
        PrivateKey owner = mailbox.equals(alice) ? alicePriv : mailbox.equals(bob) ? bobPriv : evePriv;
        return raw.send(
                HttpRequest.newBuilder(URI.create(uri() + "/v1/mailbox/" + mailbox.toHex() + "?wait=" + waitMs))
                        .header("Authorization", PollAuthTest.header(owner, server.publicKey(), pollClock.next()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    int post(String keyText, byte[] body) throws Exception {
        return raw.send(
                        HttpRequest.newBuilder(URI.create(uri() + "/v1/mailbox/" + keyText))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    static void eventually(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) fail("not within 5 s: " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void messagesFlowBothWays() throws Exception {
        server = startServer(0);
        SignalClient a = aliceClient(), b = bobClient();
        a.start();
        b.start();
        aliceHears.awaitConnect();
        bobHears.awaitConnect();
        assertTrue(a.status().connected());

        Offer offer = new Offer(9, "ua", "pa", List.of("candidate:a"));
        a.send(bob, offer);
        Recorder.Received got = bobHears.next();
        assertEquals(alice, got.from());
        assertEquals(offer, got.message());

        Answer answer = new Answer(9, "ub", "pb", List.of("candidate:b"));
        b.send(alice, answer);
        b.send(alice, new Candidates(9, List.of("candidate:b2")));
        assertEquals(answer, aliceHears.next().message());
        assertEquals(
                new Candidates(9, List.of("candidate:b2")), aliceHears.next().message());

        assertEquals(1, a.status().sent());
        assertEquals(2, a.status().received());
        eventually("bob counted two sent", () -> b.status().sent() == 2);
        assertTrue(a.status().rejected().isEmpty());
        assertFalse(a.toString().contains(alicePriv.toBase64()));
    }

    @Test
    void aPollBlocksUntilAMessageArrives() throws Exception {
        server = startServer(0);
        long start = System.nanoTime();
        CompletableFuture<Long> returned = CompletableFuture.supplyAsync(() -> {
            try {
                HttpResponse<byte[]> r = get(bob, 5_000);
                assertEquals(200, r.statusCode());
                assertArrayEquals(Frames.encode(List.of(new byte[] {1, 2, 3})), r.body());
                return System.nanoTime();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(400);
        assertFalse(returned.isDone(), "the poll waits while the mailbox is empty");
        long posted = System.nanoTime();
        assertEquals(202, post(bob.toHex(), new byte[] {1, 2, 3}));
        long back = returned.get(5, TimeUnit.SECONDS);
        assertTrue(back >= posted, "returned after the POST");
        assertTrue(back - start < TimeUnit.SECONDS.toNanos(4), "returned on arrival, not at the wait's end");

        long t = System.nanoTime();
        HttpResponse<byte[]> empty = get(bob, 300);
        assertEquals(204, empty.statusCode());
        assertTrue(System.nanoTime() - t >= TimeUnit.MILLISECONDS.toNanos(290), "an empty poll waits out its wait");
    }

    @Test
    void hostileRelayIsRejectedAndCountedAndListenerNeverCalled() throws Exception {
        server = startServer(0);
        SignalClient a = aliceClient();
        a.start();
        aliceHears.awaitConnect();
        a.send(bob, new Offer(1, "u", "p", List.of("c1")));
        a.send(bob, new Candidates(1, List.of("c2")));
        eventually("both posted", () -> a.status().sent() == 2);
        // The relay keeps bob's envelopes (here: drains bob's mailbox before bob connects).
        List<byte[]> captured =
                Frames.decode(get(bob, 0).body(), Envelope.MAX_LENGTH).orElseThrow();
        assertEquals(2, captured.size());
        byte[] m1 = captured.get(0), m2 = captured.get(1);

        SignalClient b = bobClient();
        b.start();
        bobHears.awaitConnect();
        byte[] flipped = m1.clone();
        flipped[flipped.length - 20] ^= 0x01;
        byte[] rekeyed = m1.clone(); // claims to be from eve
        System.arraycopy(eve.rawBytes(), 0, rekeyed, 1, 32);
        Sealer eveSealer = new Sealer(
                evePriv,
                new CounterClock(CounterClock::systemMicros),
                new ReplayGuard(ReplayGuard.DEFAULT_WINDOW_MICROS));
        Sealer aliceToEve = new Sealer(
                alicePriv,
                new CounterClock(CounterClock::systemMicros),
                new ReplayGuard(ReplayGuard.DEFAULT_WINDOW_MICROS));
        for (byte[] bad : List.of(
                flipped,
                rekeyed,
                java.util.Arrays.copyOf(m1, 50),
                new byte[] {1},
                eveSealer.seal(bob, new GoIdle(1)),
                aliceToEve.seal(eve, new GoIdle(1)))) {
            assertEquals(202, post(bob.toHex(), bad), "the relay accepts anything");
        }
        eventually(
                "six rejected",
                () -> b.status().rejected().values().stream()
                                .mapToLong(Long::longValue)
                                .sum()
                        == 6);
        assertTrue(bobHears.messages.isEmpty(), "nothing reached the listener");

        assertEquals(202, post(bob.toHex(), m1)); // the genuine one, delayed by the relay
        assertEquals(new Offer(1, "u", "p", List.of("c1")), bobHears.next().message());
        assertEquals(202, post(bob.toHex(), m1)); // replayed
        eventually("replay rejected", () -> b.status().rejected(Rejection.REPLAYED) == 1);
        bobClockOffset.set(ReplayGuard.DEFAULT_WINDOW_MICROS + 1_000_000); // m2 held back past the window
        assertEquals(202, post(bob.toHex(), m2));
        eventually("stale rejected", () -> b.status().rejected(Rejection.STALE) == 1);

        SignalClient.Status s = b.status();
        assertEquals(1, s.rejected(Rejection.TAMPERED));
        assertEquals(2, s.rejected(Rejection.UNKNOWN_SENDER), "rekeyed and eve's own: " + s.rejected());
        assertEquals(1, s.rejected(Rejection.WRONG_RECIPIENT));
        assertEquals(2, s.rejected(Rejection.MALFORMED));
        assertEquals(1, s.received());
        Thread.sleep(100);
        assertTrue(bobHears.messages.isEmpty(), "still only the genuine message: " + bobHears.messages);
    }

    @Test
    void clientsReconnectAfterTheServerRestartsAndQueuedSendsGoThrough() throws Exception {
        server = startServer(0);
        int port = server.address().getPort();
        SignalClient a = aliceClient(), b = bobClient();
        a.start();
        b.start();
        aliceHears.awaitConnect();
        bobHears.awaitConnect();

        server.close();
        aliceHears.awaitDisconnect();
        bobHears.awaitDisconnect();
        assertFalse(a.status().connected());
        assertNotNull(a.status().lastError());
        for (int i = 0; i < 3; i++) a.send(bob, new Candidates(7, List.of("queued-" + i)));
        Thread.sleep(300); // the sends fail and wait to retry
        assertEquals(0, a.status().sent());

        server = startServer(port);
        aliceHears.awaitConnect();
        bobHears.awaitConnect();
        assertEquals(2, aliceHears.connectCount, "onConnected fired again");
        assertEquals(2, bobHears.connectCount);
        for (int i = 0; i < 3; i++)
            assertEquals(
                    new Candidates(7, List.of("queued-" + i)), bobHears.next().message());
        b.send(alice, new GoIdle(7));
        assertEquals(new GoIdle(7), aliceHears.next().message());
        assertEquals(3, a.status().sent());
        assertTrue(a.status().dropped().isEmpty());
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsIt() throws Exception {
        server = startServer(0);
        SignalClient a = aliceClient(); // not started: everything stays queued
        for (int i = 0; i < 20; i++) a.send(bob, new GoIdle(i));
        assertEquals(16, a.status().queued());
        assertEquals(4, a.status().dropped(SignalClient.DropReason.QUEUE_FULL));
        a.close();
        assertEquals(16, a.status().dropped(SignalClient.DropReason.CLOSED));
        a.send(bob, new GoIdle(99));
        assertEquals(17, a.status().dropped(SignalClient.DropReason.CLOSED));
    }

    @Test
    void aHostileServerRepeatingAndCorruptingResponsesCannotFoolTheClient() throws Exception {
        Sealer aliceSealer = new Sealer(
                alicePriv,
                new CounterClock(CounterClock::systemMicros),
                new ReplayGuard(ReplayGuard.DEFAULT_WINDOW_MICROS));
        byte[] genuine = aliceSealer.seal(bob, new GoIdle(5));
        byte[] repeated = Frames.encode(List.of(genuine, genuine));
        byte[] badFrames = {0, 0, 0, 9, 1, 2};
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer hostile =
                com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        PublicKey hostileKey = PrivateKey.generate(RANDOM).publicKey();
        hostile.createContext("/", ex -> {
            try (ex) {
                if (ex.getRequestURI().getPath().equals("/v1/key")) { // a hostile server has a key too
                    byte[] k = hostileKey.toHex().getBytes();
                    ex.sendResponseHeaders(200, k.length);
                    ex.getResponseBody().write(k);
                    return;
                }
                ex.getRequestBody().readAllBytes();
                byte[] body = polls.getAndIncrement() % 2 == 0
                        ? repeated
                        : badFrames; // the same envelope over and over, then junk
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        hostile.start();
        toClose.add(() -> hostile.stop(0));
        SignalClient b = new SignalClient(
                URI.create("http://127.0.0.1:" + hostile.getAddress().getPort() + "/"),
                bobPriv,
                bobHears,
                fast(CounterClock::systemMicros));
        b.setPeers(Set.of(alice));
        toClose.add(b);
        b.start();
        eventually("many polls", () -> polls.get() > 10);
        assertEquals(new GoIdle(5), bobHears.next().message());
        Thread.sleep(50);
        assertTrue(bobHears.messages.isEmpty(), "delivered once, however often the server repeats it");
        SignalClient.Status s = b.status();
        assertEquals(1, s.received());
        assertTrue(s.rejected(Rejection.REPLAYED) >= 5, s.rejected().toString());
        assertTrue(s.rejected(Rejection.MALFORMED) >= 5, s.rejected().toString());
        int before = polls.get();
        Thread.sleep(1_000);
        int perSecond = polls.get() - before;
        assertTrue(
                perSecond >= 5 && perSecond <= 15, "useless answers are paced at ~100 ms: " + perSecond + " polls/s");
    }

    @Test
    void closingDuringAnOutageCountsEveryUnsentMessage() throws Exception {
        server = startServer(0);
        SignalClient a = aliceClient();
        a.start();
        aliceHears.awaitConnect();
        server.close();
        aliceHears.awaitDisconnect();
        for (int i = 0; i < 3; i++) a.send(bob, new GoIdle(i));
        eventually(
                "one in hand, retrying",
                () -> a.status().queued() == 2
                        && a.status().lastError() != null
                        && a.status().lastError().startsWith("send"));
        a.close();
        assertEquals(0, a.status().sent());
        assertEquals(
                3,
                a.status().dropped(SignalClient.DropReason.CLOSED),
                a.status().toString());
    }

    @Test
    void serverRefusalsDropAndAFullMailboxIsRetried() throws Exception {
        server = SignalServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new SignalServer.Limits(300, 1, 10, 1_000, 120_000, 1 << 20));
        toClose.add(server);
        SignalClient a = aliceClient();
        a.start();
        aliceHears.awaitConnect();
        a.send(bob, new Candidates(1, List.of("x".repeat(400)))); // over the server's 300-byte limit: 413
        eventually("refused", () -> a.status().dropped(SignalClient.DropReason.SERVER_REFUSED) == 1);
        a.send(bob, new GoIdle(1));
        a.send(bob, new GoIdle(2)); // bob's mailbox holds one: 429 until bob takes the first
        eventually(
                "first posted, second waiting",
                () -> a.status().sent() == 1
                        && "send: HTTP 429".equals(a.status().lastError()));
        assertEquals(
                1,
                Frames.decode(get(bob, 0).body(), Envelope.MAX_LENGTH)
                        .orElseThrow()
                        .size());
        eventually("second posted after the retry", () -> a.status().sent() == 2);
        assertEquals(1, server.stats().refused(SignalServer.Refusal.TOO_LARGE));
        assertTrue(server.stats().refused(SignalServer.Refusal.MAILBOX_FULL) >= 1);
    }

    @Test
    void refusesANonHttpServerUrl() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new SignalClient(URI.create("ftp://127.0.0.1/"), alicePriv, aliceHears));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SignalClient(URI.create("127.0.0.1:80"), alicePriv, aliceHears));
    }
}
