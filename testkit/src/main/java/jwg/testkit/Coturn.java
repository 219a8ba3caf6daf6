package jwg.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A coturn STUN/TURN server ({@code turnserver}, Debian package coturn) running inside a
 * network namespace: UDP and TCP on {@code primary:port}, long-term credentials for one user,
 * no TLS/DTLS, no CLI or web admin, its own user database, log and pid file in {@code dir}.
 * Given a second address {@code alternate} it answers RFC 5780 NAT behaviour discovery
 * (OTHER-ADDRESS, CHANGE-REQUEST over {@code alternate} and {@code port + 1}).
 */
public final class Coturn implements AutoCloseable {
    /** Relay ports coturn allocates from (inside its namespace). */
    public static final int MIN_RELAY_PORT = 49152, MAX_RELAY_PORT = 49999;

    private final Daemon daemon;
    private final Path logFile;
    private final List<String> command;

    private Coturn(Daemon daemon, Path logFile, List<String> command) {
        this.daemon = daemon;
        this.logFile = logFile;
        this.command = command;
    }

    /**
     * Starts turnserver in {@code ns} and waits (at most 10 s) until it listens on UDP
     * {@code primary:port} (and {@code alternate:port} if given). {@code allowedPeers} is an
     * address range {@code a-b} coturn must relay to even if it would deny it by default.
     */
    public static Coturn start(
            Netns ns,
            Path dir,
            String primary,
            String alternate,
            int port,
            String user,
            String password,
            String realm,
            String allowedPeers)
            throws IOException {
        Path log = dir.resolve("turnserver.log");
        List<String> cmd = new ArrayList<>(
                List.of("ip", "netns", "exec", ns.name(), "turnserver", "-n", "--listening-ip=" + primary));
        if (alternate != null) cmd.add("--listening-ip=" + alternate);
        cmd.addAll(List.of(
                "--listening-port=" + port,
                "--relay-ip=" + primary,
                "--min-port=" + MIN_RELAY_PORT,
                "--max-port=" + MAX_RELAY_PORT,
                "--lt-cred-mech",
                "--user=" + user + ":" + password,
                "--realm=" + realm,
                "--fingerprint",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--allowed-peer-ip=" + allowedPeers,
                "--userdb=" + dir.resolve("turndb"),
                "--pidfile=" + dir.resolve("turnserver.pid"),
                "--log-file=" + log,
                "--simple-log",
                "--no-stdout-log",
                "--verbose"));
        Daemon d = Daemon.start(dir.resolve("turnserver.stdout"), cmd);
        Coturn c = new Coturn(d, log, List.copyOf(cmd));
        try {
            c.awaitListening(ns, primary + ":" + port, alternate == null ? null : alternate + ":" + port);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void awaitListening(Netns ns, String a, String b) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String ss = "";
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive())
                throw new IOException(
                        "turnserver exited: " + String.join(" ", command) + "\n" + daemon.output() + "\n" + log());
            ss = ns.tryExec("ss", "-Hlun").output();
            if (ss.contains(a + " ") && (b == null || ss.contains(b + " "))) return;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException("turnserver not listening on " + a + " within 10 s: " + String.join(" ", command)
                + "\nss:\n" + ss + "\nlog:\n" + log());
    }

    /** The command line that started turnserver. */
    public List<String> command() {
        return command;
    }

    public Path logFile() {
        return logFile;
    }

    /** The log so far. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            return "";
        }
    }

    public long pid() {
        return daemon.pid();
    }

    public boolean isAlive() {
        return daemon.isAlive();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
