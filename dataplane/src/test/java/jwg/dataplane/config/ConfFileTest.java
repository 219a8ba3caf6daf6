package jwg.dataplane.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import jwg.tun.ip.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfFileTest {
    static final Random RNG = new Random(7);
    static final PrivateKey PRIV = key(1);
    static final PublicKey PEER1 = key(2).publicKey();
    static final PublicKey PEER2 = key(3).publicKey();
    static final PresharedKey PSK = new PresharedKey(bytes(4));

    static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        new Random(seed).nextBytes(b);
        return b;
    }

    static PrivateKey key(int seed) {
        return new PrivateKey(bytes(seed));
    }

    static final String FULL = """
            # a full wg-quick file
            [Interface]
            Address = 10.0.0.1/24, fd00::1/64
            address = 192.0.2.1
            ListenPort = 51820
            PrivateKey = %s
            MTU = 1420
            DNS = 10.0.0.53, fd00::53, corp.example
            Table = off
            PreUp = echo pre up # a comment
            PostUp = iptables -A FORWARD -i %%i -j ACCEPT
            PostUp = echo second
            PreDown = echo pre down
            PostDown = echo post down
            SaveConfig = true
            FWMARK = 0x1234
            #! IceSignal = https://signal.example:443

            [Peer]
            PublicKey = %s
            PresharedKey = %s
            AllowedIPs = 10.0.0.2/32, 10.1.2.3/16
            AllowedIPs = fd00::2/128
            Endpoint = 203.0.113.5:51820
            PersistentKeepalive = 25
            #! IceMode = lazy

            [peer]
            publickey=%s
            endpoint = [2001:DB8::1]:4500
            allowedips =
            persistentkeepalive = off
            """.formatted(PRIV.toBase64(), PEER1.toBase64(), PSK.toBase64(), PEER2.toBase64());

    @Test
    void readsEveryKey() throws Exception {
        WgQuickConfig q = ConfFile.parseWgQuick("wg0.conf", FULL);
        DeviceConfig d = q.device();
        assertEquals(PRIV, d.privateKey());
        assertEquals(51820, d.listenPort());
        assertEquals(0x1234, d.fwmark());
        assertEquals(
                List.of(IpPrefix.parse("10.0.0.1/24"), IpPrefix.parse("fd00::1/64"), IpPrefix.parse("192.0.2.1/32")),
                q.addresses());
        assertEquals(1420, q.mtu());
        assertEquals(List.of("10.0.0.53", "fd00::53"), q.dns());
        assertEquals(List.of("corp.example"), q.dnsSearch());
        assertEquals("off", q.table());
        assertEquals(List.of("echo pre up"), q.preUp());
        assertEquals(List.of("iptables -A FORWARD -i %i -j ACCEPT", "echo second"), q.postUp());
        assertEquals(List.of("echo pre down"), q.preDown());
        assertEquals(List.of("echo post down"), q.postDown());
        assertTrue(q.saveConfig());
        assertEquals(
                List.of(
                        new WgQuickConfig.Extension(-1, "IceSignal", "https://signal.example:443"),
                        new WgQuickConfig.Extension(0, "IceMode", "lazy")),
                q.extensions());
        assertEquals(
                List.of(17, 26),
                q.extensions().stream().map(WgQuickConfig.Extension::line).toList(),
                "each key knows its line, for the error that refuses its value");

        assertEquals(2, d.peers().size());
        PeerConfig p1 = d.peers().get(0);
        assertEquals(PEER1, p1.publicKey());
        assertEquals(PSK, p1.presharedKey());
        assertEquals(
                List.of(IpPrefix.parse("10.0.0.2/32"), IpPrefix.parse("10.1.0.0/16"), IpPrefix.parse("fd00::2/128")),
                p1.allowedIps());
        assertEquals(new PeerEndpoint("203.0.113.5", 51820), p1.endpoint());
        assertEquals(25, p1.persistentKeepalive());
        PeerConfig p2 = d.peers().get(1);
        assertEquals(PEER2, p2.publicKey());
        assertNull(p2.presharedKey());
        assertEquals("[2001:db8::1]:4500", p2.endpoint().toString());
        assertEquals(List.of(), p2.allowedIps());
        assertEquals(0, p2.persistentKeepalive());
    }

    @Test
    void roundTripsThroughText() throws Exception {
        WgQuickConfig q = ConfFile.parseWgQuick("wg0.conf", FULL);
        String text = ConfFile.format(q, true);
        assertEquals(q, ConfFile.parseWgQuick("again.conf", text), text);
        // the setconf form round-trips too
        String wg = ConfFile.format(q.device(), true);
        assertEquals(q.device(), ConfFile.parseSetconf("wg.conf", wg));
        assertTrue(wg.contains("FwMark = 0x1234"), wg);
    }

    @Test
    void secretsAppearOnlyWhenAsked() throws Exception {
        WgQuickConfig q = ConfFile.parseWgQuick("wg0.conf", FULL);
        String shown = ConfFile.format(q, false);
        assertFalse(shown.contains(PRIV.toBase64()));
        assertFalse(shown.contains(PSK.toBase64()));
        assertFalse(shown.contains("PrivateKey"));
        assertTrue(shown.contains(PEER1.toBase64()));
        assertFalse(q.device().toString().contains(PRIV.toBase64()));
        assertFalse(q.toString().contains(PRIV.toBase64()));
        assertFalse(q.toString().contains(PSK.toBase64()));
    }

    @Test
    void stripMatchesWgQuickStrip() throws Exception {
        String stripped = ConfFile.strip(FULL);
        for (String k : new String[] {
            "Address", "address", "MTU", "DNS", "Table", "PreUp", "PostUp", "PreDown", "PostDown", "SaveConfig"
        }) {
            assertFalse(stripped.lines().anyMatch(l -> l.startsWith(k + " ")), k);
        }
        assertTrue(stripped.contains("FWMARK = 0x1234"));
        assertTrue(stripped.contains("#! IceSignal"), "comments are kept as wg-quick strip keeps them");
        assertEquals(ConfFile.parseWgQuick("wg0.conf", FULL).strip(), ConfFile.parseSetconf("wg0.conf", stripped));
    }

    @Test
    void setconfRefusesWgQuickKeys() {
        var e = assertThrows(ConfigException.class, () -> ConfFile.parseSetconf("wg0.conf", FULL));
        assertEquals(
                "wg0.conf line 3: Address is a wg-quick key, not a wg setconf key (wg-quick strip removes it)",
                e.getMessage());
        assertEquals(3, e.line());
    }

    static String msg(String text) {
        try {
            ConfFile.parseWgQuick("wg0.conf", text);
            return "accepted";
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    static final String PEER = "[Peer]\nPublicKey = " + PEER1.toBase64() + "\n";

    @Test
    void errorsNameTheLineAndTheReason() {
        assertEquals(
                "wg0.conf line 4: AllowedIPs: '10.0.0.0/33': prefix length must be 0..32",
                msg("[Interface]\n" + PEER + "AllowedIPs = 10.0.0.0/33\n"));
        assertEquals("wg0.conf line 2: ListenPort: 70000 is not in 0..65535", msg("[Interface]\nListenPort = 70000\n"));
        assertEquals("wg0.conf line 2: ListenPort: empty port", msg("[Interface]\nListenPort =\n"));
        assertEquals(
                "wg0.conf line 1: 'ListenPort' is outside a section: begin with [Interface] or [Peer]",
                msg("ListenPort = 1\n"));
        assertEquals(
                "wg0.conf line 2: unknown section '[Interfaces]': expected [Interface] or [Peer]",
                msg("\n[Interfaces]\n"));
        assertEquals(
                "wg0.conf line 2: unknown key 'Foo' in [Interface]; known keys: PrivateKey, ListenPort, FwMark, Address, DNS, MTU, Table, PreUp, PostUp, PreDown, PostDown, SaveConfig",
                msg("[Interface]\nFoo = bar\n"));
        assertTrue(msg(PEER + "Address = 10.0.0.1/24\n")
                .startsWith("wg0.conf line 3: unknown key 'Address' in [Peer] (it belongs in [Interface])"));
        assertEquals(
                "wg0.conf line 2: expected 'Key = Value' or a [Section], got 'ListenPort 5'",
                msg("[Interface]\nListenPort 5\n"));
        assertEquals("wg0.conf line 1: [Peer] has no PublicKey", msg("[Peer]\nAllowedIPs = 10.0.0.0/8\n"));
        assertEquals("wg0.conf line 3: peer " + PEER1 + " is already defined at line 1", msg(PEER + PEER));
        assertEquals(
                "wg0.conf line 3: PersistentKeepalive: '-1' is not a number 0..65535",
                msg(PEER + "PersistentKeepalive = -1\n"));
        assertEquals(
                "wg0.conf line 2: FwMark: '0x100000000' is neither off nor 0..0xffffffff",
                msg("[Interface]\nFwMark = 0x100000000\n"));
        assertEquals("wg0.conf line 2: MTU: 100 is not in 576..65535", msg("[Interface]\nMTU = 100\n"));
        assertEquals(
                "wg0.conf line 2: SaveConfig: 'yes' is neither true nor false", msg("[Interface]\nSaveConfig = yes\n"));
        assertEquals(
                "wg0.conf line 3: Endpoint: '[fd00::1:51820': no matching ']'",
                msg(PEER + "Endpoint = [fd00::1:51820\n"));
        assertEquals(
                "wg0.conf line 3: Endpoint: 'fd00::1:51820': an IPv6 endpoint needs brackets, as [addr]:port",
                msg(PEER + "Endpoint = fd00::1:51820\n"));
        assertEquals(
                "wg0.conf line 3: Endpoint: 'host:0': the port must be a number 1..65535",
                msg(PEER + "Endpoint = host:0\n"));
        assertEquals(
                "wg0.conf line 3: Endpoint: 'bad!host' is neither an IP address nor a host name",
                msg(PEER + "Endpoint = bad!host:1\n"));
        assertEquals(
                "wg0.conf line 3: AllowedIPs: '-10.0.0.0/8': '+'/'-' (incremental changes) belong to wg set, not to a file",
                msg(PEER + "AllowedIPs = -10.0.0.0/8\n"));
        assertEquals(
                "wg0.conf line 3: AllowedIPs: '': '' is not an IP address", msg(PEER + "AllowedIPs = 10.0.0.0/8,\n"));
        assertEquals(
                "wg0.conf line 2: Address: 'fd00::1/200': prefix length must be 0..128",
                msg("[Interface]\nAddress = fd00::1/200\n"));
        assertEquals("wg0.conf line 2: DNS: '1.2.3' is not an IP address", msg("[Interface]\nDNS = 1.2.3\n"));
        assertEquals("wg0.conf line 2: control character \\x00 in line", msg("[Interface]\nListen\0Port = 1\n"));
    }

    @Test
    void aHashBangLineThatIsNoKeyIsACommentAsToWg() throws Exception {
        WgQuickConfig q = ConfFile.parseWgQuick(
                "wg0.conf",
                "#!/bin/sh\n[Interface]\n#! nonsense\n#!/usr/bin/env wg-quick\nPrivateKey = " + PRIV.toBase64()
                        + "\n#! IceLazy = on\n");
        assertEquals(List.of(new WgQuickConfig.Extension(-1, "IceLazy", "on")), q.extensions());
        assertEquals(PRIV.publicKey(), q.device().publicKey());
    }

    @Test
    void keyErrorsNeverEchoTheKey() {
        String almost = PRIV.toBase64().substring(0, 43) + "!";
        String m = msg("[Interface]\nPrivateKey = " + almost + "\n");
        assertEquals(
                "wg0.conf line 2: PrivateKey: not a valid key: expected 44 base64 characters, as wg genkey prints", m);
        m = msg(PEER + "PresharedKey = " + PSK.toBase64().substring(1) + "\n");
        assertEquals(
                "wg0.conf line 3: PresharedKey: not a valid key: expected 44 base64 characters, as wg genkey prints",
                m);
        assertFalse(m.contains(PSK.toBase64().substring(1, 20)));
    }

    @Test
    void laterValuesWinAndListsAccumulate() throws Exception {
        DeviceConfig d = ConfFile.parseSetconf(
                "x",
                "[Interface]\nListenPort = 1\nListenPort = 2\n" + PEER
                        + "AllowedIPs = 10.0.0.0/8\nAllowedIPs = 10.0.0.0/8, 192.0.2.0/24\n[Interface]\nFwMark = off\n");
        assertEquals(2, d.listenPort());
        assertEquals(0, d.fwmark());
        assertEquals(
                List.of(IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("192.0.2.0/24")),
                d.peers().getFirst().allowedIps());
    }

    @Test
    void whitespaceAndCaseAreForgiven() throws Exception {
        DeviceConfig d = ConfFile.parseSetconf(
                "x",
                "  [ interface ]  \r\n\tlistenport\t=\t51820  # port\r\n[PEER]\r\n PUBLICKEY = " + PEER1.toBase64()
                        + "\r\n AllowedIPs = 10.0.0.0/8 , fd00::/8\r\n");
        assertEquals(51820, d.listenPort());
        assertEquals(2, d.peers().getFirst().allowedIps().size());
    }

    @Test
    void hostileInputIsRefusedCleanly() {
        // a huge line
        String huge = "[Interface]\nPostUp = " + "x".repeat(ConfFile.MAX_LINE_CHARS) + "\n";
        assertEquals("wg0.conf line 2: line is longer than 1048576 characters", msg(huge));
        // random binary garbage and random fragments: only ConfigException, never anything else
        String[] fragments = {
            "[Interface]",
            "[Peer]",
            "=",
            "#",
            "#!",
            "\n",
            "\r",
            "\0",
            "/",
            ",",
            ":",
            "[",
            "]",
            "PublicKey",
            "AllowedIPs",
            "Endpoint",
            "ListenPort",
            "PrivateKey",
            "10.0.0.1",
            "fd00::",
            "/33",
            "99999999999999999999",
            PEER1.toBase64(),
            " ",
            "\u00ff",
            "\ud800"
        };
        Random r = new Random(11);
        for (int i = 0; i < 5000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(40);
            for (int j = 0; j < n; j++) {
                if (r.nextInt(4) == 0) sb.append((char) r.nextInt(0x110));
                else sb.append(fragments[r.nextInt(fragments.length)]);
            }
            String text = sb.toString();
            try {
                ConfFile.parseWgQuick("fuzz.conf", text);
                ConfFile.parseSetconf("fuzz.conf", ConfFile.strip(text));
            } catch (ConfigException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz.conf"), expected.getMessage());
            }
        }
    }

    @Test
    void readsFilesAndRefusesNonText(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("wg0.conf");
        Files.writeString(ok, FULL);
        assertEquals(ConfFile.parseWgQuick("wg0.conf", FULL), ConfFile.read(ok));
        Path bin = dir.resolve("bin.conf");
        Files.write(bin, new byte[] {'[', (byte) 0xff, (byte) 0xfe, 0});
        assertEquals(
                "bin.conf: not a text file (invalid UTF-8)",
                assertThrows(ConfigException.class, () -> ConfFile.read(bin)).getMessage());
        Path big = dir.resolve("big.conf");
        Files.write(big, new byte[ConfFile.MAX_FILE_CHARS + 1]);
        assertEquals(
                "big.conf: file is larger than 8 MiB",
                assertThrows(ConfigException.class, () -> ConfFile.read(big)).getMessage());
    }
}
