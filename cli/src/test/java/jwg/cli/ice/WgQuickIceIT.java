package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import jwg.testkit.Daemon;
import jwg.testkit.Launcher;
import jwg.testkit.NatLab;
import jwg.testkit.NatLab.Host;
import jwg.testkit.NatLab.Topology;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;

/**
 * ICE under the real wg-quick: {@code WG_QUICK_USERSPACE_IMPLEMENTATION=jwg JWG_CONFIG=CONF
 * wg-quick up CONF} on both hosts of the NAT lab (one LAN), peers without an Endpoint. wg-quick
 * strips the {@code #!} keys before {@code wg setconf}; the daemon reads them from JWG_CONFIG,
 * so ICE finds the path and pings go through; {@code wg-quick down} takes it all down.
 */
class WgQuickIceIT {
    @Test
    void theHashBangKeysApplyWhenWgQuickRunsJwg() throws Exception {
        Requires.root();
        Requires.tool("wg-quick");
        Requires.tool("turnserver");
        Requires.tool("nft");
        Requires.tool("ping");
        String launcher = Launcher.jwg().toString();
        try (NatLab lab = NatLab.start(Topology.SAME_LAN)) {
            String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 36);
            IceNode a = new IceNode(lab, Host.A, "jqa" + id, "192.0.2.1");
            IceNode b = new IceNode(lab, Host.B, "jqb" + id, "192.0.2.2");
            a.peer = b;
            b.peer = a;
            Daemon signal = IceLabIT.startSignal(lab, launcher);
            Path ca = a.conf(false, Duration.ofMinutes(5)), cb = b.conf(false, Duration.ofMinutes(5));
            try {
                for (var n : new Object[][] {{a, ca}, {b, cb}}) {
                    IceNode node = (IceNode) n[0];
                    Netns.Result up = node.exec(
                            "env",
                            "WG_QUICK_USERSPACE_IMPLEMENTATION=" + launcher,
                            "JWG_CONFIG=" + n[1],
                            "wg-quick",
                            "up",
                            n[1].toString());
                    assertEquals(0, up.exitCode(), up.output());
                    assertTrue(up.output().contains("wg setconf"), "wg-quick did the configuring: " + up.output());
                }
                String json = "";
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline) {
                    json = a.statusJson(launcher);
                    if ("CONNECTED".equals(IceLabIT.state(json))) break;
                    Thread.sleep(200);
                }
                assertEquals(
                        "CONNECTED", IceLabIT.state(json), "ICE ran from the #! keys wg-quick had stripped: " + json);
                assertEquals("P2P_HOST", IceLabIT.path(json), json);
                Netns.Result ping = a.exec("ping", "-c", "3", "-i", "0.2", "-W", "5", b.tunnelIp);
                assertEquals(0, ping.exitCode(), ping.output());
                Netns.Result down = a.exec("wg-quick", "down", ca.toString());
                assertEquals(0, down.exitCode(), down.output());
                assertFalse(a.exec("ip", "link", "show", a.ifname).ok(), "wg-quick down removed the interface");
            } finally {
                a.exec("wg-quick", "down", ca.toString());
                b.exec("wg-quick", "down", cb.toString());
                signal.close();
            }
        }
    }
}
