package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * {@code jwg probe} between two hosts of the NAT lab (no interface on either: ICE alone over the
 * signaling server in the public namespace): the pair type each side prints, both sides' NAT types
 * as RFC 5780 discovery classifies them, and the check list. Host A runs it as nobody (no root).
 */
class ProbeIT {

    @Test
    void coneToConeFindsAReflexivePair() throws Exception {
        String[] out = probe(Topology.CONE_CONE);
        for (String json : out) {
            assertTrue(json.contains("\"connected\":true"), json);
            assertEquals("P2P_REFLEXIVE", IceLabIT.path(json), json);
            assertTrue(json.contains("\"ourNat\":\"endpoint-independent mapping"), json);
            assertTrue(json.contains("\"peerNat\":\"endpoint-independent mapping"), json);
            assertTrue(json.contains("\"state\":\"Succeeded\""), json);
            assertTrue(json.contains("\"peerOutcome\":\"connected P2P_REFLEXIVE\""), json);
        }
    }

    @Test
    void symmetricToSymmetricEndsRelayedAndSaysWhyTheDirectPairsFailed() throws Exception {
        String[] out = probe(Topology.SYMMETRIC_SYMMETRIC);
        for (String json : out) {
            assertTrue(json.contains("\"connected\":true"), json);
            assertEquals("RELAYED", IceLabIT.path(json), json);
            assertTrue(json.contains("\"ourNat\":\"address and port dependent mapping"), json);
            assertTrue(json.contains("\"peerNat\":\"address and port dependent mapping"), json);
        }
        // the direct pairs got no answer through the symmetric NATs: failed, or (a quick relay on a
        // quiet machine) still unanswered when ICE finished — either way the probe says so
        String all = out[0] + out[1];
        assertTrue(
                all.contains("\"state\":\"Failed\",\"why\":\"no answer to the connectivity checks")
                        || all.contains("\"state\":\"In-Progress\",\"why\":\"checks still in flight when ICE finished"),
                all);
    }

    /**
     * Cone (A) <-> symmetric (B): ICE alone relays; birthday probing then finds a direct pair. Runs
     * {@code jwg.probe.birthday.attempts} times (default 1), each in a new lab, and prints the times.
     */
    @Test
    void coneToSymmetricEndsP2PByBirthdayProbing() throws Exception {
        int attempts = Integer.getInteger("jwg.probe.birthday.attempts", 1);
        int punched = 0;
        StringBuilder times = new StringBuilder();
        for (int i = 0; i < attempts; i++) {
            String[] out = probe(Topology.CONE_SYMMETRIC);
            boolean both = true;
            for (String json : out) {
                assertTrue(json.contains("\"connected\":true"), json);
                both &= "P2P_BIRTHDAY".equals(IceLabIT.path(json));
                assertTrue(json.contains("\"punch\":\""), "birthday probing ran: " + json);
            }
            assertTrue(out[0].contains("\"ourNat\":\"endpoint-independent mapping"), out[0]);
            assertTrue(out[0].contains("\"punch\":\"easy side"), out[0]);
            assertTrue(out[1].contains("\"ourNat\":\"address and port dependent mapping"), out[1]);
            assertTrue(out[1].contains("\"punch\":\"hard side"), out[1]);
            if (both) punched++;
            times.append(millis(out[0]))
                    .append('/')
                    .append(millis(out[1]))
                    .append(both ? " P2P" : " not")
                    .append("; ");
        }
        System.out.println("[probe] birthday cone<->symmetric: " + punched + "/" + attempts
                + " P2P_BIRTHDAY; ms (A/B from probe start): " + times);
        assertTrue(punched >= Math.ceil(attempts * 0.95), punched + "/" + attempts + ": " + times);
    }

    private static String millis(String json) {
        var m = java.util.regex.Pattern.compile("\"millis\":(\\d+)").matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    /** Both probes at once; their JSON lines (A's, B's). */
    private static String[] probe(Topology t) throws Exception {
        Requires.root();
        Requires.tool("turnserver");
        Requires.tool("nft");
        Requires.tool("setpriv");
        String launcher = Launcher.jwg().toString();
        try (NatLab lab = NatLab.start(t)) {
            Daemon signal = IceLabIT.startSignal(lab, launcher);
            String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 36);
            IceNode a = new IceNode(lab, Host.A, "jpa" + id, "192.0.2.1");
            IceNode b = new IceNode(lab, Host.B, "jpb" + id, "192.0.2.2");
            a.peer = b;
            b.peer = a;
            // readable by nobody: a directory of its own, the files world-readable (test keys only)
            Path dir = Files.createTempDirectory("jwg-probe");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path confA = Files.copy(a.conf(false, Duration.ofMinutes(5)), dir.resolve("a.conf"));
            Path confB = Files.copy(b.conf(false, Duration.ofMinutes(5)), dir.resolve("b.conf"));
            for (Path p : new Path[] {confA, confB})
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
            try {
                // both at once, in the background: JVM start, NAT discovery and ICE took over 60 s at load 35
                Daemon pa = lab.start(
                        lab.hostNetns(Host.A),
                        "probe-a.log",
                        "setpriv",
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        launcher,
                        "probe",
                        "--json",
                        "-t",
                        "120",
                        confA.toString());
                Daemon pb = lab.start(
                        lab.hostNetns(Host.B),
                        "probe-b.log",
                        launcher,
                        "probe",
                        "--json",
                        "-t",
                        "120",
                        confB.toString());
                Netns.Result resA = pa.await(Duration.ofSeconds(180));
                Netns.Result rb = pb.await(Duration.ofSeconds(30));
                String ja = json(resA), jb = json(rb);
                System.out.println("[probe] " + t + " A: " + ja + "\n[probe] " + t + " B: " + jb);
                assertEquals(0, resA.exitCode(), resA.output() + signal.output());
                assertEquals(0, rb.exitCode(), rb.output());
                return new String[] {ja, jb};
            } finally {
                signal.close();
                for (Path p : new Path[] {confA, confB, dir}) Files.deleteIfExists(p);
            }
        }
    }

    private static String json(Netns.Result r) {
        return r.output()
                .lines()
                .filter(l -> l.startsWith("{\"self\""))
                .findFirst()
                .orElse(r.output());
    }
}
