package jwg.tun.rootless;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jwg.sys.Errno;
import jwg.sys.ErrnoException;
import jwg.sys.FdPassing;
import jwg.sys.Fds;
import jwg.sys.Layouts;
import jwg.sys.Linux;
import jwg.sys.SockAddrs;
import jwg.sys.Sockets;
import jwg.tun.InterfaceName;
import jwg.tun.LinuxTun;
import jwg.tun.TunConfig;
import jwg.tun.TunOptions;
import jwg.tun.netlink.Rtnetlink;

/**
 * Rootless mode: a TUN interface for a user without root. A helper process ({@link RootlessChild})
 * is started inside a new user + network namespace with {@code unshare --user --map-root-user
 * --net}; it creates the TUN there and passes the descriptor (and a netlink socket of that
 * namespace) back over a Unix socket with SCM_RIGHTS. This JVM keeps its UDP sockets in the
 * original namespace, so the tunnel reaches the outside world while the interface lives in the
 * private namespace. Programs use the tunnel when started in that namespace: {@link #exec} or
 * {@link #execCommand} ({@code nsenter --target PID --user --net --preserve-credentials}).
 *
 * <p>The host must allow unprivileged user namespaces; see docs/tun.md.
 */
public final class RootlessTun implements AutoCloseable {
    private final LinuxTun tun;
    private final Process helper;
    private final int connection;
    private final Path workDir;
    private final Path pidFile;

    private RootlessTun(LinuxTun tun, Process helper, int connection, Path workDir, Path pidFile) {
        this.tun = tun;
        this.helper = helper;
        this.connection = connection;
        this.workDir = workDir;
        this.pidFile = pidFile;
    }

    /** Starts the helper and returns once the TUN descriptor has arrived (the interface is down, unaddressed). */
    public static RootlessTun start(String name) throws IOException {
        return start(name, TunOptions.DEFAULT);
    }

