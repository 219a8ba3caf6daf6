package jwg.ice;

import java.util.Optional;
import jwg.ice.punch.PunchRole;

/**
 * This host's NAT mapping behaviour as two peers exchange it in a {@link jwg.ice.signal.SessionInfo}
 * ({@code mapping=...}): whether the public port stays the same whatever the destination (RFC 4787
 * endpoint-independent mapping, or no NAT) or changes with it. It decides a birthday punch's role
 * ({@link PunchRole#of}).
 */
public enum NatMapping {
    /** Endpoint-independent mapping, or no NAT: one public port for every destination. */
    INDEPENDENT("independent"),
    /** Address (and port) dependent mapping: a fresh public port per destination (a "symmetric NAT"). */
    DEPENDENT("dependent"),
    /** Not classified (no STUN server, no answer, or a peer that did not say). */
    UNKNOWN("unknown");

    /** The value on the wire ({@code mapping=...}). */
    public final String wire;

    NatMapping(String wire) {
        this.wire = wire;
    }

    /** The wire value's mapping; {@link #UNKNOWN} for anything else (a newer peer's value, or none). */
    static NatMapping ofWire(String wire) {
        for (NatMapping m : values()) if (m.wire.equals(wire)) return m;
        return UNKNOWN;
    }

    /** The role this side plays against {@code peer}'s mapping; empty when probing does not apply or a side is unknown. */
    Optional<PunchRole> roleAgainst(NatMapping peer) {
        if (this == UNKNOWN || peer == UNKNOWN) return Optional.empty();
        return PunchRole.of(this == INDEPENDENT, peer == INDEPENDENT);
    }

    /**
     * Whether a side with this mapping can play its punch role on a device with {@code fwmark}:
     * the hard side probes from sockets of its own (JDK channels, which cannot carry SO_MARK), and
     * its winning socket carries the tunnel's datagrams — under wg-quick's policy routing (a full
     * tunnel: every unmarked packet is routed into the tunnel) they would go into the tunnel they
     * are meant to carry. The easy side sprays from the device's own, marked socket.
     */
    boolean canPunch(long fwmark) {
        return this != DEPENDENT || fwmark == 0;
    }

    /** How {@link Connectivity} learns this host's mapping: called once, off the control thread, at start. */
    @FunctionalInterface
    public interface Classifier {
        /** Never classifies: every session says {@code mapping=unknown} (no punch). */
        Classifier NONE = (servers, fwmark) -> UNKNOWN;

        /**
         * The mapping toward the configured servers (may block for a few round trips), from a
         * socket that carries the device's {@code fwmark} (0: none), as the device's packets do.
         */
        NatMapping classify(IceServers servers, int fwmark);
    }
}
