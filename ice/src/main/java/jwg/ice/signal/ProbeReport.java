package jwg.ice.signal;

import java.util.List;

/**
 * What one side of {@code jwg probe} found, for the other side's printout: {@code key=value}
 * lines (its NAT type, its outcome). Daemons ignore it.
 */
public record ProbeReport(long sessionId, List<String> lines) implements SignalMessage {
    public ProbeReport {
        lines = MessageCodec.checkCandidates(lines);
    }
}
