package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import jwg.sys.Fds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 5: the daemon log never follows a symlink planted in a world-writable directory. */
class SafeFilesTest {
    @TempDir
    Path tmp;

    @Test
    void theLogLivesInAPrivateDirectory() throws Exception {
        Path log = SafeFiles.daemonLog(tmp, "wg0");
        assertEquals(tmp.resolve("jwg-" + Fds.getuid()).resolve("wg0.log"), log);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        Files.writeString(log, "before\n");
        assertEquals(log, SafeFiles.daemonLog(tmp, "wg0"));
        assertEquals("before\n", Files.readString(log), "reopened, not truncated");
    }

    @Test
    void refusesPlantedLinks() throws Exception {
        Path victim = Files.writeString(tmp.resolve("shadow"), "secret");
        Path dir = tmp.resolve("jwg-" + Fds.getuid());
        Files.createSymbolicLink(dir, tmp); // the directory itself
        assertTrue(assertThrows(IOException.class, () -> SafeFiles.daemonLog(tmp, "wg0"))
                .getMessage()
                .contains("symbolic link"));
        Files.delete(dir);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(dir.resolve("wg0.log"), victim); // the log file
        assertThrows(IOException.class, () -> SafeFiles.daemonLog(tmp, "wg0"));
        assertEquals("secret", Files.readString(victim));
        assertThrows(IllegalArgumentException.class, () -> SafeFiles.daemonLog(tmp, "../x"));
    }
}
