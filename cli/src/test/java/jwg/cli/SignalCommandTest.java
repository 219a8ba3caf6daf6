package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SignalCommandTest {
    @Test
    void servesOnTheAddressItPrintsUntilStopped() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return Signal.run(
                        new String[] {"--listen", "127.0.0.1:0"},
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        stop);
            } catch (InterruptedException e) {
                return -1;
            }
        });
        Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+)/)");
        Matcher m = listening.matcher("");
        for (int i = 0; i < 500 && !(m = listening.matcher(out.toString(StandardCharsets.UTF_8))).find(); i++)
            Thread.sleep(10);
        assertTrue(m.find(0), "printed its address: " + out + err);
        assertNotEquals("0", m.group(2));
        try (HttpClient http = HttpClient.newHttpClient()) {
            var r = http.send(
                    HttpRequest.newBuilder(URI.create(m.group(1) + "v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }
        assertFalse(status.isDone(), "runs until stopped");
        stop.countDown();
        assertEquals(0, status.get(5, TimeUnit.SECONDS));
    }

    @Test
    void refusesBadArguments() throws Exception {
        var err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        // usage errors: exit 2 with the usage on stderr
        assertEquals(2, Main.run(new String[] {"signal"}, System.in, System.out, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--listen"));
        assertEquals(2, Main.run(new String[] {"signal", "--listen", "nocolon"}, System.in, System.out, e));
        assertEquals(2, Main.run(new String[] {"signal", "--listen", "127.0.0.1:99999"}, System.in, System.out, e));
        assertEquals(2, Main.run(new String[] {"signal", "--listen", "127.0.0.1:x"}, System.in, System.out, e));
    }

    @Test
    void parsesAddresses() {
        assertEquals(7000, Signal.parse(":7000").getPort());
        assertTrue(Signal.parse(":7000").getAddress().isAnyLocalAddress());
        assertTrue(Signal.parse("[::1]:7000").getAddress().isLoopbackAddress());
        assertEquals("127.0.0.1", Signal.parse("127.0.0.1:1").getAddress().getHostAddress());
    }
}
