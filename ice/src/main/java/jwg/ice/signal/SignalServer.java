package jwg.ice.signal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;

/**
 * The signaling server ({@code jwg signal --listen ADDR}): a mailbox per recipient public key,
 * served over HTTP long-polling on virtual threads. It relays opaque sealed envelopes and holds
 * no secrets; it can delay or drop messages but not read, forge or replay them (the clients
 * check). Endpoints:
 * <ul>
 *   <li>{@code POST /v1/mailbox/KEY} — body: one envelope (at most {@code maxBlob} bytes) for KEY;
 *       202 if queued, 400 empty, 413 too large, 429 mailbox full, sender over its quota or the
 *       server's memory budget spent, 503 too many mailboxes.</li>
 *   <li>{@code GET /v1/mailbox/KEY?wait=MS} — authenticated ({@link PollAuth}: 401 without a valid
 *       proof that the poller holds KEY's private key); waits up to MS (capped at {@code maxWait},
 *       default 25 s) for envelopes to KEY; 200 with frames ({@code u32 length + bytes}, repeated,
 *       at most {@link Frames#MAX_BODY} in all) or 204 if none arrived.</li>
 *   <li>{@code GET /v1/key} — the server's public key for this run, in hex.</li>
 *   <li>{@code GET /v1/health} — 200 {@code ok}.</li>
 * </ul>
 * KEY is a WireGuard public key in hex or base64 (URL-safe, or standard percent-encoded). Any other request gets a 4xx with a
 * one-line reason; every refusal is counted in {@link #stats()}. Connections are capped and
 * requests and idle connections time out (JDK HttpServer properties, set unless given on the
 * command line; see {@link #HTTP_PROPERTIES}).
 */
public final class SignalServer implements AutoCloseable {
    /** Why the server refused a request. */
    public enum Refusal {
        BAD_REQUEST,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        TOO_LARGE,
        MAILBOX_FULL,
        TOO_MANY_MAILBOXES,
        INTERNAL_ERROR,
        /** A poll without a valid, fresh, unreplayed proof of the mailbox key. */
        UNAUTHORIZED,
        /** The sending address has its share of the memory budget queued. */
        SENDER_QUOTA,
        /** Queued envelopes fill the server's memory budget. */
        MEMORY_BUDGET
    }

    /** Counters since start. */
    public record Stats(long posted, long delivered, long expired, int mailboxes, Map<Refusal, Long> refused) {
        public long refused(Refusal r) {
            return refused.getOrDefault(r, 0L);
        }
    }

    /**
     * Server limits; package-private so tests can shorten them. {@code maxAgeMillis} is also the
     * freshness window of poll counters. Queued envelopes cost their size plus
     * {@link Budget#OVERHEAD}, within {@code memoryBudget} in all and {@code senderBudget} per
     * source address.
     */
    record Limits(
            int maxBlob,
            int mailboxCapacity,
            int maxMailboxes,
            long maxWaitMillis,
            long maxAgeMillis,
            int maxResponseBytes,
            long memoryBudget,
            long senderBudget) {
        static final Limits DEFAULT =
                new Limits(Frames.MAX_BLOB, 256, 100_000, 25_000, 120_000, Frames.MAX_BODY, 64L << 20, 4L << 20);

        Limits(
                int maxBlob,
                int mailboxCapacity,
                int maxMailboxes,
                long maxWaitMillis,
                long maxAgeMillis,
                int maxResponseBytes) {
            this(
                    maxBlob,
                    mailboxCapacity,
                    maxMailboxes,
                    maxWaitMillis,
                    maxAgeMillis,
                    maxResponseBytes,
                    DEFAULT.memoryBudget,
                    DEFAULT.senderBudget);
        }
    }

    /**
     * The JDK HttpServer's own limits, JVM-wide and read once when its first server starts, so they
     * are set here unless already given ({@code -D...}): a request (headers and body) must arrive
     * within 10 s and a response (a long poll included) be done within 40 s, idle keep-alive
     * connections close after 30 s, at most 1024 connections are open, a request has at most 64
     * headers in 16 KiB.
     */
    static final Map<String, String> HTTP_PROPERTIES = Map.of(
            "sun.net.httpserver.maxReqTime", "10",
            "sun.net.httpserver.maxRspTime", "40",
            "sun.net.httpserver.idleInterval", "30",
            "jdk.httpserver.maxConnections", "1024",
            "sun.net.httpserver.maxReqHeaders", "64",
            "sun.net.httpserver.maxReqHeaderSize", "16384");

