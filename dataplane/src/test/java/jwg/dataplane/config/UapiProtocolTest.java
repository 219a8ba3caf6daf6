package jwg.dataplane.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import jwg.tun.ip.IpPrefix;
import org.junit.jupiter.api.Test;

class UapiProtocolTest {
    static final PrivateKey PRIV = ConfFileTest.key(1);
    static final PublicKey P1 = ConfFileTest.key(2).publicKey();
    static final PublicKey P2 = ConfFileTest.key(3).publicKey();
    static final PublicKey P3 = ConfFileTest.key(5).publicKey();
    static final PresharedKey PSK = new PresharedKey(ConfFileTest.bytes(4));
    static final String ZERO = "0".repeat(64);

    final FakeDevice dev = new FakeDevice();
    final UapiProtocol uapi = new UapiProtocol(dev);

    String exchange(String request) throws IOException {
        StringWriter out = new StringWriter();
        uapi.serve(new StringReader(request), out);
        return out.toString();
    }

    String set(String... lines) throws IOException {
        return exchange("set=1\n" + String.join("\n", lines) + "\n\n");
    }

    String get() throws IOException {
        return exchange("get=1\n\n");
    }

    static final String BASE = String.join(
            "\n",
            "private_key=" + PRIV.toHex(),
            "listen_port=51820",
            "fwmark=4660",
            "replace_peers=true",
            "public_key=" + P1.toHex(),
            "preshared_key=" + PSK.toHex(),
            "endpoint=203.0.113.5:51820",
            "persistent_keepalive_interval=25",
            "replace_allowed_ips=true",
            "allowed_ip=10.0.0.2/32",
            "allowed_ip=10.1.2.3/16",
            "protocol_version=1",
            "public_key=" + P2.toHex(),
            "endpoint=[2001:DB8::1]:4500",
            "allowed_ip=fd00::/8");

    @Test
    void setsEveryKeyAndGetsItBack() throws IOException {
        assertEquals("errno=0\n\n", exchange("set=1\n" + BASE + "\n\n"));
        DeviceConfig c = dev.config;
        assertEquals(PRIV, c.privateKey());
        assertEquals(51820, c.listenPort());
        assertEquals(4660, c.fwmark());
        assertEquals(
                List.of(P1, P2), c.peers().stream().map(PeerConfig::publicKey).toList());
        PeerConfig p1 = c.peers().get(0);
        assertEquals(PSK, p1.presharedKey());
        assertEquals(new PeerEndpoint("203.0.113.5", 51820), p1.endpoint());
        assertEquals(25, p1.persistentKeepalive());
        assertEquals(List.of(IpPrefix.parse("10.0.0.2/32"), IpPrefix.parse("10.1.0.0/16")), p1.allowedIps());

        dev.stats.put(
                P1,
                new UapiDevice.PeerStats(
                        1_700_000_000_123_456_789L, 1000, 2000, new InetSocketAddress("198.51.100.9", 6000)));
        assertEquals(
                String.join(
                        "\n",
                        "private_key=" + PRIV.toHex(),
                        "listen_port=51820",
                        "fwmark=4660",
                        "public_key=" + P1.toHex(),
                        "preshared_key=" + PSK.toHex(),
                        "protocol_version=1",
                        "endpoint=198.51.100.9:6000",
                        "last_handshake_time_sec=1700000000",
                        "last_handshake_time_nsec=123456789",
                        "tx_bytes=2000",
                        "rx_bytes=1000",
                        "persistent_keepalive_interval=25",
                        "allowed_ip=10.0.0.2/32",
                        "allowed_ip=10.1.0.0/16",
                        "public_key=" + P2.toHex(),
                        "preshared_key=" + ZERO,
                        "protocol_version=1",
                        "endpoint=[2001:db8::1]:4500",
                        "last_handshake_time_sec=0",
                        "last_handshake_time_nsec=0",
                        "tx_bytes=0",
                        "rx_bytes=0",
                        "persistent_keepalive_interval=0",
                        "allowed_ip=fd00::/8",
                        "errno=0",
                        "",
                        ""),
                get());
    }

