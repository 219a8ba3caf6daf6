package jwg.dataplane.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import jwg.dataplane.UapiSocket;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import jwg.testkit.Requires;
import jwg.tun.ip.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks key encodings, the .conf format and the UAPI protocol against the real wg tool. */
class WgToolInteropIT {
    record Result(int exit, String out, String err) {}

    static Result run(Path wg, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(wg.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "wg " + String.join(" ", args) + " hangs");
        return new Result(
                p.exitValue(), new String(out, StandardCharsets.US_ASCII), new String(err, StandardCharsets.US_ASCII));
    }

    @Test
    void keysFromWgGenkeyParseAndDeriveTheSamePublicKey() throws Exception {
        Path wg = Requires.tool("wg");
        for (int i = 0; i < 5; i++) {
            String priv = run(wg, null, "genkey").out().strip();
            String pub = run(wg, priv + "\n", "pubkey").out().strip();
            PrivateKey k = PrivateKey.fromBase64(priv);
            assertEquals(pub, k.publicKey().toBase64());
            assertEquals(priv, k.toBase64(), "wg genkey keys are already clamped");
            String psk = run(wg, null, "genpsk").out().strip();
            assertEquals(psk, PresharedKey.fromBase64(psk).toBase64());
        }
    }

    @Test
    void realWgTalksToOurUapi(@TempDir Path dir) throws Exception {
        Path wg = Requires.tool("wg");
        Requires.root();
        String name = "jwgt"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextInt())
                        .substring(0, 8);
        FakeDevice dev = new FakeDevice();
        UapiProtocol uapi = new UapiProtocol(dev);
        PrivateKey priv = PrivateKey.generate(new java.security.SecureRandom());
        PublicKey p1 = PrivateKey.generate(new java.security.SecureRandom()).publicKey();
        PublicKey p2 = PrivateKey.generate(new java.security.SecureRandom()).publicKey();
        PresharedKey psk = PresharedKey.generate(new java.security.SecureRandom());
        String conf = """
                [Interface]
                PrivateKey = %s
                ListenPort = 51999
                FwMark = 0x42

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.7.0.2/32, 10.8.0.0/16, fd00:7::/64
                Endpoint = 192.0.2.10:51820
                PersistentKeepalive = 25

                [Peer]
                PublicKey = %s
                AllowedIPs = 0.0.0.0/0
                Endpoint = [2001:db8::10]:4500
                """.formatted(priv.toBase64(), p1.toBase64(), psk.toBase64(), p2.toBase64());
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, conf);

        try (UapiSocket socket = UapiSocket.listen(UapiSocket.DEFAULT_DIRECTORY, name, uapi::serve)) {
            Result r = run(wg, null, "setconf", name, file.toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals(
                    ConfFile.parseSetconf("x", conf),
                    dev.config,
                    "wg setconf through our UAPI = our own parse of the file");

            r = run(wg, null, "showconf", name);
            assertEquals(0, r.exit(), r.err());
            assertEquals(dev.config, ConfFile.parseSetconf("showconf", r.out()), r.out());

            dev.stats.put(
                    p1,
                    new UapiDevice.PeerStats(
                            1_700_000_000_000_000_000L, 1234, 5678, new InetSocketAddress("198.51.100.7", 4000)));
            r = run(wg, null, "show", name, "dump");
            assertEquals(0, r.exit(), r.err());
            List<String> rows = r.out().lines().toList();
            assertEquals(priv.toBase64() + "\t" + priv.publicKey().toBase64() + "\t51999\t0x42", rows.get(0));
            assertEquals(
                    String.join(
                            "\t",
                            p1.toBase64(),
                            psk.toBase64(),
                            "198.51.100.7:4000",
                            "10.7.0.2/32,10.8.0.0/16,fd00:7::/64",
                            "1700000000",
                            "1234",
                            "5678",
                            "25"),
                    rows.get(1));
            assertEquals(
                    String.join(
                            "\t", p2.toBase64(), "(none)", "[2001:db8::10]:4500", "0.0.0.0/0", "0", "0", "0", "off"),
                    rows.get(2));

            r = run(
                    wg,
                    null,
                    "set",
                    name,
                    "peer",
                    p1.toBase64(),
                    "allowed-ips",
                    "10.9.0.0/24",
                    "persistent-keepalive",
                    "off");
            assertEquals(0, r.exit(), r.err());
            PeerConfig changed = dev.config.peer(p1).orElseThrow();
            assertEquals(List.of(IpPrefix.parse("10.9.0.0/24")), changed.allowedIps());
            assertEquals(0, changed.persistentKeepalive());

            r = run(wg, null, "set", name, "peer", p2.toBase64(), "remove");
            assertEquals(0, r.exit(), r.err());
            assertTrue(dev.config.peer(p2).isEmpty());

            DeviceConfig before = dev.config;
            dev.busyPort = 40404;
            r = run(wg, null, "set", name, "listen-port", "40404");
            assertNotEquals(0, r.exit());
            assertTrue(r.err().contains("Address already in use"), r.err());
            assertEquals(before, dev.config);
        }
    }
}
