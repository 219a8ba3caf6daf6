package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jwg.cli.metrics.DeviceMetrics;
import jwg.cli.metrics.MetricsAddress;
import jwg.cli.metrics.MetricsEndpoint;
import jwg.dataplane.Device;
import jwg.dataplane.DeviceOptions;
import jwg.dataplane.UapiSocket;
import jwg.dataplane.config.UapiProtocol;
import jwg.ice.Connectivity;
import jwg.ice.IceBind;
import jwg.ice.StatusProtocol;
import jwg.ice.StunMux;
import jwg.tun.Tun;
import jwg.tun.TunConfig;

/**
 * {@code jwg [-f|--foreground] IFNAME}: the wireguard-go command line, so that
 * {@code WG_QUICK_USERSPACE_IMPLEMENTATION=jwg wg-quick up ...} works. Creates the TUN device
 * and the UAPI socket, then (unless -f) returns while a detached child keeps serving — a JVM
 * cannot fork, so the child is a fresh foreground JVM and the parent returns once the child's
 * socket answers, as wireguard-go returns after its daemon is ready. The device exits, removing
 * its socket, when the interface is deleted, when the socket file is removed, or on SIGTERM.
 */
final class Daemon {
    static final String CHILD_ENV = "JWG_DAEMON_CHILD";
    private static final long READY_TIMEOUT_MS = 30_000;

    private Daemon() {}

