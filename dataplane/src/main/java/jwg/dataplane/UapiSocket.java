package jwg.dataplane;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The UAPI socket: /var/run/wireguard/IFNAME.sock, where {@code wg} talks the cross-platform
 * userspace protocol. Each connection is served on its own virtual thread by a {@link Handler};
 * a connection may carry several get/set exchanges. The socket file is readable by its owner
 * only (as wireguard-go's umask 077), removed on close, and {@link #awaitRemoval} notices when
 * somebody else deletes it (the daemon then exits, as wireguard-go does).
 */
public final class UapiSocket implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UapiSocket.class.getName());
    public static final Path DEFAULT_DIRECTORY = Path.of("/var/run/wireguard");

    /** Serves one connection: reads requests from {@code in}, writes replies to {@code out}. */
    @FunctionalInterface
    public interface Handler {
        void serve(BufferedReader in, BufferedWriter out) throws IOException;
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Object ownFileKey;
    private volatile boolean closed;

    private UapiSocket(Path path, ServerSocketChannel server, Handler handler) {
        this.path = path;
        this.server = server;
        this.ownFileKey = fileKey();
        this.acceptor = Thread.ofPlatform()
                .daemon()
                .name("uapi-accept-" + path.getFileName())
                .start(() -> acceptLoop(handler));
    }

    /** The socket path for {@code ifname} in {@code directory}. */
    public static Path pathFor(Path directory, String ifname) {
        return directory.resolve(ifname + ".sock");
    }

    /**
     * Listens at {@code directory/IFNAME.sock}. Fails with a clear message if another live
     * process serves that name; a stale socket file (nobody answering) is replaced.
     */
    public static UapiSocket listen(Path directory, String ifname, Handler handler) throws IOException {
        Files.createDirectories(directory);
        Path path = pathFor(directory, ifname);
        if (Files.exists(path)) {
            if (answers(path))
                throw new IOException(
                        "UAPI socket " + path + " is in use: is another WireGuard process serving " + ifname + "?");
            Files.deleteIfExists(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            bindPrivately(server, path);
        } catch (IOException e) {
            server.close();
            throw new IOException("create UAPI socket " + path + ": " + e.getMessage(), e);
        }
        return new UapiSocket(path, server, handler);
    }

    /**
     * Binds {@code server} at {@code path} with mode 0600 and no moment where it is wider (as
     * under umask 077): the socket is bound inside a fresh 0700 directory next to {@code path},
     * where nobody else can reach it, made 0600 there, then linked into place (link(2), which,
     * unlike a rename, fails rather than replace a socket another process bound meanwhile).
     */
    static void bindPrivately(ServerSocketChannel server, Path path) throws IOException {
        Path staging = Files.createTempDirectory(
                path.getParent(),
                ".uapi-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temp = staging.resolve("s");
        try {
            server.bind(UnixDomainSocketAddress.of(temp));
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            Files.createLink(path, temp);
        } finally {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(staging);
        }
    }

    /** True if something accepts connections at {@code path}. */
    public static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return ch.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop(Handler handler) {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed) LOG.log(Level.WARNING, "UAPI accept failed: " + e.getMessage());
                return;
            }
            Thread.ofVirtual().name("uapi-conn").start(() -> serve(ch, handler));
        }
    }

    private static void serve(SocketChannel ch, Handler handler) {
        try (ch;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                BufferedWriter out = new BufferedWriter(
                        new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8))) {
            handler.serve(in, out);
            out.flush();
        } catch (IOException e) {
            LOG.log(Level.FINE, "UAPI connection ended: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "UAPI handler failed", e);
        }
    }

    /**
     * Blocks until the socket file disappears or is replaced by another file, or this socket is
     * closed, checking every {@code pollMillis}. Returns true if the file was removed by someone else.
     */
    public boolean awaitRemoval(long pollMillis) throws InterruptedException {
        while (!closed) {
            Thread.sleep(pollMillis);
            Object now = fileKey();
            if (now == null || !now.equals(ownFileKey)) return !closed;
        }
        return false;
    }

    private Object fileKey() {
        try {
            return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class)
                    .fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Object now = fileKey(); // remove the file only if it is still ours, not a successor's
            if (now != null && now.equals(ownFileKey)) Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warning("could not remove " + path + ": " + e.getMessage());
        }
        acceptor.interrupt();
    }
}
