package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
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
                // that session and, when it ends on the relay alone, keep the one they have
                // ("pathsKept"; before the fix both replaced their relay with the new session's)
                String[] kept = awaitBoth(l, s -> number(s, "pathsKept") >= 1, 60_000);
                String after = kept[0], afterB = kept[1];
                assertEquals("RELAYED", IceLabIT.path(after), after);
                assertEquals("RELAYED", IceLabIT.path(afterB), afterB);
                int replies = (int) pinger.output()
                        .lines()
                        .filter(x -> x.contains("bytes from"))
                        .count();
                Thread.sleep(3_000);
                int more = (int) pinger.output()
                        .lines()
                        .filter(x -> x.contains("bytes from"))
                        .count();
                assertTrue(more > replies + 2, "pings still answered over the relay:\n" + pinger.output());
                System.out.println("[punch] symmetric <-> symmetric: sessions started/connected/kept the path A "
                        + number(after, "sessionsStarted") + "/" + number(after, "sessionsConnected") + "/"
                        + number(after, "pathsKept") + ", B " + number(afterB, "sessionsStarted") + "/"
                        + number(afterB, "sessionsConnected") + "/" + number(afterB, "pathsKept")
                        + ": the relay stayed through the upgrade attempt; " + more + " pings answered");
            } finally {
                pinger.close();
            }
        }
    }

    /** Both sides' status once {@code cond} holds on each (polled in turn). */
    private static String[] awaitBoth(IceLabIT.Lab l, java.util.function.Predicate<String> cond, long millis)
            throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        String[] out = new String[2], last = new String[2];
        IceNode[] nodes = {l.a(), l.b()};
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 2; i++) {
                if (out[i] != null) continue;
                last[i] = nodes[i].statusJson(l.launcher());
                if (cond.test(last[i])) out[i] = last[i];
            }
            if (out[0] != null && out[1] != null) return out;
            Thread.sleep(200);
        }
        fail("status condition not met on both sides in " + millis + " ms:\n" + last[0] + "\n" + last[1]
                + IceLabIT.logs(l));
        return null;
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