    static final String USAGE = """
            usage: jwg [-f|--foreground] INTERFACE-NAME
              runs interface INTERFACE-NAME as wireguard-go does, configured over its UAPI socket
              (for wg-quick: WG_QUICK_USERSPACE_IMPLEMENTATION=jwg); -f stays in the foreground
            """;

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        boolean foreground = false;
        String ifname = null;
        for (String a : args) {
            switch (a) {
                case "-f", "--foreground" -> foreground = true;
                default -> {
                    if (a.startsWith("-") || ifname != null)
                        return Command.usageError(err, USAGE, "jwg: unexpected argument '" + a + "'");
                    ifname = a;
                }
            }
        }
        if (ifname == null) return Command.usageError(err, USAGE, "jwg: which interface?");
        try {
            MetricsAddress.fromEnvironment(); // refused here, before anything is created
        } catch (IllegalArgumentException e) {
            err.println("jwg: " + e.getMessage());
            return 1;
        }
        if (foreground || System.getenv(CHILD_ENV) != null) return foreground(ifname, err);
        try {
            WgQuickIce.read(ifname, err); // a bad file is refused here, before a child starts
        } catch (IOException | jwg.dataplane.config.ConfigException | IllegalArgumentException e) {
            err.println("jwg: " + e.getMessage());
            return 1;
        }
        return spawn(ifname, List.of("-f", ifname), null, err);
    }

    /** Creates the interface and serves it until it is deleted, its socket removed, or SIGTERM. */
    static int foreground(String ifname, PrintStream err) throws Exception {
        WgQuickIce.Found ice; // the .conf's '#!' keys, which wg-quick strips (JWG_CONFIG)
        try {
            ice = WgQuickIce.read(ifname, err);
        } catch (IOException | jwg.dataplane.config.ConfigException | IllegalArgumentException e) {
            err.println("jwg: " + e.getMessage());
            return 1;
        }
        Warmup.beforeStart();
        Path dir = uapiDirectory();
        Tun tun;
        try {
            tun = LinuxIo.create(ifname, TunConfig.DEFAULT_MTU);
        } catch (IOException | RuntimeException e) {
            err.println("jwg: failed to create TUN device " + ifname + ": " + e.getMessage());
            return 1;
        }
        DeviceOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            err.println("jwg: " + e.getMessage());
            tun.close();
            return 1;
        }
        StunMux mux = ice == null ? null : new StunMux();
        Device device =
                Device.start(options, tun, ice == null ? LinuxIo::bind : () -> new IceBind(LinuxIo.bind(), mux));
        Connectivity connectivity = ice == null
                ? null
                : Connectivity.start(
                        device,
                        mux,
                        ice.conf().device().privateKey(),
                        ice.ice().forInterface(ifname),
                        jwg.ice.doctor.Doctor::natMapping);
        if (ice != null) err.println("jwg: ICE for " + ifname + " from the '#!' keys of " + ice.file());
        MetricsEndpoint metrics;
        try {
            metrics = metrics(MetricsAddress.fromEnvironment(), device, connectivity, err);
        } catch (IOException e) {
            err.println("jwg: " + e.getMessage());
            if (connectivity != null) connectivity.close();
            device.close();
            return 1;
        }
        UapiSocket uapi;
        try {
            // without ICE, jwg status gets EOPNOTSUPP and shows the WireGuard view
            uapi = UapiSocket.listen(
                    dir,
                    ifname,
                    StatusProtocol.handler(
                            (in, out) -> new UapiProtocol(device).serve(in, out),
                            connectivity,
                            jwg.ice.doctor.Doctor::report));
        } catch (IOException e) {
            err.println("jwg: failed to listen on UAPI socket: " + e.getMessage());
            if (metrics != null) metrics.close();
            if (connectivity != null) connectivity.close();
            device.close();
            return 1;
        }
        return serve(
                ifname,
                device,
                uapi,
                () -> {
                    uapi.close();
                    if (metrics != null) metrics.close();
                    if (connectivity != null) connectivity.close();
                    device.close();
                },
                err);
    }

    /** The metrics endpoint on {@code address} (null: none, and null is returned). */
    static MetricsEndpoint metrics(
            java.net.InetSocketAddress address, Device device, jwg.ice.Connectivity connectivity, PrintStream err)
            throws IOException {
        if (address == null) return null;
        DeviceMetrics m = new DeviceMetrics(device, connectivity);
        try {
            MetricsEndpoint e = MetricsEndpoint.start(address, m::scrape);
            err.println("jwg: metrics for " + device.name() + " at http://" + MetricsAddress.text(e.address())
                    + MetricsEndpoint.PATH);
            return e;
        } catch (IOException e) {
            throw new IOException("metrics endpoint " + MetricsAddress.text(address) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Serves a running device until it closes (interface deleted), its socket file is removed,
     * or SIGTERM; {@code shutdown} closes the device and must bear being called more than once.
     */
    static int serve(String ifname, Device device, UapiSocket uapi, Runnable shutdown, PrintStream err)
            throws InterruptedException {
        Thread hook = new Thread(shutdown, "jwg-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Thread watcher = Thread.ofPlatform().daemon().name("jwg-uapi-watch").start(() -> {
            try {
                if (uapi.awaitRemoval(200))
                    shutdown.run(); // socket file deleted: exit, as wireguard-go (jwg up: PreDown first)
            } catch (InterruptedException ignored) {
                // shutting down
            }
        });
        err.println("jwg: interface " + ifname + " is up, UAPI at " + uapi.path());
        device.awaitClosed();
        watcher.interrupt();
        shutdown.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        err.println("jwg: interface " + ifname + " shut down");
        return 0;
    }

    /** The command line that runs this jwg again (same JVM, flags and class path): append the arguments. */
    static List<String> selfCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        return cmd;
    }

    /** True if the interface is visible here, or a rootless helper for it is still alive. */
    static boolean interfaceExists(String name) {
        if (Files.exists(Path.of("/sys/class/net", name))) return true;
        try {
            Path pid = jwg.tun.rootless.RootlessTun.pidFile(name);
            if (!Files.isRegularFile(pid)) return false;
            return ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()))
                    .map(ProcessHandle::isAlive)
                    .orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /**
     * Device options from the environment: JWG_WORKERS = crypto worker threads (0 = inline, the
     * default); JWG_HANDSHAKE_WORKERS = handshake worker threads (default one per CPU, at most 8;
     * 0 = the conductor does every handshake's Diffie-Hellman itself).
     */
    static DeviceOptions options() {
        DeviceOptions o = DeviceOptions.defaults();
        String w = System.getenv("JWG_WORKERS");
        if (w != null && !w.isBlank()) o = o.withWorkers(number("JWG_WORKERS", w));
        String h = System.getenv("JWG_HANDSHAKE_WORKERS");
        if (h != null && !h.isBlank()) o = o.withHandshakeWorkers(number("JWG_HANDSHAKE_WORKERS", h));
        return o;
    }

    private static int number(String variable, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a number, got '" + value + "'");
        }
    }

    /**
     * Where UAPI sockets live: $JWG_UAPI_DIR if set; /var/run/wireguard for root (where wg
     * looks); otherwise a per-user directory ($XDG_RUNTIME_DIR/jwg, else /tmp/jwg-UID), so the
     * rootless mode works without privileges (wg cannot see it there; jwg show can).
     */
    static Path uapiDirectory() {
        String d = System.getenv("JWG_UAPI_DIR");
        if (d != null && !d.isEmpty()) return Path.of(d);
        if ("root".equals(System.getProperty("user.name"))) return UapiSocket.DEFAULT_DIRECTORY;
        return jwg.tun.rootless.RootlessTun.pidFile("x").getParent();
    }

    /**
     * Starts a detached child {@code jwg CHILD-ARGS} (a foreground mode) and returns once the
     * UAPI socket of {@code ifname} answers and, if {@code readyMarker} is not null, that file
     * exists (jwg up: PostUp has run); if the child dies first, prints the end of its log.
     */
    static int spawn(String ifname, List<String> childArgs, Path readyMarker, PrintStream err) throws Exception {
        Path log = SafeFiles.daemonLog(ifname); // $TMPDIR/jwg-UID/IFNAME.log, in a checked 0700 directory
        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) cmd.add(setsid.toString());
        cmd.addAll(selfCommand());
        cmd.addAll(childArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())); // keep a restarted daemon's history
        pb.environment().put(CHILD_ENV, "1");
        Process child = pb.start();
        Path sock = UapiSocket.pathFor(uapiDirectory(), ifname);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                err.println("jwg: the daemon for " + ifname + " exited (status " + child.exitValue() + "):");
                err.print(tail(log));
                return 1;
            }
            if (Files.exists(sock) && UapiSocket.answers(sock) && (readyMarker == null || Files.exists(readyMarker)))
                return 0;
            Thread.sleep(25);
        }
        err.println("jwg: the daemon for " + ifname + " did not come up within " + READY_TIMEOUT_MS / 1000 + " s; see "
                + log);
        child.destroy();
        return 1;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
        } catch (IOException e) {
            return "(no log at " + log + ")\n";
        }
    }

    /** The interfaces with a UAPI socket in {@code dir} (jwg and wireguard-go alike), sorted. */
    static List<String> interfaceNames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".sock"))
                    .map(n -> n.substring(0, n.length() - 5))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