    @Test
    void getOfAnEmptyDeviceAndTheBoundPort() throws IOException {
        assertEquals("errno=0\n\n", get());
        dev.bound = 40000;
        assertEquals("listen_port=40000\nerrno=0\n\n", get());
    }

    @Test
    void getOutputRoundTripsAsASet() throws IOException {
        set(BASE);
        DeviceConfig before = dev.config;
        List<String> lines = new ArrayList<>(get().lines()
                .filter(l -> !l.isEmpty()
                        && !l.startsWith("errno")
                        && !l.startsWith("last_handshake")
                        && !l.startsWith("tx_bytes")
                        && !l.startsWith("rx_bytes"))
                .toList());
        FakeDevice other = new FakeDevice();
        assertEquals(0, new UapiProtocol(other).apply(lines));
        assertEquals(before, other.config);
    }

    @Test
    void severalExchangesOnOneConnection() throws IOException {
        String out = exchange("set=1\nlisten_port=1\n\nget=1\n\nset=1\nlisten_port=x\n\nget=1\n\n");
        assertEquals("errno=0\n\nlisten_port=1\nerrno=0\n\nerrno=-22\n\nlisten_port=1\nerrno=0\n\n", out);
    }

    @Test
    void peerOperations() throws IOException {
        set(BASE);
        // update_only does not create
        assertEquals(
                "errno=0\n\n",
                set("public_key=" + P3.toHex(), "update_only=true", "allowed_ip=192.0.2.0/24", "endpoint=192.0.2.1:1"));
        assertTrue(dev.config.peer(P3).isEmpty());
        // update_only on an existing peer updates it
        set("public_key=" + P2.toHex(), "update_only=true", "persistent_keepalive_interval=5");
        assertEquals(5, dev.config.peer(P2).orElseThrow().persistentKeepalive());
        // an allowed IP moves to the peer that claims it last
        set("public_key=" + P2.toHex(), "allowed_ip=10.0.0.2/32");
        assertFalse(dev.config.peer(P1).orElseThrow().allowedIps().contains(IpPrefix.parse("10.0.0.2/32")));
        assertTrue(dev.config.peer(P2).orElseThrow().allowedIps().contains(IpPrefix.parse("10.0.0.2/32")));
        // allowed_ip=-prefix removes it, but only from the peer that has it
        set("public_key=" + P1.toHex(), "allowed_ip=-fd00::/8");
        assertTrue(dev.config.peer(P2).orElseThrow().allowedIps().contains(IpPrefix.parse("fd00::/8")));
        set("public_key=" + P2.toHex(), "allowed_ip=-fd00::/8");
        assertFalse(dev.config.peer(P2).orElseThrow().allowedIps().contains(IpPrefix.parse("fd00::/8")));
        // replace_allowed_ips clears, zero preshared key removes it
        set("public_key=" + P1.toHex(), "replace_allowed_ips=true", "preshared_key=" + ZERO);
        assertEquals(List.of(), dev.config.peer(P1).orElseThrow().allowedIps());
        assertNull(dev.config.peer(P1).orElseThrow().presharedKey());
        // remove; lines after remove apply to nothing
        set("public_key=" + P1.toHex(), "remove=true", "allowed_ip=10.9.0.0/16");
        assertTrue(dev.config.peer(P1).isEmpty());
        assertFalse(dev.config.peers().stream().anyMatch(p -> p.allowedIps().contains(IpPrefix.parse("10.9.0.0/16"))));
        // replace_peers
        set("replace_peers=true");
        assertEquals(List.of(), dev.config.peers());
        assertEquals(PRIV, dev.config.privateKey(), "replace_peers keeps the device settings");
    }

