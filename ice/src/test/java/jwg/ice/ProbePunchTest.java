package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import jwg.ice.punch.PunchRole;
import jwg.noise.PrivateKey;
import org.junit.jupiter.api.Test;

/** When {@code jwg probe} tries birthday probing, which role it takes, and how the result reads. */
class ProbePunchTest {
    static final String CONE = "endpoint-independent mapping, address and port dependent filtering";
    static final String SYMMETRIC = "address and port dependent mapping, address and port dependent filtering";

    @Test
    void theRoleFollowsBothMappings() {
        assertEquals(PunchRole.EASY, ProbePunch.role(CONE, SYMMETRIC).orElseThrow());
        assertEquals(PunchRole.HARD, ProbePunch.role(SYMMETRIC, CONE).orElseThrow());
        assertEquals(
                PunchRole.HARD,
                ProbePunch.role("address dependent mapping, x", CONE).orElseThrow());
        assertEquals(
                PunchRole.EASY,
                ProbePunch.role("no NAT (the mapped address is this host's own), x", SYMMETRIC)
                        .orElseThrow());
        assertTrue(ProbePunch.role(CONE, CONE).isEmpty(), "ICE connects two cones");
        assertTrue(ProbePunch.role(SYMMETRIC, SYMMETRIC).isEmpty(), "two symmetric NATs: relayed");
        assertTrue(ProbePunch.role(CONE, null).isEmpty(), "no report from the peer");
        assertTrue(
                ProbePunch.role("mapping unknown, filtering unknown", SYMMETRIC).isEmpty());
    }

    @Test
    void aPunchedProbeReportsADirectBirthdayPath() {
        var self = PrivateKey.generate(new java.security.SecureRandom()).publicKey();
        var peer = PrivateKey.generate(new java.security.SecureRandom()).publicKey();
        var punch = new ProbePunch.Outcome(PunchRole.EASY, true, "*:40000", "203.0.113.3:5555", 120, 67, null);
        ProbeResult r = ProbeResult.of(
                self,
                peer,
                false,
                RelayPolicy.ON,
                null,
                -1,
                1500,
                List.of(),
                "relayed",
                CONE,
                List.of("nat=" + SYMMETRIC, "outcome=connected RELAYED"),
                punch,
                1700);
        assertTrue(r.connected());
        assertEquals(PathType.P2P_BIRTHDAY, r.path());
        assertTrue(r.path().p2p());
        assertEquals(1700, r.millis());
        assertTrue(r.toText().contains("result: connected, P2P (P2P_BIRTHDAY: birthday probe)"), r.toText());
        assertTrue(
                r.toText()
                        .contains(
                                "birthday probe: easy side, *:40000 -> 203.0.113.3:5555, punched in 120 ms after 67 probes"),
                r.toText());
        assertTrue(r.toJson().contains("\"path\":\"P2P_BIRTHDAY\""), r.toJson());

        var missed = new ProbePunch.Outcome(
                PunchRole.HARD, false, null, null, 5000, 3000, "no probe got through in 5000 ms");
        ProbeResult m = ProbeResult.of(
                self,
                peer,
                true,
                RelayPolicy.ON,
                null,
                -1,
                1500,
                List.of(),
                "ICE checks failed",
                SYMMETRIC,
                List.of("nat=" + CONE),
                missed,
                6500);
        assertFalse(m.connected());
        assertEquals(PathType.NONE, m.path());
        assertTrue(
                m.toText().contains("birthday probe: hard side, not punched: no probe got through in 5000 ms"),
                m.toText());
    }
}
