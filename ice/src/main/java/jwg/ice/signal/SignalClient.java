package jwg.ice.signal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;

/**
 * A peer's connection to a {@link SignalServer}: sends {@link SignalMessage}s sealed to other
 * peers' static keys and delivers the ones sealed to ours. Two virtual threads: a long-poll loop
 * (which also defines "connected": its last request succeeded) and a sender draining a bounded
 * queue. Both retry with exponential backoff (200 ms ×2 up to 10 s, ±20 % jitter) while the
 * server is away. Envelopes from keys outside {@link #setPeers}, or that are tampered, replayed,
 * stale or misaddressed are dropped and counted by {@link Rejection}; the listener never sees
 * them. The private key is copied, never printed and wiped on {@link #close()}.
 */
public final class SignalClient implements AutoCloseable {
    /** Receives messages and connection changes, on the client's poll thread. */
    public interface Listener {
        void onMessage(PublicKey from, SignalMessage message);

        /** The first connect and every reconnect. */
        default void onConnected() {}

        default void onDisconnected(String reason) {}
    }

    /** Why an outgoing message was dropped. */
    public enum DropReason {
        /** The send queue was full: the oldest queued message made room for the new one. */
        QUEUE_FULL,
        /** The server refused it with a 4xx (too large, bad key, mailbox full...). */
        SERVER_REFUSED,
        /** The recipient key cannot be sealed to (low-order point). */
        BAD_RECIPIENT,
        /** Still queued, or sent, after {@link #close()}. */
        CLOSED
    }

    /** A snapshot of the client's state. */
    public record Status(
            URI server,
            boolean connected,
            Instant since,
            String lastError,
            long sent,
            long received,
            int queued,
            Map<Rejection, Long> rejected,
            Map<DropReason, Long> dropped) {
        public long rejected(Rejection r) {
            return rejected.getOrDefault(r, 0L);
        }

        public long dropped(DropReason r) {
            return dropped.getOrDefault(r, 0L);
        }
    }

    /** Timings and bounds; package-private so tests can shorten them. */
    record Config(
            long pollWaitMillis,
            long requestTimeoutMillis,
            long backoffBaseMillis,
            long backoffMaxMillis,
            int queueCapacity,
            int maxResponseBytes,
            long freshnessMicros,
            LongSupplier clockMicros) {
        static final Config DEFAULT = new Config(
                25_000,
                10_000,
                200,
                10_000,
                256,
                Frames.MAX_BODY,
                ReplayGuard.DEFAULT_WINDOW_MICROS,
                CounterClock::systemMicros);
    }

    /** An outgoing message; sealed lazily, resealed if it waited longer than half the freshness window. */
    private static final class Pending {
        final PublicKey to;
        final SignalMessage message;
        byte[] wire;
        long sealedAt;

        Pending(PublicKey to, SignalMessage message) {
            this.to = to;
            this.message = message;
        }
    }

    static final long MIN_POLL_GAP_MILLIS = 100;

    private final URI server;
    private final URI base;
    private final Listener listener;
    private final Config config;
    private final Sealer sealer;
    private final PrivateKey pollKey; // our private key, for PollAuth; wiped on close
    private final CounterClock pollCounter;
    private PublicKey serverKey; // poll thread only; null until fetched, and again after a 401
    private byte[] pollMacKey; // PollAuth key for serverKey
    private final HttpClient http;
    private final ExecutorService httpExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final LinkedBlockingDeque<Pending> queue;
    private final AtomicLong sent = new AtomicLong(), received = new AtomicLong();
    private final AtomicLongArray rejected = new AtomicLongArray(Rejection.values().length);
    private final AtomicLongArray dropped = new AtomicLongArray(DropReason.values().length);
    private final Object connectedSignal = new Object();
    private volatile Set<PublicKey> peers = Set.of();
    private volatile boolean connected, running, closed;
    private volatile Instant since = Instant.now();
    private volatile String lastError;
    private Thread poller, sender;

    /** A client of {@code server} (e.g. {@code http://host:port/}) for the peer holding {@code self}. */
    public SignalClient(URI server, PrivateKey self, Listener listener) {
        this(server, self, listener, Config.DEFAULT);
    }

