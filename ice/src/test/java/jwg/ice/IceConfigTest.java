package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The .conf's '#! Ice...' keys: read as documented, and a bad key refused by name (never the TURN password). */
class IceConfigTest {
    static final String KEY = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
    static final String PEER = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";

    static String conf(String iceLines) {
        return "[Interface]\nPrivateKey = " + KEY + "\nAddress = 192.0.2.1/24\n" + iceLines + "\n[Peer]\nPublicKey = "
                + PEER + "\nAllowedIPs = 192.0.2.2/32\n";
    }

    static IceConfig read(String iceLines) throws ConfigException {
        return IceConfig.from("wg0.conf", ConfFile.parseWgQuick("wg0.conf", conf(iceLines)));
    }

    @Test
    void readsEveryKey() throws Exception {
        IceConfig c = read("""
                #! IceSignal = http://203.0.113.1:8443/
                #! IceStun = 203.0.113.1:3478
                #! IceStun = [fd00::1]:3478
                #! IceTurn = alice:s3cret:x@203.0.113.1:3478
                #! IceLazy = on
                #! IceIdleTimeout = 2m
                """);
        assertEquals("http://203.0.113.1:8443/", c.signal().toString());
        assertEquals(2, c.servers().stun().size());
        assertEquals("alice", c.servers().turn().get(0).username());
        assertEquals("s3cret:x", c.servers().turn().get(0).password(), "the password may hold ':'");
        assertTrue(c.lazy());
        assertEquals(Duration.ofMinutes(2), c.idleTimeout());
        assertFalse(c.toString().contains("s3cret"), "the TURN password is never printed: " + c);
    }

    @Test
    void noIceKeysMeansPlainWireGuard() throws Exception {
        assertNull(read(""));
        assertEquals(
                IceConfig.DEFAULT_IDLE,
                read("#! IceSignal = https://signal.example/\n").idleTimeout());
    }

    @Test
    void badKeysAreRefusedByName() {
        String[][] cases = {
            {"#! IceStun = 203.0.113.1:3478\n", "no '#! IceSignal"},
            {"#! IceSignal = ftp://x/\n", "IceSignal"},
            {"#! IceSignal = http://x/\n#! IceStun = 203.0.113.1\n", "IceStun"},
            {"#! IceSignal = http://x/\n#! IceStun = 203.0.113.1:99999\n", "1..65535"},
            {"#! IceSignal = http://x/\n#! IceTurn = 203.0.113.1:3478\n", "user:password@host:port"},
            {"#! IceSignal = http://x/\n#! IceLazy = maybe\n", "IceLazy"},
            {"#! IceSignal = http://x/\n#! IceIdleTimeout = 1s\n", "at least"},
            {"#! IceSignal = http://x/\n#! IceIdleTimeout = 5d\n", "unit"},
            {"#! IceSignal = http://x/\n#! IceBogus = 1\n", "unknown key"},
        };
        for (String[] c : cases) {
            ConfigException e = assertThrows(ConfigException.class, () -> read(c[0]), c[0]);
            assertTrue(e.getMessage().startsWith("wg0.conf"), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> read("#! IceSignal = http://x/\n#! IceTurn = u:hunter2@nowhere.invalid:3478\n"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void iceKeysInAPeerSectionAreRefused() {
        String text = conf("#! IceSignal = http://x/\n") + "#! IceLazy = on\n";
        ConfigException e = assertThrows(
                ConfigException.class, () -> IceConfig.from("wg0.conf", ConfFile.parseWgQuick("wg0.conf", text)));
        assertTrue(e.getMessage().contains("[Interface]"), e.getMessage());
        assertEquals(9, e.line(), e.getMessage());
    }

    @Test
    void aBadValueNamesItsLine() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> read("#! IceSignal = http://x/\n#! IceIdleTimeout = soon\n"));
        assertEquals(5, e.line());
        assertTrue(e.getMessage().startsWith("wg0.conf line 5: '#! IceIdleTimeout = soon'"), e.getMessage());
        e = assertThrows(
                ConfigException.class, () -> read("#! IceSignal = http://x/\n#! IceTurn = u:hunter2@nohost\n"));
        assertEquals(5, e.line());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void iceRelayPerInterfaceAndPerPeerThePeersWins() throws Exception {
        assertEquals(RelayPolicy.ON, read("#! IceSignal = http://x/\n").relay());
        IceConfig c = IceConfig.from(
                "wg0.conf",
                ConfFile.parseWgQuick(
                        "wg0.conf", conf("#! IceSignal = http://x/\n#! IceRelay = force\n") + "#! IceRelay = off\n"));
        assertEquals(RelayPolicy.FORCE, c.relay());
        assertEquals(RelayPolicy.OFF, c.relayFor(jwg.noise.PublicKey.fromBase64(PEER)));
        assertEquals(
                RelayPolicy.FORCE,
                c.relayFor(jwg.noise.PrivateKey.fromBase64(KEY).publicKey()),
                "a peer without its own key (added later by wg set) takes the interface's");
        IceConfig forced = c.withRelayOverride("off");
        assertEquals(RelayPolicy.OFF, forced.relayFor(jwg.noise.PublicKey.fromBase64(PEER)));
        assertEquals(RelayPolicy.OFF, forced.relay(), "$JWG_ICE_RELAY overrides interface and peers");
        assertSame(c, c.withRelayOverride(" "));
        ConfigException env = assertThrows(ConfigException.class, () -> c.withRelayOverride("sometimes"));
        assertTrue(env.getMessage().startsWith("JWG_ICE_RELAY: 'sometimes'"), env.getMessage());
        ConfigException e =
                assertThrows(ConfigException.class, () -> read("#! IceSignal = http://x/\n#! IceRelay = maybe\n"));
        assertTrue(e.getMessage().contains("IceRelay") && e.getMessage().contains("on, off or force"), e.getMessage());
    }

    @Test
    void aHugeIdleTimeoutIsAConfigErrorNamingTheKey() throws Exception {
        for (String v :
                new String[] {"9223372036854775807h", "2562047788015216h", "99999999999m", "366000000s", "8761h"}) {
            ConfigException e = assertThrows(
                    ConfigException.class,
                    () -> read("#! IceSignal = https://signal.example/\n#! IceIdleTimeout = " + v + "\n"),
                    v);
            assertTrue(
                    e.getMessage().contains("IceIdleTimeout") && e.getMessage().contains("365 days"), e.getMessage());
        }
        assertEquals(
                Duration.ofHours(8760),
                read("#! IceSignal = https://signal.example/\n#! IceIdleTimeout = 8760h\n")
                        .idleTimeout());
    }
}
