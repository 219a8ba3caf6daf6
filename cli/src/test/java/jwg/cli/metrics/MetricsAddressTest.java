package jwg.cli.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The {@code #! Metrics} key and the JWG_METRICS syntax. */
class MetricsAddressTest {
    private static final String KEY = "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n";

    @Test
    void portAloneMeansLoopback() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9586), MetricsAddress.parse("9586"));
        assertEquals(new InetSocketAddress("127.0.0.1", 9586), MetricsAddress.parse("127.0.0.1:9586"));
        assertEquals(new InetSocketAddress("::1", 9586), MetricsAddress.parse("[::1]:9586"));
        assertEquals(new InetSocketAddress("198.51.100.1", 1), MetricsAddress.parse("198.51.100.1:1"));
        assertEquals("[::1]:9586", MetricsAddress.text(MetricsAddress.parse("[::1]:9586")));
    }

    @Test
    void badAddressesSayWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse("localhost:9586"))
                .getMessage()
                .contains("not an IP address"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse("127.0.0.1:0"))
                .getMessage()
                .contains("out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse("127.0.0.1:65536"))
                .getMessage()
                .contains("out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse("::1:9586"))
                .getMessage()
                .contains("brackets"));
        assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse("127.0.0.1:"));
        assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse(""));
        assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse("300.1.1.1:80"));
    }

    @Test
    void theConfKeyIsReadFromInterfaceOnly() throws Exception {
        var conf = ConfFile.parseWgQuick("wg0.conf", KEY + "#! Metrics = 127.0.0.1:9586\n");
        assertEquals(new InetSocketAddress("127.0.0.1", 9586), MetricsAddress.from("wg0.conf", conf));
        ConfigException inPeer = assertThrows(
                ConfigException.class,
                () -> MetricsAddress.from(
                        "wg0.conf",
                        ConfFile.parseWgQuick(
                                "wg0.conf",
                                KEY
                                        + "\n[Peer]\nPublicKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n#! Metrics = 9586\n")));
        assertTrue(
                inPeer.getMessage().contains("Metrics") && inPeer.getMessage().contains("[Interface]"),
                inPeer.getMessage());
        ConfigException twice = assertThrows(
                ConfigException.class,
                () -> MetricsAddress.from(
                        "wg0.conf", ConfFile.parseWgQuick("wg0.conf", KEY + "#! Metrics = 9586\n#! Metrics = 9587\n")));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
        ConfigException bad = assertThrows(
                ConfigException.class,
                () -> MetricsAddress.from(
                        "wg0.conf", ConfFile.parseWgQuick("wg0.conf", KEY + "#! Metrics = example.com:9586\n")));
        assertTrue(bad.getMessage().contains("wg0.conf") && bad.getMessage().contains("example.com"), bad.getMessage());
    }

    @Test
    void theSignalingUrlLosesItsUserInfoOnThePage() {
        assertEquals("http://203.0.113.1:8443/", DeviceMetrics.withoutUserInfo("http://user:secret@203.0.113.1:8443/"));
        assertEquals("https://203.0.113.1/x?y", DeviceMetrics.withoutUserInfo("https://a:b@203.0.113.1/x?y"));
        assertEquals("http://203.0.113.1:8443/", DeviceMetrics.withoutUserInfo("http://203.0.113.1:8443/"));
    }
}
