package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import jwg.testkit.NatLab.Topology;
import jwg.testkit.Netns;
import org.junit.jupiter.api.Test;

/**
 * {@code #! IceRelay} through the NAT lab with two real {@code jwg up} daemons: direct-only
 * between two symmetric NATs (A sets it for its [Interface], B for its [Peer]) stays down, and
 * status and doctor say why; forced relay between two cone NATs, which would go direct, ends
 * relayed on both sides.
 */
class RelayPolicyIT {

    @Test
    void directOnlyBetweenSymmetricNatsStaysDownAndSaysWhy() throws Exception {
        try (IceLabIT.Lab l = IceLabIT.start(Topology.SYMMETRIC_SYMMETRIC, false, Duration.ofMinutes(5), (a, b) -> {
            a.interfaceKeys = "#! IceRelay = off";
            b.peerKeys = "#! IceRelay = off";
        })) {
            String doctor = null;
            long deadline = System.nanoTime() + 90_000_000_000L; // generous: ICE's check timeouts at load ~25
            while (System.nanoTime() < deadline) {
                Netns.Result d = l.a().exec(l.launcher(), "doctor", l.a().ifname);
                doctor = d.output();
                if (doctor.contains("IceRelay = off")) break;
                Thread.sleep(1000);
            }
            assertTrue(
                    doctor.contains("not connected: IceRelay = off (direct only) and no direct pair answered — this"
                            + " host's NAT is symmetric"),
                    doctor + IceLabIT.logs(l));
            String a = l.a().statusJson(l.launcher()), b = l.b().statusJson(l.launcher());
            for (String s : new String[] {a, b}) {
                assertNotEquals("CONNECTED", IceLabIT.state(s), s);
                assertTrue(s.contains("\"relayPolicy\":\"off\""), s);
                assertFalse(s.contains("\"path\":\"RELAYED\""), s);
            }
            Netns.Result text = Netns.tryRun(l.launcher(), "status", l.a().ifname);
            assertTrue(text.output().contains("relay policy: off (direct only)"), text.output());
            Netns.Result ping = l.a().exec("ping", "-c", "1", "-W", "3", l.b().tunnelIp);
            assertNotEquals(0, ping.exitCode(), "no path, no ping: " + ping.output());
            java.util.regex.Matcher local = java.util.regex.Pattern.compile("\"localCandidateTypes\":\\[([^\\]]*)\\]")
                    .matcher(a);
            assertTrue(local.find(), a);
            assertTrue(local.group(1).contains("srflx"), a);
            assertFalse(local.group(1).contains("relay"), "no TURN allocation with IceRelay = off: " + a);
            System.out.println("[ice-lab] IceRelay = off, symmetric<->symmetric: "
                    + doctor.lines()
                            .filter(x -> x.contains("IceRelay"))
                            .findFirst()
                            .orElse(""));
        }
    }

    @Test
    void forcedRelayBetweenConeNatsEndsRelayed() throws Exception {
        try (IceLabIT.Lab l = IceLabIT.start(
                Topology.CONE_CONE, false, Duration.ofMinutes(5), (a, b) -> a.interfaceKeys = "#! IceRelay = force")) {
            String a = null, b = null;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                a = l.a().statusJson(l.launcher());
                b = l.b().statusJson(l.launcher());
                if ("CONNECTED".equals(IceLabIT.state(a)) && "CONNECTED".equals(IceLabIT.state(b))) break;
                Thread.sleep(500);
            }
            assertEquals("RELAYED", IceLabIT.path(a), a + IceLabIT.logs(l));
            assertEquals("RELAYED", IceLabIT.path(b), b);
            assertTrue(a.contains("\"relayPolicy\":\"force\""), a);
            assertTrue(b.contains("\"relayPolicy\":\"on\""), b);
            Netns.Result ping = l.a().exec("ping", "-c", "3", "-W", "5", l.b().tunnelIp);
            assertEquals(0, ping.exitCode(), ping.output());
            String doctor = l.a().exec(l.launcher(), "doctor", l.a().ifname).output();
            assertTrue(doctor.contains("relayed on purpose: IceRelay = force"), doctor);
        }
    }
}
