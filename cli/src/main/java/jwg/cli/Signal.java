package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import jwg.ice.signal.SignalServer;
import jwg.tun.ip.IpText;

/**
 * {@code jwg signal --listen ADDR}: runs a signaling server until killed. ADDR is {@code HOST:PORT},
 * {@code [V6]:PORT} or {@code :PORT} (all interfaces). The server only relays sealed envelopes
 * between mailboxes; it holds no keys.
 */
final class Signal {
    private Signal() {}

    static final String USAGE = """
            usage: jwg signal --listen ADDR
              runs a signaling server until killed; ADDR is HOST:PORT, [V6]:PORT or :PORT (all interfaces)
            """;

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        CountDownLatch killed = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            killed.countDown();
                            try {
                                closed.await(); // let run() close the server before the JVM goes
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "signal-shutdown"));
        try {
            return run(args, out, err, killed);
        } finally {
            closed.countDown();
        }
    }

    /** Serves until {@code stop} opens (tests stop it; {@code jwg signal} stops on a signal). */
    static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop) throws InterruptedException {
        if (args.length != 2 || !args[0].equals("--listen")) return Command.usageError(err, USAGE, null);
        InetSocketAddress listen;
        try {
            listen = parse(args[1]);
        } catch (IllegalArgumentException e) {
            return Command.usageError(err, USAGE, "jwg signal: " + e.getMessage());
        }
        SignalServer server;
        try {
            server = SignalServer.start(listen);
        } catch (IOException e) {
            err.println("jwg signal: cannot listen on " + args[1] + ": " + e.getMessage());
            return 1;
        }
        try (server) {
            InetSocketAddress a = server.address();
            out.println("jwg signal: listening on http://" + IpText.hostPort(a) + "/");
            out.flush();
            stop.await();
        }
        return 0;
    }

    /** Parses HOST:PORT, [V6]:PORT or :PORT. */
    static InetSocketAddress parse(String addr) {
        int colon = addr.lastIndexOf(':');
        if (colon < 0)
            throw new IllegalArgumentException("ADDR must be HOST:PORT, [V6]:PORT or :PORT, got '" + addr + "'");
        String host = addr.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(addr.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + addr + "'");
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range in '" + addr + "'");
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) return new InetSocketAddress(port);
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) throw new IllegalArgumentException("cannot resolve '" + host + "'");
        return a;
    }
}
