package jwg.cli.metrics;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.ConfigException;
import jwg.dataplane.config.WgQuickConfig;

/**
 * Fuzz target (docs/fuzzing.md): the {@code #! Metrics} key of a .conf. {@link MetricsAddress#from}
 * refuses a malformed key or value with ConfigException and nothing else (no name is ever looked
 * up); what it accepts is an IP literal with a port in 1..65535 that reads back the same. Input:
 * up to 4 lines, each the key (or fuzzed text) with a fuzzed value, in [Interface] or in a [Peer].
 */
class MetricsAddressFuzzTest {
    private static final String[] KEYS = {"Metrics", "metrics", "METRICS", "Metric"};
    private static final String HEAD = "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n";
    private static final String PEER =
            "[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = 10.0.0.2/32\n";

    @FuzzTest(maxDuration = "5m")
    void metricsKey(FuzzedDataProvider in) {
        StringBuilder conf = new StringBuilder(HEAD);
        int lines = in.consumeInt(0, 4);
        boolean peer = false;
        for (int i = 0; i < lines; i++) {
            if (!peer && in.consumeBoolean() && in.consumeBoolean()) {
                conf.append(PEER);
                peer = true;
            }
            String key = in.consumeBoolean() ? in.pickValue(KEYS) : in.consumeString(12);
            conf.append("#! ")
                    .append(key)
                    .append(" = ")
                    .append(in.consumeString(64))
                    .append('\n');
        }
        WgQuickConfig wq;
        try {
            wq = ConfFile.parseWgQuick("fuzz.conf", conf.toString());
        } catch (ConfigException refusedByTheConfParser) {
            return;
        }
        InetSocketAddress a;
        try {
            a = MetricsAddress.from("fuzz.conf", wq);
        } catch (ConfigException refused) {
            assertTrue(refused.getMessage().contains("fuzz.conf"), refused.getMessage());
            return;
        }
        if (a == null) return; // no key (and no JWG_METRICS in the test's environment)
        assertFalse(a.isUnresolved());
        assertTrue(a.getPort() >= 1 && a.getPort() <= 65535);
        assertEquals(a, MetricsAddress.parse(MetricsAddress.text(a)), "reads back the same");
    }
}
