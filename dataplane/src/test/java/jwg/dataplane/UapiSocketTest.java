package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UapiSocketTest {
    @TempDir
    Path dir;

    private static String exchange(Path sock, String request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            Channels.newOutputStream(ch).write(request.getBytes(StandardCharsets.UTF_8));
            ch.shutdownOutput();
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesRequestsAndRemovesItsFileOnClose() throws Exception {
        UapiSocket s = UapiSocket.listen(dir, "jwgt0", (in, out) -> {
            String line;
            while ((line = in.readLine()) != null) out.write("echo " + line + "\n");
        });
        Path p = s.path();
        assertEquals(dir.resolve("jwgt0.sock"), p);
        assertEquals(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(p));
        assertEquals("echo get=1\necho \n", exchange(p, "get=1\n\n"));
        s.close();
        assertFalse(Files.exists(p));
    }

    @Test
    void refusesANameAnotherLiveProcessServes() throws Exception {
        try (UapiSocket s = UapiSocket.listen(dir, "jwgt1", (in, out) -> {})) {
            var e = assertThrows(java.io.IOException.class, () -> UapiSocket.listen(dir, "jwgt1", (in, out) -> {}));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertTrue(Files.exists(s.path()), "the live socket is left alone");
        }
    }

    @Test
    void replacesAStaleSocketFile() throws Exception {
        Files.createFile(dir.resolve("jwgt2.sock"));
        try (UapiSocket s = UapiSocket.listen(dir, "jwgt2", (in, out) -> {
            in.readLine();
            out.write("ok\n");
        })) {
            assertEquals("ok\n", exchange(s.path(), "\n"));
        }
    }

    @Test
    void noticesWhenItsFileIsDeleted() throws Exception {
        try (UapiSocket s = UapiSocket.listen(dir, "jwgt3", (in, out) -> {})) {
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(50);
                    Files.delete(s.path());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertTrue(s.awaitRemoval(10));
            t.join();
        }
    }

    @Test
    void theSocketIsNeverWiderThanOwnerOnly() throws Exception {
        // Issue 12 item 5: bind-then-chmod left the socket at the umask's mode (e.g. 0755) for a moment.
        Path path = UapiSocket.pathFor(dir, "jwgt9");
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ConcurrentLinkedQueue<String> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                try {
                    String m = java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS));
                    if (!m.equals("rw-------")) seen.add(m);
                } catch (java.io.IOException absent) {
                    // not there yet, or already gone
                }
            }
        });
        try {
            for (int i = 0; i < 300; i++) {
                try (UapiSocket s = UapiSocket.listen(dir, "jwgt9", (in, out) -> {})) {
                    assertEquals(
                            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                            Files.getPosixFilePermissions(path));
                }
            }
        } finally {
            done.set(true);
            watcher.join();
        }
        assertTrue(seen.isEmpty(), "modes seen at " + path + ": " + seen);
        try (var entries = Files.list(dir)) {
            assertEquals(java.util.List.of(), entries.toList(), "no staging directory left behind");
        }
    }
}
