package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jwg.testkit.Daemon;
import jwg.testkit.NatLab.Host;
import jwg.testkit.NatLab.Topology;
import jwg.testkit.Netns;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 2, the daemons' agreement over signaling (SessionInfo): two `jwg up` daemons in the
 * NAT lab classify their own NAT mapping at start and tell each other, so that cone ↔ symmetric
 * know who would be the easy and who the hard side of a birthday punch (the punch's data path is
 * not wired into the device yet: the pair stays relayed, see docs/ice.md); and the upgrade fix: two
 * symmetric NATs keep their working relay through an upgrade attempt that finds only the relay
 * again (before the fix that attempt replaced the relay: a second connected session).
 */
class PunchAgreementIT {
    @Test
    void coneAndSymmetricDaemonsAgreeOnTheirPunchRoles() throws Exception {
        try (IceLabIT.Lab l = IceLabIT.start(Topology.CONE_SYMMETRIC, false, Duration.ofMinutes(5))) {
            String a = IceLabIT.awaitStatus(l, s -> "easy".equals(text(s, "punchRole")), 15_000);
            assertEquals("independent", text(a, "natMapping"), a);
            assertEquals("dependent", text(a, "peerNatMapping"), a);
            String b = awaitB(l, s -> "hard".equals(text(s, "punchRole")), 10_000);
            assertEquals("dependent", text(b, "natMapping"), b);
            assertEquals("independent", text(b, "peerNatMapping"), b);
            Netns.Result ping = l.a().exec("ping", "-c", "1", "-W", "10", l.b().tunnelIp);
            assertEquals(0, ping.exitCode(), ping.output() + IceLabIT.logs(l));
            System.out.println("[punch] cone <-> symmetric: roles agreed (A easy, B hard), path "
                    + IceLabIT.path(l.a().statusJson(l.launcher())));
        }
    }

    @Test
    void twoSymmetricNatsKeepTheirRelayThroughAnUpgradeAttempt() throws Exception {
        try (IceLabIT.Lab l = IceLabIT.start(Topology.SYMMETRIC_SYMMETRIC, false, Duration.ofMinutes(5))) {
            String a = IceLabIT.awaitStatus(l, s -> "RELAYED".equals(IceLabIT.path(s)), 15_000);
            assertNull(text(a, "punchRole"), "two symmetric NATs: no punch, " + a);
            assertEquals("dependent", text(a, "natMapping"), a);
            Daemon pinger = l.lab()
                    .start(l.lab().hostNetns(Host.A), "ping.log", "ping", "-i", "0.2", "-W", "1", l.b().tunnelIp);
            try {
                // every 15 s while relayed a side tries for a direct path; both sides take part in
                // that session and, when it ends on the relay alone, keep the one they have: the
                // count of connected sessions is the same before and after it (a consent loss in
                // between, which the loaded lab shows, starts over)
                String[][] kept = keptThroughUpgrade(
                        List.of(() -> l.a().statusJson(l.launcher()), () -> l.b().statusJson(l.launcher())), 60_000);
                String[] aSides = kept[0], bSides = kept[1];
                String after = aSides[1], afterB = bSides[1];
                assertEquals("RELAYED", IceLabIT.path(after), after);
                assertEquals("RELAYED", IceLabIT.path(afterB), afterB);
                assertEquals(
                        number(aSides[0], "sessionsConnected"),
                        number(after, "sessionsConnected"),
                        "A kept its relay: " + aSides[0] + "\n" + after);
                assertEquals(
                        number(bSides[0], "sessionsConnected"),
                        number(afterB, "sessionsConnected"),
                        "B kept its relay: " + bSides[0] + "\n" + afterB);
                int replies = (int) pinger.output()
                        .lines()
                        .filter(x -> x.contains("bytes from"))
                        .count();
                Thread.sleep(1_000);
                int more = (int) pinger.output()
                        .lines()
                        .filter(x -> x.contains("bytes from"))
                        .count();
                assertTrue(more > replies + 2, "pings still answered over the relay:\n" + pinger.output());
                System.out.println("[punch] symmetric <-> symmetric: sessions started/connected A "
                        + number(after, "sessionsStarted") + "/" + number(after, "sessionsConnected") + ", B "
                        + number(afterB, "sessionsStarted") + "/" + number(afterB, "sessionsConnected")
                        + ": the relay stayed through the upgrade attempt; " + more + " pings answered");
            } finally {
                pinger.close();
            }
        }
    }

    /**
     * Per side, a status during an upgrade attempt while connected and the first one after it
     * that kept the path (the sides polled in turn, so that both are seen in the same attempt).
     */
    private static String[][] keptThroughUpgrade(List<Status> sides, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        String[][] out = new String[sides.size()][];
        String[] during = new String[sides.size()], last = new String[sides.size()];
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (int i = 0; i < sides.size(); i++) {
                if (out[i] != null) continue;
                String s = sides.get(i).get();
                last[i] = s;
                String event = String.valueOf(text(s, "lastEvent"));
                if (event.endsWith("path stays") && during[i] != null) out[i] = new String[] {during[i], s};
                else if ("CONNECTED".equals(IceLabIT.state(s))
                        && (event.startsWith("offering (trying for a direct path") || event.startsWith("answering")))
                    during[i] = s;
                else if (!event.endsWith("path stays")) during[i] = null; // a new connection: start over
                all &= out[i] != null;
            }
            if (all) return out;
            Thread.sleep(50);
        }
        fail("no upgrade attempt that kept the path on both sides in " + millis + " ms: " + String.join("\n", last));
        return null;
    }

    interface Status {
        String get() throws Exception;
    }

    private static String awaitB(IceLabIT.Lab l, java.util.function.Predicate<String> cond, long millis)
            throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        String s = null;
        while (System.nanoTime() < deadline) {
            s = l.b().statusJson(l.launcher());
            if (cond.test(s)) return s;
            Thread.sleep(100);
        }
        fail("B's status condition not met in " + millis + " ms: " + s + IceLabIT.logs(l));
        return null;
    }

    /** A string field of the first peer in a status JSON (null when absent or null). */
    static String text(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static int number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9]+)").matcher(json);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