    public static RootlessTun start(String name, TunOptions options) throws IOException {
        InterfaceName.check(name);
        Path unshare = findTool("unshare");
        if (unshare == null) throw new IOException("rootless mode needs the 'unshare' command (package util-linux)");
        Path dir = Files.createTempDirectory(
                "jwg-rootless-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        String socketPath = dir.resolve("s").toString();
        int listener = -1, conn = -1;
        Process p = null;
        Path err = dir.resolve("helper.err");
        try {
            listener = listen(socketPath);
            List<String> cmd = new ArrayList<>(List.of(
                    unshare.toString(),
                    "--user",
                    "--map-root-user",
                    "--net",
                    "--",
                    javaBinary(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-Xmx24m",
                    "-Xss512k",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    RootlessChild.class.getName(),
                    socketPath,
                    name,
                    options.vnetHeader() ? "1" : "0",
                    options.multiQueue() ? "1" : "0"));
            p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(err.toFile())
                    .start();
            p.getOutputStream().close();
            conn = accept(listener, p, err);
            FdPassing.Received r = FdPassing.receive(conn, 4096, 4);
            String text = new String(r.data(), StandardCharsets.UTF_8);
            if (!text.startsWith("OK ") || r.fds().length != 2) {
                for (int fd : r.fds()) Fds.close(fd);
                throw new IOException("rootless helper: "
                        + (text.startsWith("ERR ")
                                ? text.substring(4)
                                : "no TUN descriptor received " + helperOutput(p, err)));
            }
            LinuxTun tun;
            try {
                tun = LinuxTun.adopt(r.fds()[0], Rtnetlink.adopt(r.fds()[1]));
            } catch (IOException | RuntimeException e) {
                Fds.close(r.fds()[0]);
                Fds.close(r.fds()[1]);
                throw e;
            }
            Path pidFile = pidFile(tun.name());
            jwg.sys.PrivateDir.ensure(pidFile.getParent());
            jwg.sys.PrivateDir.writeString(pidFile, p.pid() + "\n");
            return new RootlessTun(tun, p, conn, dir, pidFile);
        } catch (IOException | RuntimeException e) {
            if (conn >= 0) Fds.close(conn);
            if (p != null) {
                p.destroy();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            deleteTree(dir);
            throw e;
        } finally {
            if (listener >= 0) Fds.close(listener);
        }
    }

    /**
     * Starts the helper and configures the interface as {@code config} says (MTU, addresses,
     * routes, up) through the namespace's netlink socket; on failure nothing is left running.
     */
    public static RootlessTun open(TunConfig config) throws IOException {
        RootlessTun rt = start(config.name(), config.options());
        try {
            rt.tun().configure(config);
            return rt;
        } catch (IOException | RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    /** The TUN device, already in this JVM; its netlink socket configures the private namespace. */
    public LinuxTun tun() {
        return tun;
    }

    /** The pid of the helper holding the namespace (for nsenter --target). */
    public long pid() {
        return helper.pid();
    }

    /** The command line that runs {@code command} inside the namespace. */
    public List<String> execCommand(List<String> command) {
        return nsenter(pid(), command);
    }

    /**
     * Starts {@code command} inside the tunnel's namespace, inheriting this process's standard
     * streams (what {@code jwg exec IFACE -- command} does).
     */
    public Process exec(String... command) throws IOException {
        return new ProcessBuilder(execCommand(List.of(command))).inheritIO().start();
    }

    /**
     * For {@code jwg exec IFACE -- command} from another process: the nsenter command line for the
     * rootless interface {@code name} started by this user, found through its pid file.
     */
    public static List<String> execCommand(String name, List<String> command) throws IOException {
        Path f = pidFile(name);
        jwg.sys.PrivateDir.ensure(f.getParent());
        if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("no rootless interface " + name + " of this user is running (" + f + " not found)");
        }
        long pid = Long.parseLong(jwg.sys.PrivateDir.readString(f, 32).strip());
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return nsenter(pid, command);
        throw new IOException(
                "the rootless interface " + name + " is gone (its helper process " + pid + " has exited)");
    }

    private static List<String> nsenter(long pid, List<String> command) {
        List<String> c = new ArrayList<>(
                List.of("nsenter", "--target", Long.toString(pid), "--user", "--net", "--preserve-credentials", "--"));
        c.addAll(command);
        return c;
    }

    /** Where the helper's pid is kept: $XDG_RUNTIME_DIR/jwg/NAME.pid, else /tmp/jwg-UID/NAME.pid. */
    public static Path pidFile(String name) {
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        Path base = xdg != null && !xdg.isEmpty()
                ? Path.of(xdg, "jwg")
                : Path.of(System.getProperty("java.io.tmpdir"), "jwg-" + Fds.getuid());
        return base.resolve(name + ".pid");
    }

    /** Closes the TUN and lets the helper (and with it the namespace) end. */
    @Override
    public void close() {
        tun.close();
        Fds.close(connection);
        try {
            if (!helper.waitFor(5, TimeUnit.SECONDS)) helper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // best effort
        }
        deleteTree(workDir);
    }

    // ---- helpers ----

    private static int listen(String path) throws ErrnoException {
        int s = Sockets.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SockAddrs.MAX_SIZE);
            Sockets.bind(s, addr, SockAddrs.writeUnix(addr, path), path);
            Sockets.listen(s, 1);
            return s;
        } catch (ErrnoException e) {
            Fds.close(s);
            throw e;
        }
    }

    /** Waits for the helper to connect, failing early with its output if it exits first. */
    private static int accept(int listener, Process p, Path err) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pfd = a.allocate(Layouts.POLLFD);
            pfd.set(JAVA_INT, Layouts.POLLFD_FD, listener);
            pfd.set(JAVA_SHORT, Layouts.POLLFD_EVENTS, Linux.POLLIN);
            while (System.nanoTime() < deadline) {
                int r = Fds.tryPoll(pfd, 1, 200);
                if (r > 0) {
                    int c = Sockets.tryAccept(listener, Linux.SOCK_CLOEXEC);
                    if (c >= 0) return c;
                    if (c != -Errno.EINTR && c != -Errno.EAGAIN)
                        throw new ErrnoException("accept the rootless helper", -c);
                } else if (r < 0 && r != -Errno.EINTR) {
                    throw new ErrnoException("poll", -r);
                }
                if (!p.isAlive()) throw new IOException(describeFailure(helperOutput(p, err)));
            }
        }
        throw new IOException("the rootless helper did not connect within 30 s " + helperOutput(p, err));
    }

    private static String helperOutput(Process p, Path err) {
        try {
            p.waitFor(1, TimeUnit.SECONDS);
            return Files.readString(err).strip();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Turns the helper's output into a message a user can act on. */
    static String describeFailure(String output) {
        String o = output == null ? "" : output.strip();
        if (o.contains("unshare failed")
                || o.contains("write failed /proc/self/uid_map")
                || o.contains("cannot open /proc/self/uid_map")
                || o.contains("setgroups")) {
            return "rootless mode: cannot create a user namespace (" + firstLine(o) + "). This host does not allow"
                    + " unprivileged user namespaces: an administrator must enable them (sysctl kernel.unprivileged_userns_clone=1"
                    + " on Debian/Ubuntu kernels, user.max_user_namespaces > 0, and on Ubuntu 23.10+"
                    + " kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for java); see docs/tun.md";
        }
        return "rootless helper failed: " + (o.isEmpty() ? "(no output)" : o);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path findTool(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin:/usr/sbin:/sbin";
        for (String d : path.split(":")) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