    SignalClient(URI server, PrivateKey self, Listener listener, Config config) {
        if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme()) || server.getHost() == null) {
            throw new IllegalArgumentException("signal server must be an http:// or https:// URL, got " + server);
        }
        String s = server.toString();
        this.server = server;
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.listener = listener;
        this.config = config;
        this.sealer =
                new Sealer(self, new CounterClock(config.clockMicros()), new ReplayGuard(config.freshnessMicros()));
        this.pollKey = new PrivateKey(self.rawBytes());
        this.pollCounter = new CounterClock(CounterClock::systemMicros); // the server checks it against its own clock
        this.queue = new LinkedBlockingDeque<>(config.queueCapacity());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(httpExecutor)
                .connectTimeout(Duration.ofMillis(config.requestTimeoutMillis()))
                .build();
    }

    /** This peer's public key. */
    public PublicKey publicKey() {
        return sealer.publicKey();
    }

    /** Only these keys may send to us; envelopes from others are dropped and counted. */
    public synchronized void setPeers(Set<PublicKey> peers) {
        Set<PublicKey> previous = this.peers;
        this.peers = Set.copyOf(peers);
        for (PublicKey gone : previous) if (!this.peers.contains(gone)) sealer.forget(gone); // wipe its keys
    }

    /** Starts the poll and send loops. */
    public synchronized void start() {
        if (running || closed) return;
        running = true;
        poller = Thread.ofVirtual().name("signal-poll").start(this::pollLoop);
        sender = Thread.ofVirtual().name("signal-send").start(this::sendLoop);
    }

    /** Queues {@code m} for {@code to}; never blocks. If the queue is full the oldest message is dropped (counted). */
    public void send(PublicKey to, SignalMessage m) {
        if (closed) {
            drop(DropReason.CLOSED);
            return;
        }
        Pending p = new Pending(to, m);
        while (!queue.offerLast(p)) {
            if (queue.pollFirst() != null) drop(DropReason.QUEUE_FULL);
        }
    }

    public Status status() {
        Map<Rejection, Long> rej = new EnumMap<>(Rejection.class);
        for (Rejection r : Rejection.values()) if (rejected.get(r.ordinal()) > 0) rej.put(r, rejected.get(r.ordinal()));
        Map<DropReason, Long> drop = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values())
            if (dropped.get(r.ordinal()) > 0) drop.put(r, dropped.get(r.ordinal()));
        return new Status(
                server,
                connected,
                since,
                lastError,
                sent.get(),
                received.get(),
                queue.size(),
                Map.copyOf(rej),
                Map.copyOf(drop));
    }

    /** Stops both loops, counts still-queued messages as dropped and wipes the keys. */
    @Override
    public void close() {
        Thread p, s;
        synchronized (this) {
            if (closed) return;
            closed = true;
            running = false;
            p = poller;
            s = sender;
        }
        http.shutdownNow();
        for (Thread t : new Thread[] {p, s}) if (t != null) t.interrupt();
        for (Thread t : new Thread[] {p, s}) if (t != null) joinQuietly(t);
        for (Pending ignored; (ignored = queue.pollFirst()) != null; ) drop(DropReason.CLOSED);
        httpExecutor.shutdownNow();
        if (connected) disconnected("closed");
        sealer.close();
        pollKey.wipe();
        forgetServerKey();
    }

    @Override
    public String toString() {
        return "SignalClient[" + publicKey() + " → " + server + (connected ? ", connected" : ", disconnected") + "]";
    }

    // ---- receiving

    private void pollLoop() {
        Backoff backoff = backoff();
        while (running) {
            try {
                long started = System.nanoTime();
                boolean longPoll = connected;
                List<byte[]> blobs = poll(longPoll ? config.pollWaitMillis() : 0);
                backoff.reset();
                if (!connected) connectedNow();
                int accepted = 0;
                for (byte[] blob : blobs) if (deliver(blob)) accepted++;
                if (longPoll && accepted == 0) pace(started);
            } catch (IOException | RuntimeException e) {
                if (!running) return;
                failed(e);
                if (!sleep(backoff.next())) return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private List<byte[]> poll(long waitMillis) throws IOException, InterruptedException {
        if (serverKey == null) fetchServerKey();
        PublicKey self = publicKey();
        HttpRequest req = HttpRequest.newBuilder(URI.create(mailbox(self) + "?wait=" + waitMillis))
                .header("Authorization", PollAuth.header(pollMacKey, self, serverKey, pollCounter.next()))
                .timeout(Duration.ofMillis(waitMillis + config.requestTimeoutMillis()))
                .GET()
                .build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = resp.body()) {
            if (resp.statusCode() == 204) return List.of();
            if (resp.statusCode() == 401) {
                forgetServerKey(); // a restarted server has a new key
                throw new IOException("poll: HTTP 401 " + firstLine(in));
            }
            if (resp.statusCode() != 200) throw new IOException("poll: HTTP " + resp.statusCode());
            byte[] body = in.readNBytes(config.maxResponseBytes() + 1);
            if (body.length > config.maxResponseBytes())
                throw new IOException("poll: response larger than " + config.maxResponseBytes() + " bytes");
            Frames.Decoded frames = Frames.decodeEach(body, Frames.MAX_BLOB); // a bad frame costs only itself
            int bad = frames.oversized() + (frames.truncated() ? 1 : 0);
            if (bad > 0) rejected.addAndGet(Rejection.MALFORMED.ordinal(), bad);
            return frames.blobs();
        }
    }

    /** {@code GET /v1/key}: the server's key for this run, against which polls are authenticated. */
    private void fetchServerKey() throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("v1/key"))
                .timeout(Duration.ofMillis(config.requestTimeoutMillis()))
                .GET()
                .build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        String text;
        try (InputStream in = resp.body()) {
            text = new String(in.readNBytes(200), java.nio.charset.StandardCharsets.US_ASCII).trim();
        }
        if (resp.statusCode() != 200) throw new IOException("server key: HTTP " + resp.statusCode());
        Optional<PublicKey> key = KeyText.parse(text);
        if (key.isEmpty()) throw new IOException("server key: not a public key");
        try {
            pollMacKey = PollAuth.key(pollKey, publicKey(), key.get(), key.get());
        } catch (IllegalArgumentException lowOrder) {
            throw new IOException("server key: low-order point");
        }
        serverKey = key.get();
    }

    private void forgetServerKey() {
        serverKey = null;
        if (pollMacKey != null) java.util.Arrays.fill(pollMacKey, (byte) 0);
    }

    private static String firstLine(InputStream in) throws IOException {
        String s = new String(in.readNBytes(200), java.nio.charset.StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).strip();
    }

    /** Opens one envelope and hands it to the listener; false if it was refused. */
    private boolean deliver(byte[] blob) {
        Set<PublicKey> allowed = peers;
        switch (sealer.open(blob, allowed::contains)) {
            case Opened.Rejected r -> {
                rejected.incrementAndGet(r.reason().ordinal());
                return false;
            }
            case Opened.Accepted a -> {
                received.incrementAndGet();
                try {
                    listener.onMessage(a.from(), a.message());
                } catch (RuntimeException e) {
                    lastError = "listener threw " + e;
                }
                return true;
            }
        }
    }

    /**
     * A long poll that comes back early with nothing we accept (a server closing, or a hostile
     * one answering junk at once) is followed by a pause, so a server cannot make us spin.
     */
    private void pace(long startedNanos) throws InterruptedException {
        long left = MIN_POLL_GAP_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        if (left > 0) TimeUnit.MILLISECONDS.sleep(left);
    }

    private void connectedNow() {
        connected = true;
        since = Instant.now();
        synchronized (connectedSignal) {
            connectedSignal.notifyAll();
        }
        try {
            listener.onConnected();
        } catch (RuntimeException e) {
            lastError = "listener threw " + e;
        }
    }

    private void failed(Exception e) {
        String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        lastError = reason;
        if (connected) disconnected(reason);
    }

    private void disconnected(String reason) {
        connected = false;
        since = Instant.now();
        try {
            listener.onDisconnected(reason);
        } catch (RuntimeException e) {
            lastError = "listener threw " + e;
        }
    }

    // ---- sending

    private void sendLoop() {
        Backoff backoff = backoff();
        Pending p = null;
        try {
            while (running) {
                p = queue.takeFirst();
                boolean done = deliverOnce(p);
                while (!done && waitForRetry(backoff.next())) done = deliverOnce(p);
                if (!done) break;
                p = null;
                backoff.reset();
            }
        } catch (InterruptedException e) {
            // closing
        }
        if (p != null) drop(DropReason.CLOSED); // the one in hand when closed
    }

    /** One POST; true when the message is done with (sent or dropped), false to retry. */
    private boolean deliverOnce(Pending p) throws InterruptedException {
        try {
            reseal(p);
        } catch (IllegalArgumentException lowOrder) {
            drop(DropReason.BAD_RECIPIENT);
            return true;
        }
        HttpRequest req = HttpRequest.newBuilder(mailbox(p.to))
                .timeout(Duration.ofMillis(config.requestTimeoutMillis()))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(p.wire))
                .build();
        try {
            int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                sent.incrementAndGet();
                return true;
            }
            lastError = "send: HTTP " + status;
            if (status / 100 == 4 && status != 429) {
                drop(DropReason.SERVER_REFUSED);
                return true;
            }
            return false; // 429 (mailbox full for now) and 5xx: retry
        } catch (IOException | RuntimeException e) {
            if (!running) return false; // closing: counted by the send loop
            lastError = "send: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * Seals once and resends the same bytes on retry (a POST that got through but whose answer
     * was lost is then refused as a replay, not delivered twice), unless the envelope is getting
     * close to stale.
     */
    private void reseal(Pending p) {
        long now = sealer.clock().nowMicros();
        if (p.wire == null || now - p.sealedAt > config.freshnessMicros() / 2) {
            p.wire = sealer.seal(p.to, p.message);
            p.sealedAt = now;
        }
    }

    /** Waits the backoff delay, or less if the poll loop reconnects; false if closing. */
    private boolean waitForRetry(long millis) throws InterruptedException {
        synchronized (connectedSignal) {
            if (running) connectedSignal.wait(millis);
        }
        return running;
    }

    // ---- helpers

    private URI mailbox(PublicKey key) {
        return base.resolve("v1/mailbox/" + KeyText.of(key));
    }

    private Backoff backoff() {
        return new Backoff(config.backoffBaseMillis(), config.backoffMaxMillis(), 0.2, new SplittableRandom());
    }

    private void drop(DropReason r) {
        dropped.incrementAndGet(r.ordinal());
    }

    private boolean sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
