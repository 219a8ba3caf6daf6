package jwg.sys;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A per-user directory in a place others can write to (such as {@code /tmp/jwg-UID}): created
 * 0700, and before every use checked without following links to be a directory (not a symlink),
 * owned by us and mode 0700 — else refused, so another user cannot plant it or a symlink in its
 * place. Files in it are opened with {@code O_NOFOLLOW}.
 */
public final class PrivateDir {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDir() {}

    /** Creates {@code dir} 0700 if it is missing (its parent must exist), then checks it. Returns {@code dir}. */
    public static Path ensure(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            // checked below
        }
        return check(dir, Fds.getuid());
    }

    /** Checks (lstat) that {@code dir} is a real directory owned by {@code uid} with mode 0700. */
    static Path check(Path dir, int uid) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) throw new IOException("refusing to use " + dir + ": it is a symbolic link (remove it)");
        if (!a.isDirectory()) throw new IOException("refusing to use " + dir + ": it is not a directory (remove it)");
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != uid)
            throw new IOException(
                    "refusing to use " + dir + ": it belongs to uid " + owner + ", not to us (uid " + uid + ")");
        if (!a.permissions().equals(OWNER_ONLY)) {
            throw new IOException("refusing to use " + dir + ": its mode is "
                    + PosixFilePermissions.toString(a.permissions()) + ", not rwx------ (0700)");
        }
        return dir;
    }

    /** Opens {@code file} with {@code O_NOFOLLOW} added: a symbolic link there fails instead of being followed. */
    public static SeekableByteChannel open(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> o = new HashSet<>(List.of(options));
        o.add(LinkOption.NOFOLLOW_LINKS);
        return Files.newByteChannel(
                file,
                o,
                PosixFilePermissions.asFileAttribute(
                        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    }

    /** Writes {@code text} (UTF-8) to {@code file}, created 0600 or truncated, never through a symbolic link. */
    public static void writeString(Path file, String text) throws IOException {
        try (SeekableByteChannel ch = open(
                file,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            while (b.hasRemaining()) ch.write(b);
        }
    }

    /** Reads at most {@code max} bytes of {@code file} as UTF-8, never through a symbolic link. */
    public static String readString(Path file, int max) throws IOException {
        try (SeekableByteChannel ch = open(file, java.nio.file.StandardOpenOption.READ)) {
            return new String(
                    java.nio.channels.Channels.newInputStream(ch).readNBytes(max),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
