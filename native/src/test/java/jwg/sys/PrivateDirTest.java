package jwg.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 5: the /tmp/jwg-UID fallback directory is created 0700 and checked (lstat) before use. */
class PrivateDirTest {
    @TempDir
    Path tmp;

    @Test
    void createsItOwnerOnly() throws Exception {
        Path d = PrivateDir.ensure(tmp.resolve("jwg-1"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
        assertEquals(d, PrivateDir.ensure(d), "and accepts it again");
    }

    @Test
    void refusesASymlinkAWrongModeAFileOrAnotherOwner() throws Exception {
        Path target = Files.createDirectory(
                tmp.resolve("elsewhere"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(tmp.resolve("jwg-link"), target);
        assertTrue(assertThrows(IOException.class, () -> PrivateDir.ensure(link))
                .getMessage()
                .contains("symbolic link"));
        Path open = Files.createDirectory(tmp.resolve("jwg-open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(assertThrows(IOException.class, () -> PrivateDir.ensure(open))
                .getMessage()
                .contains("0700"));
        Path file = Files.writeString(tmp.resolve("jwg-file"), "x");
        assertTrue(assertThrows(IOException.class, () -> PrivateDir.ensure(file))
                .getMessage()
                .contains("not a directory"));
        Path mine = PrivateDir.ensure(tmp.resolve("jwg-mine"));
        int other = Fds.getuid() + 1;
        assertTrue(assertThrows(IOException.class, () -> PrivateDir.check(mine, other))
                .getMessage()
                .contains("belongs to uid"));
    }

    @Test
    void filesAreOpenedWithoutFollowingLinks() throws Exception {
        Path d = PrivateDir.ensure(tmp.resolve("jwg-2"));
        Path victim = Files.writeString(tmp.resolve("victim"), "keep");
        Path pid = Files.createSymbolicLink(d.resolve("wg0.pid"), victim);
        assertThrows(
                IOException.class,
                () -> PrivateDir.open(
                        pid,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING));
        assertEquals("keep", Files.readString(victim));
        Path real = d.resolve("wg1.pid");
        try (SeekableByteChannel ch = PrivateDir.open(real, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("42\n".getBytes(StandardCharsets.US_ASCII)));
        }
        assertEquals("42\n", Files.readString(real));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
    }

    @Test
    void pidFileHelpersRefuseLinks() throws Exception {
        Path d = PrivateDir.ensure(tmp.resolve("jwg-3"));
        PrivateDir.writeString(d.resolve("wg0.pid"), "123\n");
        assertEquals("123\n", PrivateDir.readString(d.resolve("wg0.pid"), 32));
        Path victim = Files.writeString(tmp.resolve("victim2"), "keep");
        Files.createSymbolicLink(d.resolve("wg1.pid"), victim);
        assertThrows(IOException.class, () -> PrivateDir.writeString(d.resolve("wg1.pid"), "1"));
        assertThrows(IOException.class, () -> PrivateDir.readString(d.resolve("wg1.pid"), 32));
        assertEquals("keep", Files.readString(victim));
    }
}
