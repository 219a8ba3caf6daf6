package jwg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jwg.sys.Fds;
import jwg.sys.PrivateDir;

/**
 * Files jwg writes in world-writable places. The daemon's log used to be {@code /tmp/jwg-IFNAME.log}:
 * as root, a symlink planted there by another user would have made jwg append to any file. It now
 * lives in the per-user directory {@code TMPDIR/jwg-UID} (created 0700, checked without following
 * links: {@link PrivateDir}), and is created or reopened with {@code O_NOFOLLOW}.
 */
final class SafeFiles {
    private SafeFiles() {}

    /** The daemon log of {@code ifname}, ready to append to (e.g. with {@code ProcessBuilder.Redirect.appendTo}). */
    static Path daemonLog(String ifname) throws IOException {
        return daemonLog(Path.of(System.getProperty("java.io.tmpdir")), ifname);
    }

    static Path daemonLog(Path base, String ifname) throws IOException {
        jwg.tun.InterfaceName.check(ifname);
        Path dir = PrivateDir.ensure(base.resolve("jwg-" + Fds.getuid()));
        Path log = dir.resolve(ifname + ".log");
        try (var ignored =
                PrivateDir.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            // created (0600) or reopened without following a link
        } catch (IOException e) {
            throw new IOException("refusing to log to " + log + ": " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS))
            throw new IOException("refusing to log to " + log + ": not a regular file");
        return log;
    }
}
