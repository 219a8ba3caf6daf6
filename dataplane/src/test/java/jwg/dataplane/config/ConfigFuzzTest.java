package jwg.dataplane.config;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import jwg.dataplane.bind.Endpoint;

/**
 * Fuzz targets (docs/fuzzing.md) for configuration that arrives from outside the process: the UAPI
 * stream on the control socket (what {@code wg set} or anyone with access to the socket writes),
 * the set parser behind it, .conf files, and endpoints. The contract: each refuses malformed input
 * with its declared exception (UapiException, ConfigException, IllegalArgumentException) and
 * nothing else, and the .conf writer's text parses back to the same configuration.
 */
class ConfigFuzzTest {

    /** The whole control-socket conversation: any bytes, any number of get/set requests. */
    @FuzzTest(maxDuration = "5m")
    void uapiProtocol(byte[] input) throws IOException {
        String stream = new String(input, java.nio.charset.StandardCharsets.UTF_8); // seeds are plain text files
        FakeDevice device = new FakeDevice();
        StringWriter out = new StringWriter();
        new UapiProtocol(device).serve(new StringReader(stream), out);
        String reply = out.toString();
        assertFalse(
                reply.contains("errno=" + UapiException.UNKNOWN + "\n"),
                () -> "a request hit an unexpected exception (UNKNOWN): " + reply);
        assertTrue(reply.isEmpty() || reply.endsWith("\n\n"), "every reply ends with a blank line");
    }

    /** One set request's lines: parse, then apply to a configuration that already has peers. */
    @FuzzTest(maxDuration = "5m")
    void uapiSet(byte[] input) {
        String text = new String(input, java.nio.charset.StandardCharsets.UTF_8); // seeds are plain text files
        List<String> lines = text.lines().toList();
        UapiSet set;
        try {
            set = UapiSet.parse(lines);
        } catch (UapiException refused) {
            return;
        }
        try {
            DeviceConfig next = set.applyTo(BASE);
            assertNotNull(next);
        } catch (IllegalArgumentException refusedByTheModel) {
            // documented (UapiProtocol.apply): a key type or a model rule refusing a value
        }
    }

    private static final DeviceConfig BASE;

    static {
        try {
            BASE = ConfFile.parseSetconf("base", """
                    [Interface]
                    PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
                    ListenPort = 51820
                    [Peer]
                    PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
                    AllowedIPs = 10.0.0.2/32, fd00::2/128
                    Endpoint = 192.0.2.2:51820
                    """);
        } catch (ConfigException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A wg-quick .conf file: parses or is refused with ConfigException; what parses round-trips. */
    @FuzzTest(maxDuration = "5m")
    void confFile(byte[] input) {
        String text = new String(input, java.nio.charset.StandardCharsets.UTF_8); // seeds are plain text files
        WgQuickConfig q;
        try {
            q = ConfFile.parseWgQuick("fuzz.conf", text);
        } catch (ConfigException refused) {
            q = null;
        }
        if (q != null) {
            String again = ConfFile.format(q, true);
            try {
                assertEquals(q, ConfFile.parseWgQuick("again.conf", again), () -> "round trip through\n" + again);
            } catch (ConfigException e) {
                fail("the writer's text does not parse: " + e.getMessage() + "\n" + again);
            }
        }
        try {
            ConfFile.parseSetconf("fuzz.conf", ConfFile.strip(text));
        } catch (ConfigException refused) {
            // fine
        }
    }

    /** Endpoints as UAPI and .conf files give them, and as the bind parses them. */
    @FuzzTest(maxDuration = "5m")
    void endpoint(byte[] input) {
        String text = new String(input, java.nio.charset.StandardCharsets.UTF_8); // seeds are plain text files
        try {
            PeerEndpoint e = PeerEndpoint.parse(text);
            assertEquals(e, PeerEndpoint.parse(e.toString()), "round trip");
            if (e.isNumeric()) assertEquals(e, PeerEndpoint.parseNumeric(e.toString()));
        } catch (IllegalArgumentException refused) {
            // fine
        }
        try {
            Endpoint e = Endpoint.parse(text);
            assertEquals(e.toSocketAddress(), Endpoint.parse(e.toString()).toSocketAddress(), "round trip");
        } catch (IllegalArgumentException refused) {
            // fine
        }
    }
}
