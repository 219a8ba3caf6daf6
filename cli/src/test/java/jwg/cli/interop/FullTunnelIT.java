package jwg.cli.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import jwg.noise.PrivateKey;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full tunnel through {@code jwg up}: a "client" namespace with AllowedIPs 0.0.0.0/0, ::/0, a
 * "server" jwg peer that forwards, and an "internet" namespace behind the server. The client's
 * traffic to the internet (IPv4 and IPv6) arrives there with the tunnel's source address (nft
 * counters in the internet namespace), the handshake itself leaves by the underlay (the fwmark
 * exempts it), {@code jwg down} leaves {@code ip rule} and {@code ip route show table all} exactly
 * as before, and a failing PostUp takes the rules back out as well. The same through the real
 * wg-quick with jwg as its userspace implementation: wg-quick routes, jwg marks its socket.
 */
class FullTunnelIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "wg-quick: {0}")
    @ValueSource(booleans = {false, true})
    void everythingGoesThroughTheTunnelAndDownRestoresTheRouting(boolean wgQuick) throws Exception {
        Requires.root();
        Requires.tool("ping");
        Requires.tool("nft");
        if (wgQuick) Requires.tool("wg-quick");
        String launcher = Lab.jwgLauncher().toString();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        SecureRandom rnd = new SecureRandom();
        PrivateKey kc = PrivateKey.generate(rnd), ks = PrivateKey.generate(rnd);
        String ic = Netns.uniqueName("jftc"), is = Netns.uniqueName("jfts");
        try (Netns c = Netns.create("jftc");
                Netns s = Netns.create("jfts");
                Netns i = Netns.create("jfti")) {
            c.addVeth("uc", "us", s);
            s.addVeth("si", "is", i);
            address(c, "uc", "198.51.100.1/24", "fd00:51::1/64");
            address(s, "us", "198.51.100.2/24", "fd00:51::2/64");
            address(s, "si", "203.0.113.1/24", "fd00:113::1/64");
            address(i, "is", "203.0.113.2/24", "fd00:113::2/64");
            // the client's underlay: a default route via the server (its "home router"); the internet routes back via
            // it
            c.exec("ip", "route", "add", "default", "via", "198.51.100.2");
            c.exec("ip", "-6", "route", "add", "default", "via", "fd00:51::2");
            i.exec("ip", "route", "add", "default", "via", "203.0.113.1");
            i.exec("ip", "-6", "route", "add", "default", "via", "fd00:113::1");
            s.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
            i.exec("nft", "-f", writeCounters());
            String rulesBefore = routing(c);
            Path cc = dir.resolve(ic + ".conf"), sc = dir.resolve(is + ".conf");
            Files.writeString(
                    cc,
                    "[Interface]\nPrivateKey = " + kc.toBase64() + "\nAddress = 192.0.2.1/32, fd00:7::1/128\n\n[Peer]\n"
                            + "PublicKey = " + ks.publicKey().toBase64()
                            + "\nEndpoint = 198.51.100.2:51820\nAllowedIPs = 0.0.0.0/0, ::/0\n");
            Files.writeString(
                    sc,
                    "[Interface]\nPrivateKey = " + ks.toBase64()
                            + "\nAddress = 192.0.2.2/32, fd00:7::2/128\nListenPort = 51820\n\n[Peer]\n"
                            + "PublicKey = " + kc.publicKey().toBase64()
                            + "\nAllowedIPs = 192.0.2.1/32, fd00:7::1/128\n");
            try {
                var upS = s.tryExec(launcher, "up", sc.toString());
                assertEquals(0, upS.exitCode(), upS.output());
                // under wg-quick, wg-quick does the routing and jwg only honours the fwmark it is given over UAPI
                var upC = wgQuick
                        ? c.tryExec(
                                "env", "WG_QUICK_USERSPACE_IMPLEMENTATION=" + launcher, "wg-quick", "up", cc.toString())
                        : c.tryExec(launcher, "up", cc.toString());
                assertEquals(0, upC.exitCode(), upC.output());

                // wg-quick's add_default: table 51820 (the first free one) as fwmark, two rules per family
                String rules4 = c.exec("ip", "rule").output(),
                        rules6 = c.exec("ip", "-6", "rule").output();
                for (String rules : new String[] {rules4, rules6}) {
                    assertTrue(rules.contains("not from all fwmark 0xca6c lookup 51820"), rules);
                    assertTrue(rules.contains("from all lookup main suppress_prefixlength 0"), rules);
                }
                assertTrue(
                        c.exec("ip", "route", "show", "table", "51820").output().contains("default dev " + ic));
                assertTrue(c.exec("ip", "-6", "route", "show", "table", "51820")
                        .output()
                        .contains("default dev " + ic));
                assertEquals(
                        "1",
                        c.exec("sysctl", "-n", "net.ipv4.conf.all.src_valid_mark")
                                .output()
                                .strip());
                var show = c.exec(launcher, "show", ic).output();
                assertTrue(show.contains("fwmark: 0xca6c"), show);
                // the handshake's own packets (marked) take the underlay, everything else the tunnel
                assertTrue(c.exec("ip", "route", "get", "198.51.100.2", "mark", "51820")
                        .output()
                        .contains("dev uc"));
                assertTrue(c.exec("ip", "route", "get", "203.0.113.2").output().contains("dev " + ic));

                var ping4 = c.tryExec("ping", "-c", "3", "-i", "0.2", "-W", "5", "203.0.113.2");
                assertEquals(0, ping4.exitCode(), ping4.output());
                var ping6 = c.tryExec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "5", "fd00:113::2");
                assertEquals(0, ping6.exitCode(), ping6.output());
                String counters =
                        i.exec("nft", "list", "table", "inet", "jwgft").output();
                assertTrue(counters.matches("(?s).*ip saddr 192\\.0\\.2\\.1 counter packets [1-9].*"), counters);
                assertTrue(counters.matches("(?s).*ip6 saddr fd00:7::1 counter packets [1-9].*"), counters);
                assertTrue(
                        counters.matches("(?s).*ip saddr 198\\.51\\.100\\.1 counter packets 0 .*"),
                        "nothing arrived from the client's underlay address: " + counters);
                String shown = c.exec(launcher, "show", ic).output();
                assertTrue(shown.contains("latest handshake:"), shown);

                var down = wgQuick ? c.tryExec("wg-quick", "down", cc.toString()) : c.tryExec(launcher, "down", ic);
                assertEquals(0, down.exitCode(), down.output());
                assertEquals(rulesBefore, routing(c), "jwg down restores the rules and every table exactly");
                if (wgQuick) return;

                // a PostUp that fails: the interface is removed again, and the rules go with it
                Files.writeString(cc, Files.readString(cc).replace("[Peer]", "PostUp = false\n\n[Peer]"));
                var failed = c.tryExec(launcher, "up", cc.toString());
                assertEquals(1, failed.exitCode(), failed.output());
                assertEquals(rulesBefore, routing(c), "nothing half-applied after a failed PostUp");
            } finally {
                if (wgQuick) c.tryExec("wg-quick", "down", cc.toString());
                c.tryExec(launcher, "down", ic);
                s.tryExec(launcher, "down", is);
            }
        }
    }

    private static void address(Netns ns, String dev, String v4, String v6) throws Exception {
        ns.exec("ip", "addr", "add", v4, "dev", dev);
        ns.exec("ip", "addr", "add", v6, "dev", dev, "nodad");
        ns.exec("ip", "link", "set", dev, "up");
    }

    private String writeCounters() throws Exception {
        Path f = dir.resolve("counters.nft");
        Files.writeString(f, """
                table inet jwgft {
                  chain in {
                    type filter hook input priority 0;
                    ip saddr 192.0.2.1 counter
                    ip6 saddr fd00:7::1 counter
                    ip saddr 198.51.100.1 counter
                  }
                }
                """);
        return f.toString();
    }

    /**
     * The client's policy rules and every routing table, both families — without the local routes
     * of IPv6 link-local addresses: the kernel adds the underlay's own (fe80::/64 autoconfiguration)
     * a second or two after the link comes up, whenever DAD ends, independently of jwg.
     */
    private static String routing(Netns c) throws Exception {
        String all = c.exec("ip", "rule").output()
                + c.exec("ip", "-6", "rule").output()
                + c.exec("ip", "route", "show", "table", "all").output()
                + c.exec("ip", "-6", "route", "show", "table", "all").output();
        return all.lines().filter(l -> !l.startsWith("local fe80:")).collect(java.util.stream.Collectors.joining("\n"));
    }
}
