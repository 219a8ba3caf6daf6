package jwg.cli.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import jwg.noise.PrivateKey;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jwg doctor}'s routing checks on real routing tables: a peer's endpoint inside its own
 * AllowedIPs (routed into the tunnel: a loop), an underlay whose MTU cannot carry the tunnel's
 * packets (the path MTU probed with DF), strict rp_filter under a full tunnel, and a full tunnel whose device fwmark was changed so the
 * rules no longer exempt it — each reported with its fix.
 */
class DoctorRoutingIT {
    @TempDir
    Path dir;

    @Test
    void aLoopAnMtuTooSmallAndAnFwmarkTheRulesDoNotExempt() throws Exception {
        Requires.root();
        Requires.tool("wg");
        String launcher = Lab.jwgLauncher().toString();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        SecureRandom rnd = new SecureRandom();
        PrivateKey kc = PrivateKey.generate(rnd), ks = PrivateKey.generate(rnd);
        String ic = Netns.uniqueName("jdrc");
        try (Netns c = Netns.create("jdrc");
                Netns s = Netns.create("jdrs")) {
            c.addVeth("uc", "us", s);
            c.exec("ip", "addr", "add", "198.51.100.1/24", "dev", "uc");
            s.exec("ip", "addr", "add", "198.51.100.2/24", "dev", "us");
            c.exec("ip", "link", "set", "uc", "up");
            s.exec("ip", "link", "set", "us", "up");
            // the server also answers on 203.0.113.5, which the client reaches by its default route
            s.exec("ip", "addr", "add", "203.0.113.5/32", "dev", "us");
            c.exec("ip", "route", "add", "default", "via", "198.51.100.2");
            Path cc = dir.resolve(ic + ".conf");
            try {
                // 1. the endpoint 198.51.100.2 inside the peer's AllowedIPs: a /32 into the tunnel in the main table
                Files.writeString(cc, conf(kc, ks, "198.51.100.2", "192.0.2.2/32, 198.51.100.2/32"));
                up(c, launcher, cc);
                String loop = c.exec(launcher, "doctor", ic).output();
                assertTrue(loop.contains("loop: peer ") && loop.contains("198.51.100.2: routed into " + ic), loop);
                assertTrue(loop.contains("fix: ip route add 198.51.100.2/32 via"), loop);
                assertTrue(loop.contains("no ICE: peers use static endpoints"), loop);
                var json = c.exec(launcher, "doctor", "--json", ic).output();
                assertTrue(json.contains("\"routing\":[{\"kind\":\"loop\""), json);
                c.exec(launcher, "down", ic);

                // 2. a full tunnel over an underlay of MTU 1300 (1300 - 60 = 1240 < 1420) with strict rp_filter:
                // the endpoint's reverse route (unmarked) leads into the tunnel
                c.exec("ip", "link", "set", "uc", "mtu", "1300");
                c.exec("sysctl", "-q", "-w", "net.ipv4.conf.uc.rp_filter=1");
                Files.writeString(cc, conf(kc, ks, "203.0.113.5", "0.0.0.0/0"));
                up(c, launcher, cc);
                String mtu = c.exec(launcher, "doctor", ic).output();
                assertTrue(mtu.contains("path MTU toward it is 1300"), mtu);
                assertTrue(mtu.contains("fix: ip link set dev " + ic + " mtu 1240"), mtu);
                assertTrue(mtu.contains("rp_filter: peer ") && mtu.contains("strict rp_filter on uc"), mtu);
                assertTrue(
                        mtu.contains("fix: sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.uc.rp_filter=2"), mtu);
                assertFalse(
                        mtu.contains("loop:") || mtu.contains("fwmark:"), "the fwmark exempts the endpoint: " + mtu);

                // 3. the device's fwmark changed under the rules: the endpoint now loops through table 51820
                c.exec("wg", "set", ic, "fwmark", "0x1234");
                String mark = c.exec(launcher, "doctor", ic).output();
                assertTrue(mark.contains("fwmark: peer ") && mark.contains("carry 0x1234"), mark);
                assertTrue(mark.contains("fix: wg set " + ic + " fwmark 51820"), mark);
            } finally {
                c.tryExec(launcher, "down", ic);
            }
        }
    }

    private static void up(Netns c, String launcher, Path conf) throws Exception {
        var up = c.tryExec(launcher, "up", conf.toString());
        assertEquals(0, up.exitCode(), up.output());
    }

    private static String conf(PrivateKey self, PrivateKey peer, String endpoint, String allowed) {
        return "[Interface]\nPrivateKey = " + self.toBase64() + "\nAddress = 192.0.2.1/32\n\n[Peer]\nPublicKey = "
                + peer.publicKey().toBase64() + "\nEndpoint = " + endpoint + ":51820\nAllowedIPs = " + allowed + "\n";
    }
}