    static {
        HTTP_PROPERTIES.forEach((k, v) -> {
            if (System.getProperty(k) == null) System.setProperty(k, v);
        });
    }

    private static final String MAILBOX = "/v1/mailbox/";
    private static final String TEXT = "text/plain; charset=utf-8", BINARY = "application/octet-stream";

    private final HttpServer http;
    private final ExecutorService executor;
    private final Limits limits;
    private final Budget budget;
    private final PrivateKey serverPrivate = PrivateKey.generate(new java.security.SecureRandom());
    private final PublicKey serverPublic = serverPrivate.publicKey();
    private final ConcurrentHashMap<PublicKey, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private final AtomicLong posted = new AtomicLong(), delivered = new AtomicLong(), expiredGone = new AtomicLong();
    private final AtomicLongArray refused = new AtomicLongArray(Refusal.values().length);
    private volatile boolean closed;
    private volatile Thread sweeper;

    private SignalServer(HttpServer http, ExecutorService executor, Limits limits) {
        this.http = http;
        this.executor = executor;
        this.limits = limits;
        this.budget = new Budget(limits.memoryBudget(), limits.senderBudget());
    }

    /** Binds {@code listen} (port 0 picks one) and starts serving. */
    public static SignalServer start(InetSocketAddress listen) throws IOException {
        return start(listen, Limits.DEFAULT);
    }

    static SignalServer start(InetSocketAddress listen, Limits limits) throws IOException {
        HttpServer http = HttpServer.create(listen, 128);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        SignalServer s = new SignalServer(http, executor, limits);
        http.setExecutor(executor);
        http.createContext("/", s::handle);
        http.start();
        s.sweeper = Thread.ofVirtual().name("signal-sweep").start(s::sweepLoop);
        return s;
    }

    /** The bound address (with the real port if 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** This run's key, against which pollers prove they own their mailbox key ({@link PollAuth}). */
    public PublicKey publicKey() {
        return serverPublic;
    }

    /** Bytes of queued envelopes charged to the memory budget. */
    long queuedBytes() {
        return budget.used();
    }

    public Stats stats() {
        Map<Refusal, Long> r = new EnumMap<>(Refusal.class);
        for (Refusal x : Refusal.values()) if (refused.get(x.ordinal()) > 0) r.put(x, refused.get(x.ordinal()));
        long expired = expiredGone.get()
                + mailboxes.values().stream().mapToLong(Mailbox::expired).sum();
        return new Stats(posted.get(), delivered.get(), expired, mailboxes.size(), Map.copyOf(r));
    }

    /** Stops listening, wakes every waiting poll and drops queued envelopes. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        mailboxes.values().forEach(Mailbox::close);
        http.stop(0);
        serverPrivate.wipe();
        Thread sw = sweeper;
        if (sw != null) sw.interrupt();
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SignalServer[" + address() + "]";
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            route(ex);
        } catch (IOException e) {
            // the client went away mid-exchange: nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (RuntimeException e) { // a bug; no request may take the server down
            refuse(ex, Refusal.INTERNAL_ERROR, 500, "internal error");
        }
    }

    /** What a request's path names: the health check, the server's key, a mailbox (by key), or nothing valid. */
    sealed interface Target {
        record Health() implements Target {}

        record ServerKey() implements Target {}

        record MailboxOf(PublicKey key) implements Target {}

        record NotFound() implements Target {}

        record BadKey() implements Target {}
    }

    /**
     * Routes a request path ({@code URI.getPath()}: decoded, so a standard base64 key arrives
     * percent-encoded and is decoded here; null for an opaque URI). Never throws.
     */
    static Target target(String path) {
        if (path == null) return new Target.NotFound();
        if (path.equals("/v1/health")) return new Target.Health();
        if (path.equals("/v1/key")) return new Target.ServerKey();
        if (!path.startsWith(MAILBOX)) return new Target.NotFound();
        Optional<PublicKey> key = KeyText.parse(path.substring(MAILBOX.length()));
        return key.<Target>map(Target.MailboxOf::new).orElseGet(Target.BadKey::new);
    }

