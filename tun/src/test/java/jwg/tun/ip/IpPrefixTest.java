package jwg.tun.ip;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one IP type: parsing (with messages that name the text), canonical text, masks and containment. */
class IpPrefixTest {
    static IpPrefix p(String s) {
        return IpPrefix.parse(s);
    }

    @Test
    void keepsHostBitsAndMasksOnRequest() {
        assertEquals("192.0.2.1/24", p("192.0.2.1/24").toString());
        assertEquals("192.0.2.0/24", p("192.0.2.77/24").network().toString());
        assertEquals("fd00:2::1/64", p("fd00:2::1/64").toString());
        assertEquals("fd00:3::/48", p("fd00:3:0:7::1/48").network().toString());
        assertEquals("0.0.0.0/0", p("10.1.2.3/0").network().toString());
        assertEquals("::/0", p("::/0").toString());
        assertEquals("198.51.100.7/32", p("198.51.100.7").toString());
        assertEquals("198.51.100.7", p("198.51.100.7/24").address());
        assertArrayEquals(
                new byte[] {(byte) 198, 51, 100, 7}, p("198.51.100.7/24").addressBytes());
        assertNotEquals(p("10.0.0.0/8"), p("10.1.2.3/8"), "host bits are part of the value");
        assertEquals(p("10.0.0.0/8"), p("10.1.2.3/8").network());
        assertEquals(p("10.0.0.0/8").hashCode(), p("10.1.2.3/8").network().hashCode());
        IpPrefix net = p("fd00::/8");
        assertSame(net, net.network(), "a network is its own network: no copy");
    }

    @Test
    void containment() {
        IpPrefix net = p("192.0.2.0/24");
        assertTrue(net.contains(p("192.0.2.128/25")));
        assertTrue(net.contains(p("192.0.2.7")));
        assertTrue(net.contains(net));
        assertFalse(net.contains(p("192.0.0.0/16")), "shorter prefix");
        assertFalse(net.contains(p("198.51.100.1")));
        assertFalse(p("0.0.0.0/0").contains(p("::1")), "families never contain each other");
        assertTrue(p("::/0").contains(p("fd00::1")));
        assertTrue(p("fd00::/8").contains(p("fdff:ffff::/32")));
        assertFalse(p("fd00::/127").contains(p("fd00::2")));
        assertTrue(p("fd00::/127").contains(p("fd00::1")));
        assertTrue(p("10.0.0.1/8").contains(p("10.200.0.0/16")), "a host-bit address contains its network's addresses");
        assertTrue(net.containsIpv4(p("192.0.2.255").ipv4()));
        assertFalse(net.containsIpv4(p("192.0.3.0").ipv4()));
        IpPrefix six = p("2001:db8::/32");
        IpPrefix one = p("2001:db8:1::1");
        assertTrue(six.containsIpv6(one.high(), one.low()));
        assertFalse(six.containsIpv6(one.high() ^ (1L << 33), one.low()));
    }

    @Test
    void factoriesCheckTheLength() {
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.ofIpv4(0, 33));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.ofIpv6(0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.of(new byte[5], 8));
        assertEquals(p("10.0.0.1/8"), IpPrefix.of(new byte[] {10, 0, 0, 1}, 8));
        assertEquals(p("::1/64"), IpPrefix.ofIpv6(0, 1, 64));
    }

    @Test
    void masks() {
        assertEquals(0L, IpPrefix.maskHigh(0));
        assertEquals(0xFF00_0000_0000_0000L, IpPrefix.maskHigh(8));
        assertEquals(-1L, IpPrefix.maskHigh(64));
        assertEquals(0L, IpPrefix.maskLow(64));
        assertEquals(0x8000_0000_0000_0000L, IpPrefix.maskLow(65));
        assertEquals(-1L, IpPrefix.maskLow(128));
    }

    @Test
    void quotingBoundsAndEscapes() {
        assertEquals("'a\\x01b\\x27'", UntrustedText.quote("a\u0001b'"));
        String longText = "x".repeat(200);
        assertTrue(UntrustedText.quote(longText).endsWith("...(200 chars)'"));
        var e = assertThrows(IllegalArgumentException.class, () -> p("evil\u0007/8"));
        assertEquals("'evil\\x07/8': 'evil\\x07' is not an IP address", e.getMessage());
    }

    @Test
    void prefixParsingErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> p("10.0.0.1/33"));
        assertEquals("'10.0.0.1/33': prefix length must be 0..32", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p("fd00::/129"));
        assertEquals("'fd00::/129': prefix length must be 0..128", e.getMessage());
        for (String bad : new String[] {
            "",
            "/8",
            "10.0.0/8",
            "10.0.0.256/8",
            "10.0.0.01/8",
            "10.0.0.1/",
            "10.0.0.1/-1",
            "10.0.0.1/+8",
            "10.0.0.1/08",
            "fd00:::/8",
            "fd00::1::/64",
            "1:2:3:4:5:6:7:8:9/128",
            "fe80::1%eth0/64",
            "::1.2.3/128",
            "1.2.3.4.5/32",
            " 10.0.0.0/8",
            "10.0.0.0 /8",
            "x"
        }) {
            assertThrows(IllegalArgumentException.class, () -> p(bad), bad);
        }
        assertEquals("10.0.0.1/32", p("10.0.0.1").toString());
        assertEquals("fd00::1/128", p("FD00:0:0::1").toString());
        assertEquals("::ffff:1.2.3.4/128", p("::ffff:1.2.3.4").toString());
        assertTrue(p("::ffff:1.2.3.4/128").isIpv6(), "v4-mapped text stays IPv6");
        assertEquals("2001:db8::1:0:0:1/128", p("2001:db8:0:0:1:0:0:1").toString());
        assertEquals("1::/0", p("1::/0").toString());
        assertEquals("::/0", p("1::/0").network().toString());
        assertEquals("1:2:3:4:5:6:7:8/128", p("1:2:3:4:5:6:7:8").toString());
        assertEquals(
                "0:1:2:3:4:5:6:7/128", p("::1:2:3:4:5:6:7").toString(), "RFC 5952: one zero group is not compressed");
        assertEquals("1:2:3:4:5:6:7:0/128", p("1:2:3:4:5:6:7::").toString());
        assertEquals("1::4:0:0:7:8/128", p("1:0:0:4:0:0:7:8").toString(), "RFC 5952: the first of equal runs");
    }

    @Test
    void ipv6TextRoundTripsAgainstJdk() throws Exception {
        Random r = new Random(3);
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[16];
            r.nextBytes(b);
            for (int j = 0; j < 16; j++) if (r.nextInt(3) == 0) b[j] = 0;
            String s = IpText.format(b);
            assertArrayEquals(b, IpText.parse(s), s);
            // the JDK's own (uncompressed) text must parse to the same bytes
            String jdk = java.net.InetAddress.getByAddress(b).getHostAddress();
            if (jdk.contains(":")) assertArrayEquals(b, IpText.parse(jdk), jdk);
        }
    }
}
