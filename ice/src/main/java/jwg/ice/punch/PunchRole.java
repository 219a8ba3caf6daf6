package jwg.ice.punch;

import java.util.Optional;

/** Which part a side plays in a birthday punch, from both sides' NAT mapping behaviour. */
public enum PunchRole {
    /** Endpoint-independent mapping: one socket, sprays random ports of the peer's public address. */
    EASY,
    /** Endpoint-dependent mapping: many sockets, each sends to the easy side's reflexive address. */
    HARD;

    /**
     * The role of a side whose mapping is ({@code localIndependent}) endpoint-independent or not,
     * facing a peer whose mapping is ({@code remoteIndependent}); empty when probing does not
     * apply — both easy (plain ICE connects them) or both hard (the odds are too poor: relay).
     */
    public static Optional<PunchRole> of(boolean localIndependent, boolean remoteIndependent) {
        if (localIndependent == remoteIndependent) return Optional.empty();
        return Optional.of(localIndependent ? EASY : HARD);
    }
}
