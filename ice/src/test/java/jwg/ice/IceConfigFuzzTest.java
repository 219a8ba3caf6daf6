package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.ConfigException;
import jwg.dataplane.config.WgQuickConfig;

/**
 * Fuzz target (docs/fuzzing.md): jwg's "#! Ice..." keys in a .conf file. {@link IceConfig#from}
 * refuses a malformed key or value with ConfigException and nothing else; what it accepts is in
 * range. Host names are not resolved during fuzzing ({@link OfflineResolver}). Input: up to 8
 * lines, each a known key (or fuzzed text) and a fuzzed value, in [Interface] or in a [Peer].
 */
class IceConfigFuzzTest {
    private static final String[] KEYS = {
        "IceSignal", "IceStun", "IceTurn", "IceLazy", "IceIdleTimeout", "icestun", "Ice"
    };
    private static final String HEAD =
            "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nAddress = 192.0.2.1/24\n";
    private static final String PEER =
            "[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = 10.0.0.2/32\n";

    @FuzzTest(maxDuration = "5m")
    void iceKeys(FuzzedDataProvider in) throws Exception {
        StringBuilder conf = new StringBuilder(HEAD);
        int lines = in.consumeInt(0, 8);
        boolean peerOpened = false;
        for (int i = 0; i < lines; i++) {
            if (!peerOpened && in.consumeBoolean() && in.consumeBoolean() && in.consumeBoolean()) {
                conf.append(PEER);
                peerOpened = true;
            }
            String key = in.consumeBoolean() ? in.pickValue(KEYS) : in.consumeString(16);
            conf.append("#! ")
                    .append(key)
                    .append(" = ")
                    .append(in.consumeString(96))
                    .append('\n');
        }
        WgQuickConfig wq;
        try {
            wq = ConfFile.parseWgQuick("fuzz.conf", conf.toString());
        } catch (ConfigException refusedByTheConfParser) {
            return;
        }
        IceConfig c;
        try {
            c = OfflineResolver.offline(() -> IceConfig.from("fuzz.conf", wq));
        } catch (ConfigException refused) {
            return;
        }
        if (c == null) return; // no Ice keys: plain WireGuard
        assertTrue("http".equals(c.signal().getScheme())
                || "https".equals(c.signal().getScheme()));
        assertNotNull(c.signal().getHost());
        assertTrue(c.idleTimeout().compareTo(IceConfig.MIN_IDLE) >= 0);
        assertTrue(c.forInterface("wg0").hosts().excludedInterfaces().contains("wg0"));
        assertNotNull(c.toString());
    }
}
