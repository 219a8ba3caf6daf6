package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;

class KeyCommandsTest {

    private record Result(int status, String out, String err) {}

    private static Result run(String stdin, String... args) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(
                args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
                status,
                out.toString(StandardCharsets.UTF_8).trim(),
                err.toString(StandardCharsets.UTF_8).trim());
    }

    private static String wg(String stdin, String... args) throws Exception {
        Path wg = Requires.tool("wg");
        var cmd = new java.util.ArrayList<String>();
        cmd.add(wg.toString());
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    }

    @Test
    void pubkeyMatchesWireGuardTools() throws Exception {
        Result gen = run("", "genkey");
        assertEquals(0, gen.status());
        assertEquals(44, gen.out().length(), "base64 of 32 bytes");
        Result pub = run(gen.out() + "\n", "pubkey");
        assertEquals(0, pub.status());
        assertEquals(wg(gen.out() + "\n", "pubkey"), pub.out(), "jwg pubkey must equal wg pubkey");
    }

    @Test
    void wgGeneratedKeyIsAccepted() throws Exception {
        String priv = wg("", "genkey");
        assertEquals(wg(priv + "\n", "pubkey"), run(priv + "\n", "pubkey").out());
    }

    @Test
    void badPrivateKeyIsRefusedClearly() throws Exception {
        Result r = run("not-a-key\n", "pubkey");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("base64"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownCommandPrintsUsage() throws Exception {
        // A bare word that could be an interface name starts a device (the wireguard-go command
        // line); this one cannot (over 15 bytes), so it is an unknown command.
        Result r = run("", "frobnicate-everything");
        assertEquals(2, r.status(), "a usage error");
        assertTrue(r.err().contains("unknown command 'frobnicate-everything'"), r.err());
        assertTrue(r.err().contains("usage: jwg"), r.err());
    }

    @Test
    void genpskGivesDistinctKeys() throws Exception {
        assertNotEquals(run("", "genpsk").out(), run("", "genpsk").out());
    }
}
