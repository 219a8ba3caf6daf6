package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jwg.dataplane.UapiSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status request rides the UAPI socket without disturbing wg's protocol. */
class StatusProtocolTest {
    static final StatusProtocol.Examiner NO_DOCTOR = (input, json) -> fail("the doctor must not be asked");

    @Test
    void uapiRequestsPassThroughUntouched() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        UapiSocket.Handler uapi = (in, out) -> {
            StringBuilder b = new StringBuilder();
            for (String l; (l = in.readLine()) != null; ) b.append(l).append('\n');
            seen.set(b.toString());
        };
        StringWriter w = new StringWriter();
        StatusProtocol.handler(uapi, null, NO_DOCTOR)
                .serve(new BufferedReader(new StringReader("get=1\n\n")), new BufferedWriter(w));
        assertEquals("get=1\n\n", seen.get(), "wg's request reaches the UAPI handler whole");
    }

    @Test
    void statusWithoutIceSaysNotSupported() throws Exception {
        UapiSocket.Handler uapi = (in, out) -> fail("a status request must not reach the UAPI handler");
        StringWriter w = new StringWriter();
        BufferedWriter out = new BufferedWriter(w);
        StatusProtocol.handler(uapi, null, NO_DOCTOR)
                .serve(new BufferedReader(new StringReader("jwg-status=json\n\n")), out);
        out.flush();
        assertEquals("errno=-95\n\n", w.toString());
    }

    @TempDir
    Path dir;

    /** The client against a daemon that reads the request and answers {@code reply}, then closes. */
    private String ask(String reply) throws Exception {
        Path sock = dir.resolve("s" + System.nanoTime() % 100000 + ".sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel ch = server.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(256);
                    String got = "";
                    while (!got.endsWith("\n\n") && ch.read(b) > 0)
                        got = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
                    ch.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
                    return got;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try {
                return StatusProtocol.request(sock, "json");
            } finally {
                assertEquals("jwg-status=json\n\n", request.get(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void theClientReadsABodyOrNoIce() throws Exception {
        assertEquals("{\"ready\":true}\n", ask("{\"ready\":true}\nerrno=0\n\n"));
        assertNull(ask("errno=-95\n\n"), "jwg without ICE");
        assertNull(ask(""), "wireguard-go closes the connection on an operation it does not know: no ICE either");
        IOException cut = assertThrows(IOException.class, () -> ask("{\"ready\":"));
        assertTrue(cut.getMessage().contains("mid-reply"), cut.getMessage());
    }
}
