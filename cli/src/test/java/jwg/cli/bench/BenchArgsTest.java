package jwg.cli.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchArgsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheShellHarnesssAndThreePairs() throws Exception {
        Bench.Request r = Bench.parse(new String[0]);
        assertEquals(Settings.DEFAULTS, r.settings());
        assertEquals(List.of("wireguard-go:wireguard-go", "jwg:jwg", "jwg:wireguard-go"), r.pairs());
        assertNull(r.json());
        assertNull(r.svg());
    }

    @Test
    void optionsAndPairs() throws Exception {
        Bench.Request r = Bench.parse(new String[] {
            "-t",
            "2",
            "-r",
            "3",
            "-p",
            "7",
            "-w",
            "0",
            "-f",
            "0",
            "--json",
            "a.json",
            "--svg",
            "b.svg",
            "jwg:modern",
            "x=/opt/wg:jwg"
        });
        assertEquals(new Settings(2, 7, 0, 0, 3), r.settings());
        assertEquals(List.of("jwg:modern", "x=/opt/wg:jwg"), r.pairs());
        assertEquals(Path.of("a.json"), r.json());
        assertEquals(Path.of("b.svg"), r.svg());
    }

    @Test
    void badCommandLinesNameTheArgument() {
        assertUsage("-t", "-t needs a value");
        assertUsage("-t 0", "-t must be a whole number from 1");
        assertUsage("-r x", "got 'x'");
        assertUsage("-w -1", "-w must be");
        assertUsage("--bogus", "unknown option --bogus");
        assertUsage("jwg", "SENDER:RECEIVER, got 'jwg'");
        assertUsage("jwg:", "got 'jwg:'");
        assertUsage("a:b:c", "got 'a:b:c'");
    }

    private static void assertUsage(String args, String message) {
        Bench.UsageError e = assertThrows(Bench.UsageError.class, () -> Bench.parse(args.split(" ")));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void implementations() throws Exception {
        Implementation.Self self = new Implementation.Self(Path.of("/tmp/x/jwg"), "jwg 1 (jwg.jar)");
        Path wg = dir.resolve("wireguard-go");
        Files.writeString(wg, "#!/bin/sh\n");
        Files.setPosixFilePermissions(wg, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> path = List.of("/nonexistent", dir.toString());

        Implementation j = Implementation.parse("jwg", self, path);
        assertEquals("/tmp/x/jwg", j.executable());
        assertEquals("jwg 1 (jwg.jar)", j.shown());
        assertEquals("0", j.env().get("JWG_WORKERS"));
        assertEquals("on", j.env().get("JWG_OFFLOAD"));
        assertEquals("4", Implementation.parse("jwg-w4", self, path).env().get("JWG_WORKERS"));
        assertEquals("off", Implementation.parse("jwg-nooff", self, path).env().get("JWG_OFFLOAD"));
        assertEquals(
                wg.toString(), Implementation.parse("wireguard-go", self, path).executable());
        Implementation labelled = Implementation.parse("mine=" + wg, self, path);
        assertEquals("mine", labelled.label());
        assertEquals(wg.toString(), labelled.executable());

        var unknown = assertThrows(Implementation.Unknown.class, () -> Implementation.parse("boringtun", self, path));
        assertTrue(unknown.usage, "a spelling the bench does not know is a usage error");
        var missing = assertThrows(
                Implementation.Unknown.class,
                () -> Implementation.parse(dir.resolve("nope").toString(), self, path));
        assertFalse(missing.usage, "a missing binary is not");
        assertTrue(missing.getMessage().contains("not an executable"), missing.getMessage());
        var notInstalled = assertThrows(
                Implementation.Unknown.class,
                () -> Implementation.parse("wireguard-go", self, List.of("/nonexistent")));
        assertTrue(notInstalled.getMessage().contains("not installed"), notInstalled.getMessage());
    }

    @Test
    void theLauncherScriptQuotesEveryWord() throws Exception {
        Path f = Bench.launcher(dir, List.of("/usr/bin/java", "-Dx=it's", "-cp", "/a b/jwg.jar", "jwg.cli.Main"));
        assertEquals(
                "#!/bin/sh\nexec '/usr/bin/java' '-Dx=it'\\''s' '-cp' '/a b/jwg.jar' 'jwg.cli.Main' \"$@\"\n",
                Files.readString(f));
        assertTrue(Files.isExecutable(f));
        assertEquals("jwg 9 (/a b/jwg.jar)", Bench.shown(List.of("java", "-cp", "/a b/jwg.jar", "jwg.cli.Main"), "9"));
    }
}