    @Test
    void ownPublicKeyIsIgnoredAndANewPrivateKeyDropsItsPeer() throws IOException {
        set("private_key=" + PRIV.toHex());
        assertEquals("errno=0\n\n", set("public_key=" + PRIV.publicKey().toHex(), "allowed_ip=10.0.0.0/8"));
        assertEquals(List.of(), dev.config.peers());
        set("public_key=" + P1.toHex(), "allowed_ip=10.0.0.0/8");
        PrivateKey p1Private = ConfFileTest.key(2);
        set("private_key=" + p1Private.toHex());
        assertEquals(
                List.of(), dev.config.peers(), "the peer with our new public key is removed, as wireguard-go does");
        set("private_key=" + ZERO);
        assertNull(dev.config.privateKey());
        assertEquals("errno=0\n\n", get());
    }

    @Test
    void everyMalformedSetChangesNothing() throws IOException {
        set(BASE);
        DeviceConfig before = dev.config;
        int configures = dev.configures;
        String pk = "public_key=" + P1.toHex();
        Object[][] cases = {
            {-71, new String[] {"listen_port"}},
            {-71, new String[] {pk, "garbage-without-equals"}},
            {-22, new String[] {"private_key=" + PRIV.toHex().substring(1)}},
            {-22, new String[] {"private_key=" + "g".repeat(64)}},
            {-22, new String[] {"private_key=" + PRIV.toBase64()}},
            {-22, new String[] {"listen_port=65536"}},
            {-22, new String[] {"listen_port=-1"}},
            {-22, new String[] {"listen_port=+1"}},
            {-22, new String[] {"listen_port= 1"}},
            {-22, new String[] {"listen_port="}},
            {-22, new String[] {"fwmark=4294967296"}},
            {-22, new String[] {"fwmark=0x10"}},
            {-22, new String[] {"replace_peers=false"}},
            {-22, new String[] {"Listen_Port=1"}},
            {-22, new String[] {"allowed_ip=10.0.0.0/8"}},
            {-22, new String[] {"endpoint=1.2.3.4:5"}},
            {-22, new String[] {"public_key=" + P1.toHex() + "00"}},
            {-22, new String[] {pk, "private_key=" + PRIV.toHex()}},
            {-22, new String[] {pk, "listen_port=1"}},
            {-22, new String[] {pk, "update_only=yes"}},
            {-22, new String[] {pk, "remove=1"}},
            {-22, new String[] {pk, "replace_allowed_ips=false"}},
            {-22, new String[] {pk, "preshared_key=xyz"}},
            {-22, new String[] {pk, "endpoint=example.com:51820"}},
            {-22, new String[] {pk, "endpoint=1.2.3.4"}},
            {-22, new String[] {pk, "endpoint=1.2.3.4:65536"}},
            {-22, new String[] {pk, "endpoint=fd00::1:5"}},
            {-22, new String[] {pk, "endpoint=[fe80::1%eth0]:5"}},
            {-22, new String[] {pk, "persistent_keepalive_interval=65536"}},
            {-22, new String[] {pk, "persistent_keepalive_interval=off"}},
            {-22, new String[] {pk, "allowed_ip=10.0.0.0/33"}},
            {-22, new String[] {pk, "allowed_ip=10.0.0.1"}},
            {-22, new String[] {pk, "allowed_ip=fd00::/129"}},
            {-22, new String[] {pk, "allowed_ip=10.0.0.0/8\r"}},
            {-22, new String[] {pk, "protocol_version=2"}},
            {-22, new String[] {pk, "unknown=1"}},
            // a valid prefix of changes followed by one bad line: nothing of it applies
            {
                -22,
                new String[] {
                    "listen_port=9",
                    "replace_peers=true",
                    "public_key=" + P3.toHex(),
                    "allowed_ip=0.0.0.0/0",
                    "endpoint=nope"
                }
            },
        };
        for (Object[] c : cases) {
            String[] lines = (String[]) c[1];
            assertEquals("errno=" + c[0] + "\n\n", set(lines), String.join(" | ", lines));
            assertEquals(before, dev.config, String.join(" | ", lines));
            assertEquals(configures, dev.configures, "configure must not be called: " + String.join(" | ", lines));
        }
    }

