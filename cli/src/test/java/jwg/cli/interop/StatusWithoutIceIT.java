package jwg.cli.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import jwg.cli.interop.Lab.Impl;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: {@code jwg status} on interfaces that wg-quick started, without ICE — jwg's (answers
 * EOPNOTSUPP) and wireguard-go's (closes the connection on the unknown request) — shows the
 * WireGuard view and says ICE is off, instead of failing "mid-reply".
 */
class StatusWithoutIceIT {
    @Test
    void showsTheWireGuardViewAndSaysIceIsOff() {
        try (Lab lab = Lab.up(Impl.JWG, Impl.WIREGUARD_GO, false)) {
            lab.inNs(lab.a.ns, Lab.CMD_TIMEOUT, "ping", "-c", "1", "-W", "5", lab.b.tun4)
                    .check("ping through the tunnel");
            String launcher = Lab.jwgLauncher().toString();
            for (Lab.Node n : new Lab.Node[] {lab.a, lab.b}) {
                Lab.Result text = lab.run(Duration.ofSeconds(60), launcher, "status", n.ifname);
                assertEquals(0, text.exit(), text.toString());
                assertTrue(text.out().startsWith("interface: " + n.ifname + "\n"), text.toString());
                assertTrue(text.out().contains("peer: " + n.peer.publicKey), text.toString());
                assertTrue(text.out().contains("ice: off"), text.toString());
                assertFalse(text.out().contains(n.privateKey), "no private key");
                assertFalse(text.err().contains("mid-reply"), text.toString());
                Lab.Result json = lab.run(Duration.ofSeconds(60), launcher, "status", "--json", n.ifname);
                assertEquals(0, json.exit(), json.toString());
                String j = json.out().strip();
                assertTrue(
                        j.startsWith("{\"interface\":\"" + n.ifname + "\",\"ice\":false,\"peers\":[{\"publicKey\":\""
                                + n.peer.publicKey + "\","),
                        j);
                assertTrue(j.contains("\"allowedIps\":[\"" + n.peer.tun4 + "/32\""), j);
                assertTrue(j.matches(".*\"lastHandshake\":[1-9][0-9]*,.*"), "the ping made a handshake: " + j);
                assertTrue(j.endsWith("}]}"), j);
            }
        }
    }
}
