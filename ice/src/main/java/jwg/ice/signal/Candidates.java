package jwg.ice.signal;

import java.util.List;

/** Candidates trickled after the offer or answer (opaque strings). */
public record Candidates(long sessionId, List<String> candidates) implements SignalMessage {
    public Candidates {
        candidates = MessageCodec.checkCandidates(candidates);
    }
}