    private void route(HttpExchange ex) throws IOException, InterruptedException {
        String method = ex.getRequestMethod();
        switch (target(ex.getRequestURI().getPath())) {
            case Target.Health h -> {
                if (method.equals("GET")) reply(ex, 200, "ok\n".getBytes(StandardCharsets.US_ASCII));
                else refuse(ex, Refusal.METHOD_NOT_ALLOWED, 405, "use GET");
            }
            case Target.ServerKey k -> {
                if (method.equals("GET"))
                    reply(ex, 200, (serverPublic.toHex() + "\n").getBytes(StandardCharsets.US_ASCII));
                else refuse(ex, Refusal.METHOD_NOT_ALLOWED, 405, "use GET");
            }
            case Target.NotFound n -> refuse(ex, Refusal.NOT_FOUND, 404, "no such endpoint; see /v1/mailbox/KEY");
            case Target.BadKey b ->
                refuse(ex, Refusal.BAD_REQUEST, 400, "KEY must be a public key in hex or URL-safe base64");
            case Target.MailboxOf m -> {
                switch (method) {
                    case "POST" -> post(ex, m.key());
                    case "GET" -> poll(ex, m.key());
                    default -> refuse(ex, Refusal.METHOD_NOT_ALLOWED, 405, "use GET (poll) or POST (deliver)");
                }
            }
        }
    }

