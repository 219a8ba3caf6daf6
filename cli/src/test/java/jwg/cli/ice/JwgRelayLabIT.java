package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jwg.testkit.LabOptions;
import jwg.testkit.NatLab.Topology;
import jwg.testkit.Netns;
import org.junit.jupiter.api.Test;

/**
 * The NAT lab with {@code jwg relay} as its TURN server instead of coturn ({@link LabOptions#jwgRelay}):
 * two symmetric NATs end RELAYED, a tunnel ping is answered and 20 MB cross sha256-checked, through
 * jwg relay: its counters (printed every second and when it stops) count the datagrams it relayed.
 * Which pair ICE selects decides the relay's work: relayed ↔ relayed goes relay to relay inside
 * jwg relay ({@code relay_to_relay}), relayed ↔ reflexive from one allocation's relayed socket
 * ({@code to_peers}, {@code to_clients}); both are one hop through the relay.
 */
class JwgRelayLabIT {
    private static final Pattern COUNTER = Pattern.compile("(\\w+)=(\\d+)");

    @Test
    void twoSymmetricNatsAreRelayedThroughJwgRelayInOneHop() throws Exception {
        try (IceLabIT.Lab l = IceLabIT.start(
                Topology.SYMMETRIC_SYMMETRIC, LabOptions.DEFAULT.withJwgRelay(true), false, Duration.ofMinutes(5))) {
            assertNull(l.lab().coturn(), "no coturn in this lab");
            Netns.Result ping = l.a().exec("ping", "-c", "3", "-W", "10", l.b().tunnelIp);
            assertEquals(0, ping.exitCode(), ping.output() + IceLabIT.logs(l));
            String json = IceLabIT.awaitStatus(l, j -> IceLabIT.state(j).equals("CONNECTED"), 15_000);
            assertEquals("RELAYED", IceLabIT.path(json), json + IceLabIT.logs(l));
            assertEquals("RELAYED", IceLabIT.path(l.b().statusJson(l.launcher())), IceLabIT.logs(l));
            IceLabIT.transfer(l, 20 << 20);
            String out = l.lab().jwgRelay().stop(); // SIGTERM: it prints its counters
            assertTrue(out.contains("jwg relay: stopping"), out);
            System.out.println("[jwg-relay-lab] " + out.strip().replace("\n", "\n[jwg-relay-lab] "));
            long relayed = counter(out, "relay_to_relay") + counter(out, "to_peers") + counter(out, "to_clients");
            assertTrue(relayed > 20 * 1024 * 1024 / 1500, "20 MB went through jwg relay: " + out);
            assertEquals(0, counter(out, "dropped_malformed"), out);
        }
    }

    /** The counter's last value in the relay's output (its line at stop). */
    private static long counter(String out, String name) {
        Matcher m = COUNTER.matcher(out);
        long v = -1;
        while (m.find()) if (m.group(1).equals(name)) v = Long.parseLong(m.group(2));
        if (v < 0) throw new AssertionError("no counter " + name + " in: " + out);
        return v;
    }
}
