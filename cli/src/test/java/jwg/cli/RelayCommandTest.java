package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jwg.ice.relay.RelayConfig;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jwg relay}: serves TURN on the address it prints until stopped (an Allocate with the
 * configured user succeeds, a wrong password gets 401), never prints a password, and refuses a bad
 * option by name before anything starts.
 */
@Timeout(20)
class RelayCommandTest {
    @Test
    void servesTurnOnTheAddressItPrintsUntilStopped() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        CountDownLatch stop = new CountDownLatch(1);
        String[] args = {
            "--listen",
            "127.0.0.1:0",
            "--relay-ip",
            "127.0.0.1",
            "--ports",
            "40000-40999",
            "--realm",
            "lab",
            "--user",
            "alice:s3cret-word"
        };
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return Relay.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        stop);
            } catch (InterruptedException e) {
                return -1;
            }
        });
        Pattern listening = Pattern.compile("listening on udp 127\\.0\\.0\\.1:(\\d+)");
        Matcher m = listening.matcher("");
        for (int i = 0; i < 500 && !(m = listening.matcher(out.toString(StandardCharsets.UTF_8))).find(); i++)
            Thread.sleep(10);
        assertTrue(m.find(0), "printed its address: " + out + err);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(2000);
            StunMessage challenge = transact(s, server, allocate(null, null), null);
            assertEquals(401, challenge.errorCode().code());
            String nonce = challenge.text(Stun.NONCE);
            assertEquals("lab", challenge.text(Stun.REALM));
            byte[] wrong = RelayConfig.key("alice", "lab", "guess");
            assertEquals(
                    401,
                    transact(s, server, allocate("alice", nonce), wrong)
                            .errorCode()
                            .code());
            byte[] key = RelayConfig.key("alice", "lab", "s3cret-word");
            StunMessage ok = transact(s, server, allocate("alice", nonce), key);
            assertEquals(Stun.SUCCESS_RESPONSE, ok.cls());
            int port = ok.address(Stun.XOR_RELAYED_ADDRESS).getPort();
            assertTrue(port >= 40000 && port <= 40999, "relayed port in --ports: " + port);
        }
        assertFalse(status.isDone(), "runs until stopped");
        stop.countDown();
        assertEquals(0, status.get(5, TimeUnit.SECONDS));
        assertFalse((out.toString() + err).contains("s3cret-word"), "the password is never printed");
    }

    static StunMessage allocate(String user, String nonce) {
        byte[] id = new byte[12];
        new java.security.SecureRandom().nextBytes(id);
        StunMessage m = StunMessage.of(Stun.ALLOCATE, Stun.REQUEST, id);
        if (user != null) m.add(Stun.USERNAME, user).add(Stun.REALM, "lab").add(Stun.NONCE, nonce);
        return m.addInt(Stun.REQUESTED_TRANSPORT, Stun.PROTOCOL_UDP << 24);
    }

    static StunMessage transact(DatagramSocket s, InetSocketAddress to, StunMessage request, byte[] key)
            throws Exception {
        byte[] b = request.encode(key, true);
        s.send(new DatagramPacket(b, b.length, to));
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        StunMessage r = StunMessage.parse(p.getData(), p.getLength());
        assertNotNull(r);
        return r;
    }

    @Test
    void refusesBadOptionsByName(@TempDir Path dir) throws Exception {
        String[] base = {"--listen", "127.0.0.1:3478", "--relay-ip", "127.0.0.1", "--realm", "lab"};
        assertRefused("--ports: MIN-MAX within 1-65535", base, "--user", "a:b", "--ports", "60000-50000");
        assertRefused("--user: NAME:PASSWORD expected", base, "--user", "nocolon");
        assertRefused("user 'a' given twice", base, "--user", "a:b", "--user", "a:c");
        assertRefused("--relay-ip: not a numeric IP address", base, "--user", "a:b", "--relay-ip", "relay.example");
        assertRefused("--relay-ip: the address peers reach", base, "--user", "a:b", "--relay-ip", "0.0.0.0");
        assertRefused("--quota: at least 1", base, "--user", "a:b", "--quota", "0");
        Path users = dir.resolve("users");
        Files.writeString(users, "# lab users\nalice:one\n\nbob\n");
        assertRefused(users + " line 4: NAME:PASSWORD expected", base, "--users", users.toString());
        Files.writeString(users, "# lab users\nalice:one\nbob:two\n");
        String[] good = concat(base, "--users", users.toString());
        RelayConfig c = Relay.parse(good);
        assertEquals(2, c.keys().size());
        assertArrayEquals(RelayConfig.key("bob", "lab", "two"), c.keys().get("bob"));
        assertEquals(49152, c.minPort());
        assertEquals(65535, c.maxPort());
        assertFalse(c.allowLoopbackPeers(), "jwg relay never relays to loopback");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void assertRefused(String message, String[] base, String... more) throws Exception {
        var err = new ByteArrayOutputStream();
        int status = Relay.run(
                concat(base, more),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new CountDownLatch(0));
        assertEquals(2, status, err.toString());
        assertTrue(err.toString().contains(message), "expected '" + message + "' in: " + err);
    }
}
