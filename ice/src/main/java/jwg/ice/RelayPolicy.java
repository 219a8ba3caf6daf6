package jwg.ice;

import java.util.Locale;

/**
 * Whether a peer's path may go through a TURN relay ({@code #! IceRelay}, per interface and per
 * peer).
 */
public enum RelayPolicy {
    /** Direct when any pair allows it, else relayed (the default). */
    ON,
    /**
     * Direct only (the seed's {@code -with-turn=false}): no TURN allocation, the peer's relayed
     * candidates are not paired; a peer that cannot go direct stays down.
     */
    OFF,
    /**
     * Relayed only (Netbird's {@code NB_FORCE_RELAY}): only the relayed candidates are offered and
     * only pairs through a relay (ours or the peer's) are checked.
     */
    FORCE;

    /** The policy named {@code text} (on, off, force; any case), or null. */
    public static RelayPolicy parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "on" -> ON;
            case "off" -> OFF;
            case "force" -> FORCE;
            default -> null;
        };
    }

    /** The key's value for this policy. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