    @Test
    void aPortInUseChangesNothing() throws IOException {
        set(BASE);
        DeviceConfig before = dev.config;
        dev.busyPort = 9999;
        assertEquals("errno=-98\n\n", set("listen_port=9999", "public_key=" + P3.toHex()));
        assertEquals(before, dev.config);
    }

    @Test
    void getWithTrailingGarbageAndUnknownOperations() throws IOException {
        assertEquals("errno=-22\n\n", exchange("get=1\nx"));
        assertEquals("", exchange("get=1\n"), "connection ends before the empty line: no reply, as wireguard-go");
        assertEquals("", exchange("hello=1\n\nget=1\n\n"), "unknown operation: closed without a reply");
        assertEquals("", exchange("\n"));
        assertEquals("", exchange("get=1"), "no newline after the operation");
        assertEquals("", exchange(""));
        assertEquals(
                "errno=0\n\n", exchange("set=1\nlisten_port=2"), "the end of input also ends a set, as wireguard-go");
        assertEquals(2, dev.config.listenPort());
    }

    @Test
    void hostileRequestsAreRefusedWithoutExceptions() throws IOException {
        set(BASE);
        DeviceConfig before = dev.config;
        // a line over the limit: -EIO, nothing applied, connection closed (the get is not answered)
        String huge = "set=1\nlisten_port=1\nallowed_ip=" + "1".repeat(UapiProtocol.MAX_LINE_CHARS) + "\n\nget=1\n\n";
        assertEquals("errno=-5\n\n", exchange(huge));
        assertEquals(before, dev.config);
        // an endless line never terminated is not buffered without limit
        Reader endless = new Reader() {
            final String head = "set=1\n";
            int n;

            @Override
            public int read(char[] b, int off, int len) {
                for (int i = 0; i < len; i++) b[off + i] = n < head.length() ? head.charAt(n++) : 'a';
                return len;
            }

            @Override
            public void close() {}
        };
        StringWriter out = new StringWriter();
        uapi.serve(endless, out);
        assertEquals("errno=-5\n\n", out.toString());
        // binary garbage in many shapes: replies are errnos or nothing, the model is intact, nothing throws
        Random r = new Random(5);
        String[] fragments = {
            "set=1\n",
            "get=1\n",
            "\n",
            "=",
            "public_key=" + P1.toHex() + "\n",
            "allowed_ip=",
            "10.0.0.0/8",
            "endpoint=",
            "remove=true\n",
            "listen_port=",
            "99999",
            "\0",
            "\r",
            "\ufffd",
            "\u00ff"
        };
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder("set=1\n");
            int n = r.nextInt(30);
            for (int j = 0; j < n; j++)
                sb.append(
                        r.nextInt(3) == 0
                                ? String.valueOf((char) r.nextInt(256))
                                : fragments[r.nextInt(fragments.length)]);
            dev.config = before;
            String reply = exchange(sb.toString());
            assertTrue(reply.isEmpty() || reply.matches("(?s)(.*errno=-?\\d+\n\n)+"), reply);
        }
    }

    @Test
    void countersAreJwgsOwnRequest() throws IOException {
        dev.counters.put("device_drop_no_route", 3L);
        dev.counters.put("protocol_drop_replayed_counter", 446L);
        assertEquals(
                "device_drop_no_route=3\nprotocol_drop_replayed_counter=446\nerrno=0\n\n",
                exchange("jwg-counters=1\n\n"));
        // like get=1: anything but the empty line is refused, and nothing else is served on it
        assertEquals("errno=-22\n\n", exchange("jwg-counters=1\nx"));
        // followed by a get on the same connection, as wg does with get
        assertTrue(exchange("jwg-counters=1\n\nget=1\n\n")
                .matches("(?s)device_drop_no_route=3\n.*errno=0\n\n.*errno=0\n\n"));
        // a device that keeps no counters answers an empty list
        assertEquals("errno=0\n\n", new UapiProtocolTest().exchange("jwg-counters=1\n\n"));
    }
}
