package jwg.dist;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jwg.testkit.Requires;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive {@code mvn package} made (target/jwg-VERSION-linux-x64.tar.gz), installed the way
 * the README says (extract, install.sh PREFIX) into a temporary prefix, then run from there with
 * no JDK in reach: {@code jwg version} on the bundled runtime, the runtime's modules, the units
 * pointing at the prefix, and {@code jwg demo} (a real rootless tunnel).
 */
class InstallIT {
    @TempDir
    static Path tmp;

    static Path prefix;

    @BeforeAll
    static void install() throws Exception {
        Path archive;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            archive = s.filter(p -> p.getFileName().toString().matches("jwg-.*-linux-x64\\.tar\\.gz"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no target/jwg-*-linux-x64.tar.gz: mvn package makes it"));
        }
        prefix = tmp.resolve("prefix with space");
        Result x = run(tmp, List.of("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", tmp.toString()));
        assertEquals(0, x.status, x.output);
        Path unpacked;
        try (Stream<Path> s = Files.list(tmp)) {
            unpacked = s.filter(p -> p.getFileName().toString().startsWith("jwg-"))
                    .findFirst()
                    .orElseThrow();
        }
        Result i = run(tmp, List.of(unpacked.resolve("install.sh").toString(), prefix.toString()));
        assertEquals(0, i.status, i.output);
        assertTrue(i.output.contains("jwg installed into " + prefix), i.output);
    }

    @Test
    void versionRunsOnTheBundledRuntime() throws Exception {
        Result v = run(tmp, List.of(prefix.resolve("bin/jwg").toString(), "version"));
        assertEquals(0, v.status, v.output);
        assertTrue(v.output.startsWith("jwg "), v.output);
        assertTrue(
                v.output.contains("java: 25")
                        && v.output.contains(
                                ", " + prefix.resolve("lib/jwg/runtime").toRealPath() + ")"),
                v.output);
        assertFalse(v.output.contains("WARNING"), "no JVM warnings on the way: " + v.output);
    }

    @Test
    void theRuntimeHoldsOnlyWhatJwgNeeds() throws Exception {
        Result m = run(tmp, List.of(prefix.resolve("lib/jwg/runtime/bin/java").toString(), "--list-modules"));
        assertEquals(0, m.status, m.output);
        Set<String> modules = m.output
                .lines()
                .map(l -> l.replaceAll("@.*", "").strip())
                .filter(l -> !l.isEmpty())
                .collect(Collectors.toSet());
        assertTrue(
                modules.containsAll(Set.of(
                        "java.base",
                        "jdk.incubator.vector",
                        "java.net.http",
                        "jdk.httpserver",
                        "jdk.jfr",
                        "java.logging")),
                modules.toString());
        assertFalse(
                modules.contains("jdk.compiler")
                        || modules.contains("java.scripting")
                        || modules.contains("jdk.jshell"),
                modules.toString());
        assertTrue(modules.size() < 30, "a JDK has about 70 modules, this image " + modules.size() + ": " + modules);
    }

    @Test
    void filesLandWhereTheSystemLooks() throws Exception {
        for (String f : List.of(
                "bin/jwg",
                "lib/jwg/jwg.jar",
                "lib/jwg/runtime/bin/java",
                "lib/jwg/runtime/lib/jspawnhelper",
                "share/man/man1/jwg.1",
                "share/bash-completion/completions/jwg",
                "lib/systemd/system/jwg@.service",
                "lib/systemd/system/jwg-signal.service")) {
            assertTrue(Files.isRegularFile(prefix.resolve(f)), f);
        }
        assertTrue(
                Files.isExecutable(prefix.resolve("lib/jwg/runtime/lib/jspawnhelper")),
                "jspawnhelper keeps its mode (ProcessBuilder needs it)");
        String unit = Files.readString(prefix.resolve("lib/systemd/system/jwg@.service"));
        assertTrue(unit.contains("ExecStart=" + prefix.resolve("bin/jwg") + " up -f /etc/wireguard/%i.conf"), unit);
        assertTrue(Files.readString(prefix.resolve("share/man/man1/jwg.1")).startsWith(".\\\""));
        assertTrue(
                Files.readString(prefix.resolve("share/bash-completion/completions/jwg"))
                        .contains("complete "),
                "the bash completion script (jwg completion bash)");
    }

    @Test
    void theUnitsVerify() throws Exception {
        Requires.tool("systemd-analyze");
        Path units = tmp.resolve("units");
        Files.createDirectories(units);
        // a unit's ExecStart path may not hold a space: verify copies that point at a plain path to the installed jwg
        Path link = tmp.resolve("jwg-bin");
        if (!Files.exists(link)) Files.createSymbolicLink(link, prefix.resolve("bin/jwg"));
        for (String u : List.of("jwg@.service", "jwg-signal.service")) {
            String text = Files.readString(prefix.resolve("lib/systemd/system").resolve(u))
                    .replace(prefix.resolve("bin/jwg").toString(), link.toString());
            Files.writeString(units.resolve(u.replace("@.", "@wg0.")), text);
        }
        Result r = run(
                units,
                List.of(
                        "systemd-analyze",
                        "verify",
                        "--man=no",
                        units.resolve("jwg@wg0.service").toString(),
                        units.resolve("jwg-signal.service").toString()));
        String problems = r.output.lines().filter(l -> l.contains("jwg")).collect(Collectors.joining("\n"));
        assertEquals("", problems, r.output);
    }

    @Test
    void theDemoRunsFromThePrefix() throws Exception {
        Requires.tool("unshare");
        Requires.tool("nsenter");
        Requires.tool("ping");
        Result d = run(tmp, List.of(prefix.resolve("bin/jwg").toString(), "demo"));
        assertEquals(0, d.status, d.output);
        assertTrue(d.output.contains("Pings went through both ways."), d.output);
        assertEquals(2, d.output.split(" is down", -1).length - 1, "both interfaces torn down:\n" + d.output);
    }

    record Result(int status, String output) {}

    /** Runs with no JDK in reach: no JAVA_HOME or JWG_JAVA, a PATH of system directories. */
    static Result run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        env.remove("JWG_JAVA");
        env.remove("JWG_JVM_OPTS");
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd + "\n" + out);
        }
        return new Result(p.exitValue(), out);
    }
}
