package jwg.tun.rootless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;

/**
 * The rootless path for real, as an unprivileged user: the root test process starts
 * {@link RootlessSmoke} under {@code setpriv} as user {@code jwg-rootless} (created by
 * .ci/rootless-user.sh) or else {@code nobody}. The TUN is created in a user namespace, its fd
 * arrives in the parent, the parent configures it over the passed netlink socket, and pings
 * from inside the namespace get the parent's echo replies.
 */
class RootlessTunIT {
    @Test
    void unprivilegedUserGetsATunThroughAUserNamespace() throws Exception {
        Requires.root();
        Requires.tool("setpriv");
        Requires.tool("unshare");
        Requires.tool("nsenter");
        Requires.tool("ping");
        String name = Netns.uniqueName("jr");
        Path cp = readableClasspath();
        try {
            Netns.Result r = runAsUser(cp, name, null);
            String out = r.output();
            System.out.println(out);
            assertEquals(0, r.exitCode(), out);
            assertTrue(
                    out.contains("EPERM: create TUN interface " + name
                            + ": Operation not permitted (creating a TUN interface needs CAP_NET_ADMIN"),
                    out);
            assertTrue(out.contains("DUP: add address 192.0.2.1/24 to " + name + ": File exists"), out);
            assertTrue(out.contains("CLEAN true"), out);
            assertTrue(out.contains("FD-ARRIVED: " + name), out);
            assertTrue(out.contains("PING 192.0.2.2: 2 packets transmitted, 2 received"), out);
            assertTrue(out.contains("PING 198.51.100.7: 2 packets transmitted, 2 received"), out);
            assertTrue(out.contains("PING fd00:2::2: 2 packets transmitted, 2 received"), out);
            assertTrue(out.contains("inet 192.0.2.1/24"), out);
            assertTrue(out.contains("READER-ENDED true -1"), out);
            assertTrue(out.contains("ROOTLESS OK"), out);
            assertFalse(Netns.tryRun("ip", "link", "show", name).ok(), "the TUN lived only in the private namespace");
            assertFalse(
                    Netns.tryRun("pgrep", "-f", "RootlessChild .* " + name + " ")
                            .ok(),
                    "the helper has exited");
        } finally {
            deleteTree(cp);
        }
    }

    @Test
    void aHostWithoutUnprivilegedUserNamespacesGetsAClearError() throws Exception {
        Requires.root();
        Requires.tool("setpriv");
        // Stand in for a host that forbids user namespaces: an unshare that fails as the real one does there.
        Path cp = readableClasspath();
        Path bin = cp.resolve("fakebin");
        Files.createDirectories(bin);
        Path fake = bin.resolve("unshare");
        Files.writeString(fake, "#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n");
        fake.toFile().setExecutable(true, false);
        try {
            Netns.Result r = runAsUser(cp, Netns.uniqueName("jr"), bin);
            assertEquals(0, r.exitCode(), r.output());
            System.out.println(r.output());
            assertTrue(
                    r.output()
                            .contains(
                                    "DENIED: rootless mode: cannot create a user namespace (unshare: unshare failed: Operation not permitted)."
                                            + " This host does not allow unprivileged user namespaces"),
                    r.output());
        } finally {
            deleteTree(cp);
        }
    }

    private static Netns.Result runAsUser(Path cp, String name, Path fakeBin) throws IOException, InterruptedException {
        String user = Netns.tryRun("id", "-u", "jwg-rootless").ok() ? "jwg-rootless" : "nobody";
        String uid = Netns.run("id", "-u", user).output().strip();
        String gid = Netns.run("id", "-g", user).output().strip();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                "setpriv",
                "--reuid=" + uid,
                "--regid=" + gid,
                "--clear-groups",
                "--",
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classpathOf(cp),
                RootlessSmoke.class.getName(),
                name));
        if (fakeBin != null) cmd.add("denied");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(new File("/tmp"));
        pb.environment().put("HOME", "/tmp");
        pb.environment().remove("XDG_RUNTIME_DIR");
        String path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
        pb.environment().put("PATH", fakeBin == null ? path : fakeBin + ":" + path);
        Path log = Files.createTempFile("jwg-rootless-", ".log");
        try {
            Process p = pb.redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                return new Netns.Result(-1, "timed out after 120 s:\n" + Files.readString(log));
            }
            return new Netns.Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Copies this module's classes (and the jwg jars) where an unprivileged user can read them. */
    private static Path readableClasspath() throws IOException {
        Path dir = Files.createTempDirectory(
                Path.of("/tmp"),
                "jwg-cp-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(e);
            boolean ours = e.contains("/target/classes")
                    || e.contains("/target/test-classes")
                    || src.getFileName().toString().startsWith("jwg-");
            if (!ours || !Files.exists(src)) continue;
            Path dst = dir.resolve("cp" + i++ + (Files.isDirectory(src) ? "" : ".jar"));
            if (Files.isDirectory(src)) {
                try (var s = Files.walk(src)) {
                    for (Path f : (Iterable<Path>) s::iterator) {
                        Path t = dst.resolve(src.relativize(f).toString());
                        if (Files.isDirectory(f)) Files.createDirectories(t);
                        else Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
                        t.toFile().setReadable(true, false);
                        if (Files.isDirectory(t)) t.toFile().setExecutable(true, false);
                    }
                }
            } else {
                Files.copy(src, dst);
                dst.toFile().setReadable(true, false);
            }
        }
        return dir;
    }

    private static String classpathOf(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return String.join(
                    File.pathSeparator,
                    s.filter(p -> p.getFileName().toString().startsWith("cp"))
                            .map(Path::toString)
                            .sorted()
                            .toList());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
