package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import jwg.noise.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jwg probe}'s refusals: a file it cannot probe with is named (with its line), exit 1, nothing started. */
class ProbeCommandTest {
    @TempDir
    Path dir;

    private static String key() {
        return PrivateKey.generate(new SecureRandom()).toBase64();
    }

    private static String pub() {
        return PrivateKey.generate(new SecureRandom()).publicKey().toBase64();
    }

    private String refused(String conf) throws Exception {
        Path f = dir.resolve("wg0.conf");
        Files.writeString(f, conf);
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Probe.run(
                new String[] {f.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status, err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFileWithoutIceIsRefused() throws Exception {
        String e = refused("[Interface]\nPrivateKey = " + key() + "\n[Peer]\nPublicKey = " + pub()
                + "\nAllowedIPs = 192.0.2.2/32\n");
        assertTrue(e.contains("wg0.conf: no '#! IceSignal = URL'"), e);
    }

    @Test
    void aBadIceValueIsRefusedWithItsLine() throws Exception {
        String e = refused("[Interface]\nPrivateKey = " + key() + "\n#! IceSignal = http://192.0.2.9:8443/\n"
                + "#! IceRelay = sometimes\n[Peer]\nPublicKey = " + pub() + "\nAllowedIPs = 192.0.2.2/32\n");
        assertTrue(e.contains("wg0.conf line 4: '#! IceRelay = sometimes': expected on, off or force"), e);
    }

    @Test
    void severalPeersWithoutEndpointNeedPeer() throws Exception {
        String e = refused("[Interface]\nPrivateKey = " + key() + "\n#! IceSignal = http://192.0.2.9:8443/\n"
                + "[Peer]\nPublicKey = " + pub() + "\nAllowedIPs = 192.0.2.2/32\n[Peer]\nPublicKey = " + pub()
                + "\nAllowedIPs = 192.0.2.3/32\n");
        assertTrue(e.contains("2 peers without an Endpoint: choose one with --peer"), e);
    }
}
