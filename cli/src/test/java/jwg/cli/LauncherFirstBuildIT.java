package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import jwg.testkit.Launcher;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: on a fresh clone bin/jwg builds the jar first, and Debian's Maven 3.8 writes colour
 * resets (ESC[0m) even with -B -q; they must not reach the terminal in front of the command's
 * first line. A copy of bin/jwg in a tree without the jar, with a stand-in {@code mvn} on PATH
 * that prints those escapes and puts the real jar (and the JVM flags file the build writes) in
 * place, runs {@code jwg version}.
 */
class LauncherFirstBuildIT {
    @TempDir
    Path dir;

    @Test
    void theFirstRunsBuildLeavesNoTerminalEscapes() throws Exception {
        Path real = Launcher.jwg();
        Path jar = real.getParent().getParent().resolve("cli/target/jwg.jar");
        Requires.that(Files.isRegularFile(jar), "needs " + jar + " (run after package)");
        Path flags = real.getParent().getParent().resolve("cli/target/launcher/jvm-flags");
        Path root = dir.resolve("clone");
        Files.createDirectories(root.resolve("bin"));
        Files.copy(real, root.resolve("bin/jwg"));
        Path fakeBin = Files.createDirectories(dir.resolve("path"));
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(
                mvn,
                "#!/bin/sh\nprintf '\\033[0m\\033[0m'\nmkdir -p cli/target/launcher && cp '" + jar
                        + "' cli/target/jwg.jar && cp '" + flags
                        + "' cli/target/launcher/jvm-flags\nprintf '\\033[0m'\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/jwg").toString(), "version").redirectErrorStream(true);
        pb.environment().put("PATH", fakeBin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), all);
        assertTrue(Files.isRegularFile(root.resolve("cli/target/jwg.jar")), "the stand-in build ran");
        assertFalse(all.contains("\u001b"), "no escape sequences: " + all.replace("\u001b", "<ESC>"));
        assertTrue(all.startsWith("jwg: building ") && all.contains("\njwg "), all);
    }

    @Test
    void aFailedBuildSaysSoWithItsExitStatus() throws Exception {
        Path real = Launcher.jwg();
        Path root = dir.resolve("broken");
        Files.createDirectories(root.resolve("bin"));
        Files.copy(real, root.resolve("bin/jwg"));
        Path fakeBin = Files.createDirectories(dir.resolve("path2"));
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\nprintf '\\033[0m[ERROR] compilation failed\\n'\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/jwg").toString(), "version").redirectErrorStream(true);
        pb.environment().put("PATH", fakeBin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), all);
        assertTrue(all.contains("[ERROR] compilation failed\n") && all.contains("jwg: build failed"), all);
        assertFalse(all.contains("\u001b"), all);
    }
}
