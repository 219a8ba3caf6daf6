package jwg.tun.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class IpTextTest {
    @Test
    void hostPortBracketsIpv6AndWritesItAsRfc5952() throws Exception {
        assertEquals(
                "192.0.2.1:51820", IpText.hostPort(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 51820)));
        // InetAddress.getHostAddress would write "fd00:0:0:0:0:0:0:1"
        assertEquals("[fd00::1]:5", IpText.hostPort(new InetSocketAddress(InetAddress.getByName("fd00:0::1"), 5)));
    }

    @Test
    void hostPortWritesANameAsGiven() {
        assertEquals("example.org:443", IpText.hostPort("example.org", 443));
        assertEquals("[fd00::2]:9", IpText.hostPort("fd00::2", 9));
    }
}
