package jwg.cli.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The opt-in Prometheus endpoint: the JDK's HTTP server on the configured address only, one
 * daemon thread, {@code GET /metrics} (and HEAD) answered with a fresh scrape in the text format
 * 0.0.4. Anything else is 404 (another path) or 405 (another method); a failing scrape is a 500
 * that says so, and the daemon carries on.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetricsEndpoint.class.getName());
    public static final String PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Listens on {@code address} (port 0: any free port); {@code scrape} makes each page. */
    public static MetricsEndpoint start(InetSocketAddress address, Supplier<String> scrape) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().daemon().name("jwg-metrics").unstarted(r));
        server.setExecutor(executor);
        server.createContext("/", ex -> handle(ex, scrape));
        server.start();
        if (!address.getAddress().isLoopbackAddress()) {
            LOG.warning("metrics endpoint on " + MetricsAddress.text(address)
                    + ", not loopback: whoever reaches it sees peer public keys and traffic counters");
        }
        return new MetricsEndpoint(server, executor);
    }

    private static void handle(HttpExchange ex, Supplier<String> scrape) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!ex.getRequestURI().getPath().equals(PATH)) {
                reply(ex, 404, "text/plain; charset=utf-8", "not found: the metrics are at " + PATH + "\n", method);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(ex, 405, "text/plain; charset=utf-8", "method not allowed\n", method);
                return;
            }
            String page;
            try {
                page = scrape.get();
            } catch (RuntimeException e) {
                LOG.warning("metrics scrape failed: " + e);
                reply(ex, 500, "text/plain; charset=utf-8", "scrape failed: " + e.getMessage() + "\n", method);
                return;
            }
            reply(ex, 200, Exposition.CONTENT_TYPE, page, method);
        }
    }

    private static void reply(HttpExchange ex, int status, String type, String body, String method) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = method.equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : b.length);
        if (!head) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        }
    }

    /** Where it listens (the actual port when 0 was asked). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
