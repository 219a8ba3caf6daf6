package jwg.cli.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import jwg.noise.PrivateKey;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The friendlier commands without wg-quick: {@code jwg up CONF} in two namespaces joined by veth
 * (v4 and v6 pings, {@code jwg show}), a bad file refused with its line and nothing left behind,
 * {@code jwg down} removing interface and socket; and the README's main job, {@code jwg demo}.
 */
class UpDownIT {
    @TempDir
    Path dir;

    @Test
    void upShowDownAndABadFile() throws Exception {
        Requires.root();
        Requires.tool("ping");
        String launcher = Lab.jwgLauncher().toString();
        SecureRandom rnd = new SecureRandom();
        PrivateKey ka = PrivateKey.generate(rnd), kb = PrivateKey.generate(rnd);
        String ia = Netns.uniqueName("jua"), ib = Netns.uniqueName("jub");
        try (Netns a = Netns.create("jupa");
                Netns b = Netns.create("jupb")) {
            a.addVeth("va", "vb", b);
            a.exec("ip", "addr", "add", "198.51.100.1/24", "dev", "va");
            b.exec("ip", "addr", "add", "198.51.100.2/24", "dev", "vb");
            a.exec("ip", "link", "set", "va", "up");
            b.exec("ip", "link", "set", "vb", "up");
            Path ca = conf(ia, ka, "192.0.2.1", "fd00:4::1", kb, "198.51.100.2:51820", "192.0.2.2", "fd00:4::2");
            Path cb = conf(ib, kb, "192.0.2.2", "fd00:4::2", ka, null, "192.0.2.1", "fd00:4::1");
            try {
                var upA = a.tryExec(launcher, "up", ca.toString());
                assertEquals(0, upA.exitCode(), upA.output());
                var upB = b.tryExec(launcher, "up", cb.toString());
                assertEquals(0, upB.exitCode(), upB.output());
                var ping4 = a.tryExec("ping", "-c", "3", "-i", "0.2", "-W", "5", "192.0.2.2");
                assertEquals(0, ping4.exitCode(), ping4.output());
                var ping6 = b.tryExec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "5", "fd00:4::1");
                assertEquals(0, ping6.exitCode(), ping6.output());
                var show = a.tryExec(launcher, "show", ia);
                assertEquals(0, show.exitCode(), show.output());
                assertTrue(show.output().contains("peer: " + kb.publicKey().toBase64()), show.output());
                assertTrue(show.output().contains("latest handshake:"), show.output());
                assertTrue(show.output().contains("allowed ips: 192.0.2.2/32, fd00:4::2/128"), show.output());
                assertFalse(show.output().contains(ka.toBase64()), "the private key is never printed");

                // a bad file: refused with its line, nothing created
                String bad = Netns.uniqueName("jux");
                Path badConf = dir.resolve(bad + ".conf");
                Files.writeString(
                        badConf,
                        "[Interface]\nPrivateKey = " + ka.toBase64()
                                + "\nAddress = 192.0.2.9/24\n\n[Peer]\nPublicKey = "
                                + kb.publicKey().toBase64() + "\nAllowedIPs = 192.0.2.0/33\n");
                var refused = a.tryExec(launcher, "up", badConf.toString());
                assertEquals(1, refused.exitCode(), refused.output());
                assertTrue(
                        refused.output().contains("line 7") && refused.output().contains("AllowedIPs"),
                        refused.output());
                assertFalse(a.tryExec("ip", "link", "show", bad).exitCode() == 0, "no interface was created");
                assertFalse(Files.exists(Path.of("/var/run/wireguard", bad + ".sock")), "no socket was created");

                var down = a.tryExec(launcher, "down", ia);
                assertEquals(0, down.exitCode(), down.output());
                assertFalse(a.tryExec("ip", "link", "show", ia).exitCode() == 0, "the interface is gone");
                assertFalse(Files.exists(Path.of("/var/run/wireguard", ia + ".sock")), "the socket is gone");
            } finally {
                a.tryExec(launcher, "down", ia);
                b.tryExec(launcher, "down", ib);
            }
        }
    }

    @Test
    void theReadmeDemoRunsATunnel() throws Exception {
        Requires.tool("unshare");
        Requires.tool("nsenter");
        Requires.tool("ping");
        Process p = new ProcessBuilder(Lab.jwgLauncher().toString(), "demo")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Pings went through both ways."), out);
        assertTrue(out.contains("latest handshake:"), out);
        assertEquals(2, out.split(" is down", -1).length - 1, "both interfaces torn down:\n" + out);
    }

    private Path conf(
            String name,
            PrivateKey key,
            String v4,
            String v6,
            PrivateKey peer,
            String endpoint,
            String peer4,
            String peer6)
            throws Exception {
        Path f = dir.resolve(name + ".conf");
        Files.writeString(
                f,
                "[Interface]\nPrivateKey = " + key.toBase64() + "\nAddress = " + v4 + "/24, " + v6
                        + "/64\nListenPort = 51820\n\n"
                        + "[Peer]\nPublicKey = " + peer.publicKey().toBase64() + "\n"
                        + (endpoint == null ? "" : "Endpoint = " + endpoint + "\n")
                        + "AllowedIPs = " + peer4 + "/32, " + peer6 + "/128\n");
        return f;
    }
}