    private void post(HttpExchange ex, PublicKey to) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && declared.length() > 12) {
            refuse(ex, Refusal.TOO_LARGE, 413, "envelope larger than " + limits.maxBlob() + " bytes");
            return;
        }
        if (declared != null && declared.matches("\\d+") && Long.parseLong(declared) > limits.maxBlob()) {
            refuse(ex, Refusal.TOO_LARGE, 413, "envelope larger than " + limits.maxBlob() + " bytes");
            return;
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(limits.maxBlob() + 1);
        }
        if (body.length > limits.maxBlob()) {
            refuse(ex, Refusal.TOO_LARGE, 413, "envelope larger than " + limits.maxBlob() + " bytes");
            return;
        }
        if (body.length == 0) {
            refuse(ex, Refusal.BAD_REQUEST, 400, "empty body: POST one envelope");
            return;
        }
        Optional<Mailbox> box = mailbox(to);
        if (box.isEmpty()) {
            refuse(ex, Refusal.TOO_MANY_MAILBOXES, 503, "too many mailboxes");
            return;
        }
        switch (box.get().offer(body, sender(ex))) {
            case QUEUED -> {}
            case FULL, CLOSED -> {
                refuse(ex, Refusal.MAILBOX_FULL, 429, "recipient's mailbox is full");
                return;
            }
            case SENDER_QUOTA -> {
                refuse(ex, Refusal.SENDER_QUOTA, 429, "too much queued from your address; try later");
                return;
            }
            case MEMORY_BUDGET -> {
                refuse(ex, Refusal.MEMORY_BUDGET, 429, "server memory budget spent; try later");
                return;
            }
        }
        posted.incrementAndGet();
        reply(ex, 202, new byte[0]);
    }

    private void poll(HttpExchange ex, PublicKey self) throws IOException, InterruptedException {
        long waitMs = waitMillis(ex.getRequestURI().getRawQuery(), limits.maxWaitMillis());
        if (waitMs < 0) {
            refuse(ex, Refusal.BAD_REQUEST, 400, "wait must be a number of milliseconds");
            return;
        }
        Optional<PollAuth.Claim> claim = PollAuth.parse(ex.getRequestHeaders().getFirst("Authorization"));
        if (claim.isEmpty()) {
            unauthorized(ex, "poll needs Authorization: JWG-Poll COUNTER.MAC (see GET /v1/key)");
            return;
        }
        long now = CounterClock.systemMicros(), window = TimeUnit.MILLISECONDS.toMicros(limits.maxAgeMillis());
        if (Math.abs(claim.get().counter() - now) > window) {
            unauthorized(
                    ex,
                    "poll counter is not within " + limits.maxAgeMillis() / 1000 + " s of the server clock (" + now
                            + " µs)");
            return;
        }
        Mailbox existing = mailboxes.get(self);
        byte[] key = existing == null ? null : existing.authKey();
        boolean derived = key == null;
        if (derived) {
            try {
                key = PollAuth.key(serverPrivate, self, serverPublic, self);
            } catch (IllegalArgumentException lowOrder) {
                unauthorized(ex, "low-order mailbox key");
                return;
            }
        }
        try {
            if (!claim.get().verifies(key, self, serverPublic)) {
                unauthorized(ex, "bad poll MAC (the server key changes when the server restarts: GET /v1/key)");
                return;
            }
            Optional<Mailbox> box = mailbox(self);
            if (box.isEmpty()) {
                refuse(ex, Refusal.TOO_MANY_MAILBOXES, 503, "too many mailboxes");
                return;
            }
            if (!box.get().authorize(claim.get().counter(), key)) {
                unauthorized(ex, "replayed poll counter");
                return;
            }
            poll(ex, box.get(), waitMs);
        } finally {
            if (derived) java.util.Arrays.fill(key, (byte) 0);
        }
    }

    private void poll(HttpExchange ex, Mailbox box, long waitMs) throws IOException, InterruptedException {
        List<byte[]> blobs = box.poll(TimeUnit.MILLISECONDS.toNanos(waitMs), limits.maxResponseBytes());
        delivered.addAndGet(blobs.size());
        if (blobs.isEmpty()) reply(ex, 204, null);
        else reply(ex, 200, Frames.encode(blobs), BINARY);
    }

    /** The wait from the raw query's {@code wait=MS}, capped at {@code cap}; the cap if absent; -1 if malformed. Never throws. */
    static long waitMillis(String query, long cap) {
        if (query == null || query.isEmpty()) return cap;
        for (String kv : query.split("&")) {
            if (!kv.startsWith("wait=")) continue;
            String v = kv.substring(5);
            if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(Character::isDigit)) return -1;
            return Math.min(Long.parseLong(v), cap);
        }
        return cap;
    }

    private Optional<Mailbox> mailbox(PublicKey key) {
        Mailbox m = mailboxes.get(key);
        if (m != null) return Optional.of(m);
        if (mailboxes.size() >= limits.maxMailboxes()) sweepIdle();
        if (mailboxes.size() >= limits.maxMailboxes()) return Optional.empty();
        return Optional.of(mailboxes.computeIfAbsent(key, k -> newMailbox()));
    }

    private Mailbox newMailbox() {
        Mailbox m = new Mailbox(
                limits.mailboxCapacity(),
                TimeUnit.MILLISECONDS.toNanos(limits.maxAgeMillis()),
                System::nanoTime,
                budget);
        if (closed) m.close();
        return m;
    }

    /**
     * Forgets mailboxes with nothing queued, nobody waiting and no poll accepted for twice the
     * freshness window (after that no poll it accepted could pass the freshness check again).
     */
    private void sweepIdle() {
        long authMemory = 2 * TimeUnit.MILLISECONDS.toNanos(limits.maxAgeMillis());
        mailboxes.forEach((k, m) -> {
            if (m.isIdle(authMemory) && mailboxes.remove(k, m)) expiredGone.addAndGet(m.expired());
        });
    }

    /** Every few seconds: drops expired envelopes (returning their budget) and forgets idle mailboxes. */
    private void sweepLoop() {
        while (!closed) {
            try {
                Thread.sleep(Math.min(5_000, Math.max(100, limits.maxAgeMillis() / 4)));
                sweepIdle();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // keep sweeping
            }
        }
    }

    /** The address a POST is charged to: the source IP, an IPv6 source by its /64. */
    private static String sender(HttpExchange ex) {
        java.net.InetAddress a = ex.getRemoteAddress().getAddress();
        byte[] b = a.getAddress();
        if (b.length == 16) return java.util.HexFormat.of().formatHex(b, 0, 8) + "::/64";
        return a.getHostAddress();
    }

    private void unauthorized(HttpExchange ex, String why) {
        ex.getResponseHeaders().set("WWW-Authenticate", "JWG-Poll");
        refuse(ex, Refusal.UNAUTHORIZED, 401, why);
    }

    private void refuse(HttpExchange ex, Refusal why, int status, String message) {
        refused.incrementAndGet(why.ordinal());
        try {
            reply(ex, status, (message + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // the client is gone or the response has started; the exchange is closed by the caller
        }
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        reply(ex, status, body, TEXT);
    }

    private static void reply(HttpExchange ex, int status, byte[] body, String type) throws IOException {
        if (body != null && body.length > 0) {
            ex.getResponseHeaders().set("Content-Type", type);
        }
        ex.sendResponseHeaders(status, body == null ? -1 : body.length == 0 ? -1 : body.length);
        if (body != null && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
