package jwg.cli.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.WgQuickConfig;
import jwg.noise.PrivateKey;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jwg up}/{@code down} with wg-quick's semantics, in a network namespace of its own: the
 * hooks in wg-quick's order (PreUp before the interface exists, PostUp once it does, PreDown
 * while it still does, PostDown after) with %i; a failing PreUp or PostUp undoing what was done;
 * Table = N (routes there, none in main, a default route allowed), Table = off (no routes);
 * FwMark on the device; SaveConfig keeping a peer added with wg set; DNS through resolvconf
 * (a recording resolvconf on PATH: its arguments and input as wg-quick gives them) and refused
 * without one; a {@code #!/bin/sh} first line accepted.
 */
class WgQuickParityIT {
    @TempDir
    Path dir;

    private final SecureRandom rnd = new SecureRandom();
    private final PrivateKey key = PrivateKey.generate(rnd);
    private final String peer = PrivateKey.generate(rnd).publicKey().toBase64();
    private String launcher;

    @BeforeEach
    void needs() throws Exception {
        Requires.root();
        Requires.tool("ip");
        launcher = Lab.jwgLauncher().toString();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path conf(String name, String interfaceExtra, String allowedIps) throws Exception {
        Path f = dir.resolve(name + ".conf");
        Files.writeString(
                f,
                "#!/bin/sh\n[Interface]\nPrivateKey = " + key.toBase64()
                        + "\nAddress = 192.0.2.1/24\nListenPort = 51820\n" + interfaceExtra + "\n[Peer]\nPublicKey = "
                        + peer + "\nAllowedIPs = " + allowedIps + "\n");
        return f;
    }

    private static String marks(Path m) throws Exception {
        return Files.exists(m) ? Files.readString(m) : "";
    }

    @Test
    void hooksInOrderTableFwMarkAndSaveConfig() throws Exception {
        Requires.tool("wg");
        String name = Netns.uniqueName("jqh");
        Path m = dir.resolve("marks");
        String links = " $(ip -o link show %i 2>/dev/null | wc -l)";
        Path conf = conf(
                name,
                "Table = 1234\nFwMark = 0x4d2\nSaveConfig = true\n"
                        + "PreUp = echo pre-up %i" + links + " >> " + m + "\n"
                        + "PostUp = echo post-up %i" + links + " >> " + m + "\n"
                        + "PreDown = echo pre-down %i" + links + " $(wg show %i peers | wc -l) >> " + m + "\n"
                        + "PostDown = echo post-down %i" + links + " >> " + m + "\n",
                "198.51.100.0/24, 0.0.0.0/0");
        try (Netns ns = Netns.create("jqh")) {
            try {
                var up = ns.tryExec(launcher, "up", conf.toString());
                assertEquals(0, up.exitCode(), up.output());
                assertEquals(
                        "pre-up " + name + " 0\npost-up " + name + " 1\n",
                        marks(m),
                        "PreUp before the interface, PostUp after; %i replaced");
                String t1234 = ns.exec("ip", "route", "show", "table", "1234").output();
                assertTrue(t1234.contains("198.51.100.0/24 dev " + name), t1234);
                assertTrue(
                        t1234.contains("default dev " + name),
                        "a default route is an ordinary route in a table of its own: " + t1234);
                String main = ns.exec("ip", "route", "show", "table", "main").output();
                assertFalse(main.contains("198.51.100.0/24"), "Table = 1234: nothing in main: " + main);
                assertTrue(
                        ns.exec("wg", "show", name, "fwmark").output().strip().equals("0x4d2"),
                        "FwMark reaches the device");
                String sockets = ns.tryExec("ss", "-u", "-a", "-n", "-e").output();
                if (!sockets.isEmpty())
                    assertTrue(sockets.contains("fwmark:0x4d2"), "the UDP socket carries the mark: " + sockets);

                String added = PrivateKey.generate(rnd).publicKey().toBase64();
                ns.exec("wg", "set", name, "peer", added, "allowed-ips", "203.0.113.7/32");
                var down = ns.tryExec(launcher, "down", name);
                assertEquals(0, down.exitCode(), down.output());
                assertEquals(
                        "pre-up " + name + " 0\npost-up " + name + " 1\npre-down " + name + " 1 2\npost-down " + name
                                + " 0\n",
                        marks(m),
                        "PreDown while the interface and its UAPI socket exist (wg show sees both peers), PostDown after");
                WgQuickConfig saved = ConfFile.read(conf);
                assertTrue(saved.saveConfig());
                assertEquals(
                        2, saved.device().peers().size(), Files.readString(conf).replace(key.toBase64(), "(key)"));
                assertEquals(added, saved.device().peers().get(1).publicKey().toBase64());
                assertEquals(key, saved.device().privateKey(), "the private key is kept");
                assertEquals("1234", saved.table());
                assertEquals(
                        4,
                        saved.preUp().size()
                                + saved.postUp().size()
                                + saved.preDown().size()
                                + saved.postDown().size());
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
            } finally {
                ns.tryExec(launcher, "down", name);
            }
        }
    }

    @Test
    void aFailingPostUpUndoesTheInterface() throws Exception {
        String name = Netns.uniqueName("jqf");
        Path m = dir.resolve("marks");
        Path conf = conf(
                name,
                "PostUp = echo first %i >> " + m + "\nPostUp = exit 3\nPostUp = echo never >> " + m + "\n"
                        + "PostDown = echo post-down >> " + m + "\n",
                "198.51.100.0/24");
        try (Netns ns = Netns.create("jqf")) {
            try {
                var up = ns.tryExec(launcher, "up", conf.toString());
                assertNotEquals(0, up.exitCode(), up.output());
                assertTrue(up.output().contains("PostUp 'exit 3' failed (exit status 3)"), up.output());
                assertEquals(
                        "first " + name + "\n",
                        marks(m),
                        "the hooks stop at the failure; PostDown is not run for an undo (as wg-quick)");
                assertNotEquals(0, ns.tryExec("ip", "link", "show", name).exitCode(), "the interface is gone");
                assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".sock")), "the socket is gone");
                assertFalse(ns.exec("ip", "route").output().contains("198.51.100.0/24"));
            } finally {
                ns.tryExec(launcher, "down", name);
            }
        }
    }

    @Test
    void aFailingPreUpCreatesNothing() throws Exception {
        String name = Netns.uniqueName("jqp");
        Path m = dir.resolve("marks");
        Path conf = conf(name, "PreUp = false\nPostUp = echo post-up >> " + m + "\n", "198.51.100.0/24");
        try (Netns ns = Netns.create("jqp")) {
            var up = ns.tryExec(launcher, "up", conf.toString());
            assertNotEquals(0, up.exitCode(), up.output());
            assertTrue(up.output().contains("PreUp 'false' failed"), up.output());
            assertEquals("", marks(m));
            assertNotEquals(0, ns.tryExec("ip", "link", "show", name).exitCode(), "no interface was created");
        }
    }

    @Test
    void tableOffLeavesNoRoutes() throws Exception {
        String name = Netns.uniqueName("jqo");
        Path conf = conf(name, "Table = off\n", "198.51.100.0/24, 203.0.113.0/24, 0.0.0.0/0");
        try (Netns ns = Netns.create("jqo")) {
            try {
                var up = ns.tryExec(launcher, "up", conf.toString());
                assertEquals(0, up.exitCode(), up.output());
                String routes = ns.exec("ip", "route", "show", "table", "all").output();
                assertFalse(
                        routes.contains("198.51.100.")
                                || routes.contains("203.0.113.")
                                || routes.contains("default dev " + name),
                        routes);
                assertTrue(routes.contains("192.0.2.0/24 dev " + name), "the address's own route stays: " + routes);
            } finally {
                ns.tryExec(launcher, "down", name);
            }
        }
    }

    @Test
    void dnsGoesThroughResolvconfOrIsRefused() throws Exception {
        String name = Netns.uniqueName("jqd");
        Path conf = conf(name, "DNS = 192.0.2.53, fd00:53::1, corp.example, lab.example\n", "198.51.100.0/24");
        String path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        try (Netns ns = Netns.create("jqd")) {
            if (Dns.hasResolvconf(path)) {
                // a real resolvconf is installed: the refusal cannot be shown here
            } else {
                var refused = ns.tryExec("env", "PATH=" + path, launcher, "up", conf.toString());
                assertEquals(1, refused.exitCode(), refused.output());
                assertTrue(
                        refused.output().contains("needs resolvconf")
                                && refused.output().contains("DNS"),
                        refused.output());
                assertNotEquals(0, ns.tryExec("ip", "link", "show", name).exitCode(), "nothing was created");
            }
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path log = dir.resolve("resolvconf.log");
            Path rc = bin.resolve("resolvconf");
            Files.writeString(rc, "#!/bin/sh\n{ echo \"args: $*\"; cat; } >> " + log + "\n");
            Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rwxr-xr-x"));
            String record = Files.exists(Path.of("/etc/resolvconf/interface-order")) ? null : name;
            try {
                var up = ns.tryExec("env", "PATH=" + bin + ":" + path, launcher, "up", conf.toString());
                assertEquals(0, up.exitCode(), up.output());
                String l = Files.readString(log);
                if (record != null) assertTrue(l.startsWith("args: -a " + record + " -m 0 -x\n"), l);
                assertTrue(
                        l.contains("nameserver 192.0.2.53\nnameserver fd00:53::1\nsearch corp.example lab.example\n"),
                        l);
                var down = ns.tryExec("env", "PATH=" + bin + ":" + path, launcher, "down", name);
                assertEquals(0, down.exitCode(), down.output());
                l = Files.readString(log);
                assertTrue(l.contains("args: -d " + (record != null ? record : "")), l);
                assertTrue(l.strip().endsWith(" -f"), l);
            } finally {
                ns.tryExec(launcher, "down", name);
            }
        }
    }

    /** Whether a resolvconf is on {@code path}. */
    static final class Dns {
        static boolean hasResolvconf(String path) {
            for (String d : path.split(":")) if (Files.isExecutable(Path.of(d, "resolvconf"))) return true;
            return false;
        }
    }
}
