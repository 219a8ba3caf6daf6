package jwg.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code jwg relay} (the repository's {@code bin/jwg}) as a lab's TURN server inside a network
 * namespace, in coturn's place ({@link LabOptions#jwgRelay}): one user, coturn's relay port range,
 * its counters printed every second and at stop.
 */
public final class JwgRelay implements AutoCloseable {
    private final Daemon daemon;

    private JwgRelay(Daemon daemon) {
        this.daemon = daemon;
    }

    /** Starts {@code jwg relay} on {@code ip:port} in {@code ns} and waits (at most 20 s) until it listens. */
    static JwgRelay start(Netns ns, Path dir, String ip, int port, String user, String password, String realm)
            throws IOException {
        Daemon d = Daemon.start(
                dir.resolve("jwg-relay.log"),
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        ns.name(),
                        Launcher.jwg().toString(),
                        "relay",
                        "--listen",
                        ip + ":" + port,
                        "--relay-ip",
                        ip,
                        "--ports",
                        Coturn.MIN_RELAY_PORT + "-" + Coturn.MAX_RELAY_PORT,
                        "--realm",
                        realm,
                        "--user",
                        user + ":" + password,
                        "--stats",
                        "1"));
        JwgRelay r = new JwgRelay(d);
        try {
            r.await("listening on udp", "jwg relay not listening within 20 s", 20);
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void await(String line, String failure, int seconds) throws IOException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!daemon.output().contains(line)) {
            if (!daemon.isAlive() && !daemon.output().contains(line))
                throw new IOException("jwg relay exited: " + daemon.output());
            if (System.nanoTime() > deadline) throw new IOException(failure + ": " + daemon.output());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    /** The output so far (the start line, the counters). */
    public String output() {
        return daemon.output();
    }

    public long pid() {
        return daemon.pid();
    }

    /**
     * Stops it with SIGTERM to the JVM alone (not the launcher and its output filter around it:
     * {@link Daemon#close} kills a launcher's children at once, and the filter would die before the
     * last line passed) and waits at most 10 s for that last line, the counters at stop; returns
     * its whole output.
     */
    public String stop() throws IOException {
        ProcessHandle.of(daemon.pid())
                .ifPresent(p -> p.descendants()
                        .filter(c -> c.info().command().orElse("").endsWith("/java"))
                        .forEach(ProcessHandle::destroy));
        try {
            await("jwg relay: stopping", "jwg relay did not print its counters within 10 s", 10);
        } catch (IOException e) {
            // exited without them: the output says what it did print
        }
        String out = daemon.output();
        close();
        return out;
    }

    @Override
    public void close() {
        daemon.close();
    }
}
