package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;
import jwg.ice.punch.PunchRole;
import org.junit.jupiter.api.Test;

/**
 * What a finished session does to the current path ({@link PeerConnection#keepCurrent}): the
 * upgrade bug (an upgrade attempt while relayed that found only the relay replaced the working
 * relay) and the cases that must still replace it; and the punch role from both NAT mappings.
 */
class PeerConnectionTest {
    @Test
    void anUpgradeAttemptThatFindsOnlyTheRelayKeepsTheWorkingRelay() {
        assertTrue(PeerConnection.keepCurrent(true, PathType.RELAYED, PathType.RELAYED, true));
    }

    @Test
    void aSessionThatIsNoUpgradeReplacesTheRelay() {
        // path lost, network changed, or an older peer that sent no session info: the old agent
        // is (or may be) gone on the peer's side, so the new relay must be taken
        assertFalse(PeerConnection.keepCurrent(true, PathType.RELAYED, PathType.RELAYED, false));
    }

    @Test
    void aDirectPathAlwaysWinsAndIsNeverGivenUpForARelay() {
        for (PathType found : new PathType[] {PathType.P2P_HOST, PathType.P2P_REFLEXIVE, PathType.P2P_BIRTHDAY}) {
            assertFalse(PeerConnection.keepCurrent(true, PathType.RELAYED, found, true), found.name());
            assertFalse(PeerConnection.keepCurrent(true, PathType.RELAYED, found, false), found.name());
        }
        assertTrue(PeerConnection.keepCurrent(true, PathType.P2P_REFLEXIVE, PathType.RELAYED, false));
        assertTrue(PeerConnection.keepCurrent(true, PathType.P2P_HOST, PathType.RELAYED, true));
    }

    @Test
    void withoutACurrentPathAnyFoundPathIsTaken() {
        assertFalse(PeerConnection.keepCurrent(false, PathType.NONE, PathType.RELAYED, true));
        assertFalse(PeerConnection.keepCurrent(false, PathType.NONE, PathType.RELAYED, false));
    }

    @Test
    void aNewRelayedPathStartsTheHandshakeOnlyWhenNothingCameFromThePeer() {
        assertTrue(PeerConnection.peersHandshakeLost(true, 0, 0), "nothing received: the peer's initiation was lost");
        assertTrue(PeerConnection.peersHandshakeLost(true, 1_480, 1_480), "nothing new since the path came up");
        assertFalse(PeerConnection.peersHandshakeLost(true, 0, 148), "its initiation got through: ours would cross it");
        assertFalse(PeerConnection.peersHandshakeLost(false, 0, 0), "no longer relayed (idle, lost, replaced)");
    }

    @Test
    void thePunchRoleNeedsBothMappingsKnownAndDifferent() {
        assertEquals(Optional.of(PunchRole.EASY), NatMapping.INDEPENDENT.roleAgainst(NatMapping.DEPENDENT));
        assertEquals(Optional.of(PunchRole.HARD), NatMapping.DEPENDENT.roleAgainst(NatMapping.INDEPENDENT));
        assertEquals(Optional.empty(), NatMapping.INDEPENDENT.roleAgainst(NatMapping.INDEPENDENT));
        assertEquals(Optional.empty(), NatMapping.DEPENDENT.roleAgainst(NatMapping.DEPENDENT));
        assertEquals(Optional.empty(), NatMapping.UNKNOWN.roleAgainst(NatMapping.DEPENDENT));
        assertEquals(Optional.empty(), NatMapping.INDEPENDENT.roleAgainst(NatMapping.UNKNOWN));
        // with a fwmark (a full tunnel) the hard side's own sockets could not carry it: it sits out
        assertFalse(NatMapping.DEPENDENT.canPunch(51820));
        assertTrue(NatMapping.DEPENDENT.canPunch(0));
        assertTrue(NatMapping.INDEPENDENT.canPunch(51820), "the easy side sprays from the device's marked socket");
        assertEquals(NatMapping.DEPENDENT, NatMapping.ofWire("dependent"));
        assertEquals(NatMapping.UNKNOWN, NatMapping.ofWire("quantum"), "a newer peer's value is unknown, not an error");
    }
}
