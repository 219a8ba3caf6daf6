package jwg.ice.signal;

import java.util.List;

/** Starts (or restarts) an ICE session: the offerer's credentials and first candidates. */
public record Offer(long sessionId, String ufrag, String pwd, List<String> candidates) implements SignalMessage {
    public Offer {
        MessageCodec.checkCredentials(ufrag, pwd);
        candidates = MessageCodec.checkCandidates(candidates);
    }

    /** Redacts the ICE password. */
    @Override
    public String toString() {
        return "Offer[sessionId=" + sessionId + ", ufrag=" + ufrag + ", pwd=redacted, candidates=" + candidates + "]";
    }
}
