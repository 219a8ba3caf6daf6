package jwg.ice.signal;

import java.util.List;
import java.util.Optional;

/**
 * What a side says about a session besides its candidates, sent right after its {@link Offer} or
 * {@link Answer} (same session id): {@code key=value} lines, e.g. {@code upgrade=yes} (the offer is
 * an attempt for a direct path while a relayed one works) and {@code mapping=independent} (this
 * side's NAT mapping behaviour, which decides a birthday punch's role; {@code punch=no}: this side
 * sits out birthday punches). A new message type rather
 * than a field of the offer: an older peer decodes an offer with trailing bytes to nothing and
 * would never connect, whereas it drops this message alone (counted as malformed) and connects as
 * before. Unknown keys are ignored by the reader, so later sides may add lines.
 */
public record SessionInfo(long sessionId, List<String> lines) implements SignalMessage {
    public static final String UPGRADE = "upgrade", MAPPING = "mapping", PUNCH = "punch";

    public SessionInfo {
        lines = MessageCodec.checkCandidates(lines);
    }

    /** A session's info with the two keys this version writes. */
    public static SessionInfo of(long sessionId, boolean upgrade, String mapping) {
        return new SessionInfo(sessionId, List.of(UPGRADE + "=" + (upgrade ? "yes" : "no"), MAPPING + "=" + mapping));
    }

    /**
     * A session's info that also says whether this side takes part in a birthday punch: {@code
     * punch=no} is added only when it does not (so the usual info is the two lines older peers know).
     */
    public static SessionInfo of(long sessionId, boolean upgrade, String mapping, boolean punches) {
        SessionInfo i = of(sessionId, upgrade, mapping);
        if (punches) return i;
        return new SessionInfo(sessionId, List.of(i.lines().get(0), i.lines().get(1), PUNCH + "=no"));
    }

    /** The value of the first line {@code key=...}, if any. */
    public Optional<String> value(String key) {
        String prefix = key + "=";
        for (String l : lines) if (l.startsWith(prefix)) return Optional.of(l.substring(prefix.length()));
        return Optional.empty();
    }

    /** Whether the sender marked the session as an upgrade attempt while relayed. */
    public boolean upgrade() {
        return value(UPGRADE).map("yes"::equals).orElse(false);
    }

    /** Whether the sender takes part in a birthday punch; only {@code punch=no} says it does not (older peers say nothing). */
    public boolean punches() {
        return !value(PUNCH).map("no"::equals).orElse(false);
    }
}
