package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jwg.ice.relay.RelayConfig;
import jwg.ice.relay.RelayServer;
import jwg.tun.ip.IpText;

/**
 * {@code jwg relay}: runs a TURN server (RFC 8656, UDP only; {@link RelayServer}) until killed. A
 * bad option names itself and nothing starts; passwords are never printed (only the long-term keys
 * derived from them are kept).
 */
final class Relay {
    private Relay() {}

    static final String USAGE = """
            usage: jwg relay --listen IP:PORT --relay-ip IP [--ports MIN-MAX] --realm REALM
                             (--user NAME:PASSWORD ... | --users FILE) [--quota N] [--stats SECONDS]
              runs a TURN server (RFC 8656, UDP only) until killed: clients send to IP:PORT, relayed
              sockets bind to --relay-ip on a port of MIN-MAX (default 49152-65535); long-term
              credentials in REALM; --users FILE: one NAME:PASSWORD a line (# comments); --quota: the
              most allocations one user holds at once (default 10); --stats: print the counters (relayed,
              dropped by reason) every SECONDS when they changed
            """;

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        CountDownLatch killed = new CountDownLatch(1), closed = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            killed.countDown();
                            try {
                                closed.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "relay-shutdown"));
        try {
            return run(args, out, err, killed);
        } finally {
            closed.countDown();
        }
    }

    /** Serves until {@code stop} opens (tests stop it; {@code jwg relay} stops on a signal). */
    static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop) throws InterruptedException {
        RelayConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            return Command.usageError(err, USAGE, "jwg relay: " + e.getMessage());
        } catch (IOException e) {
            err.println("jwg relay: --users: " + e.getMessage());
            return 1;
        }
        RelayServer server;
        try {
            server = RelayServer.start(config);
        } catch (IOException e) {
            err.println("jwg relay: cannot listen on " + config.listen() + ": " + e.getMessage());
            return 1;
        }
        try (server) {
            InetSocketAddress a = server.address();
            out.println("jwg relay: listening on udp " + IpText.hostPort(a) + ", relaying from "
                    + config.relayIp().getHostAddress() + " ports " + config.minPort() + "-" + config.maxPort()
                    + ", realm " + config.realm() + ", " + config.keys().size() + " user(s)");
            out.flush();
            Map<String, Long> last = server.counters().snapshot();
            while (!stop.await(statsSeconds(args) == 0 ? 1_000_000 : statsSeconds(args), TimeUnit.SECONDS)) {
                Map<String, Long> now = server.counters().snapshot();
                if (!now.equals(last)) out.println("jwg relay: " + server.allocations() + " allocation(s); " + now);
                out.flush();
                last = now;
            }
            out.println("jwg relay: stopping; " + server.counters().snapshot());
        }
        return 0;
    }

    /** The configuration the arguments describe; IllegalArgumentException naming the option. */
    static RelayConfig parse(String[] args) throws IOException {
        String listen = null, relayIp = null, ports = "49152-65535", realm = null, quota = "10";
        Map<String, String> users = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String o = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException(o + ": missing value");
            String v = args[++i];
            switch (o) {
                case "--listen" -> listen = v;
                case "--relay-ip" -> relayIp = v;
                case "--ports" -> ports = v;
                case "--realm" -> realm = v;
                case "--quota" -> quota = v;
                case "--stats" -> {
                    try {
                        if (Integer.parseInt(v) < 0) throw new NumberFormatException();
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--stats: a number of seconds, got '" + v + "'");
                    }
                }
                case "--user" -> user(users, v, "--user");
                case "--users" -> {
                    List<String> lines = Files.readAllLines(Path.of(v));
                    for (int n = 0; n < lines.size(); n++) {
                        String l = lines.get(n).strip();
                        if (!l.isEmpty() && !l.startsWith("#")) user(users, l, v + " line " + (n + 1));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + o + "'");
            }
        }
        if (listen == null) throw new IllegalArgumentException("--listen IP:PORT is required");
        if (relayIp == null) throw new IllegalArgumentException("--relay-ip IP is required");
        if (realm == null || realm.isEmpty()) throw new IllegalArgumentException("--realm REALM is required");
        if (users.isEmpty()) throw new IllegalArgumentException("--user NAME:PASSWORD or --users FILE is required");
        InetSocketAddress listenAddress = listenAddress(listen);
        InetAddress relay = literal(relayIp, "--relay-ip");
        if (relay.isAnyLocalAddress())
            throw new IllegalArgumentException("--relay-ip: the address peers reach, not " + relayIp);
        int dash = ports.indexOf('-');
        int min, max, perUser;
        try {
            min = Integer.parseInt(ports.substring(0, Math.max(0, dash)));
            max = Integer.parseInt(ports.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--ports: MIN-MAX, got '" + ports + "'");
        }
        if (min < 1 || max > 65535 || min > max)
            throw new IllegalArgumentException("--ports: MIN-MAX within 1-65535, got '" + ports + "'");
        try {
            perUser = Integer.parseInt(quota);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--quota: a number, got '" + quota + "'");
        }
        if (perUser < 1) throw new IllegalArgumentException("--quota: at least 1");
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String r = realm;
        users.forEach((name, password) -> keys.put(name, RelayConfig.key(name, r, password)));
        return new RelayConfig(listenAddress, relay, min, max, realm, keys, perUser, false, RelayConfig.Lifetimes.RFC);
    }

    /** --stats SECONDS (0 when absent; {@link #parse} checked it). */
    private static int statsSeconds(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2)
            if (args[i].equals("--stats")) return Integer.parseInt(args[i + 1]);
        return 0;
    }

    private static void user(Map<String, String> users, String v, String where) {
        int colon = v.indexOf(':');
        if (colon <= 0 || colon == v.length() - 1)
            throw new IllegalArgumentException(where + ": NAME:PASSWORD expected (name and password not empty)");
        String name = v.substring(0, colon);
        if (users.put(name, v.substring(colon + 1)) != null)
            throw new IllegalArgumentException(where + ": user '" + name + "' given twice");
    }

    private static InetSocketAddress listenAddress(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("--listen: IP:PORT expected, got '" + s + "'");
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen: bad port in '" + s + "'");
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--listen: port out of range in '" + s + "'");
        return new InetSocketAddress(literal(host, "--listen"), port);
    }

    private static InetAddress literal(String s, String option) {
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": not a numeric IP address: '" + s + "'");
        }
    }
}
