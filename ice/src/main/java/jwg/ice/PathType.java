package jwg.ice;

import org.ice4j.ice.CandidateType;

/** What kind of path a connected peer uses, best first (Netbird: ICE-P2P over ICE-TURN). */
public enum PathType {
    /** Direct between host candidates (same LAN, or no NAT on the way). */
    P2P_HOST,
    /** Direct through NATs: a server-reflexive or peer-reflexive candidate on at least one side. */
    P2P_REFLEXIVE,
    /** Direct through a cone and a symmetric NAT, the pair found by birthday probing ({@code jwg probe}). */
    P2P_BIRTHDAY,
    /** Through a TURN relay (ours or the peer's). */
    RELAYED,
    /** Not connected. */
    NONE;

    public boolean p2p() {
        return this == P2P_HOST || this == P2P_REFLEXIVE || this == P2P_BIRTHDAY;
    }

    static PathType of(PeerAgent.Selected s) {
        if (s == null) return NONE;
        if (s.relayed()) return RELAYED;
        if (s.localType() == CandidateType.HOST_CANDIDATE && s.remoteType() == CandidateType.HOST_CANDIDATE)
            return P2P_HOST;
        return P2P_REFLEXIVE;
    }
}
