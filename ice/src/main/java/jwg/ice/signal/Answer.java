package jwg.ice.signal;

import java.util.List;

/** Accepts an {@link Offer}: the answerer's credentials and first candidates. */
public record Answer(long sessionId, String ufrag, String pwd, List<String> candidates) implements SignalMessage {
    public Answer {
        MessageCodec.checkCredentials(ufrag, pwd);
        candidates = MessageCodec.checkCandidates(candidates);
    }

    /** Redacts the ICE password. */
    @Override
    public String toString() {
        return "Answer[sessionId=" + sessionId + ", ufrag=" + ufrag + ", pwd=redacted, candidates=" + candidates + "]";
    }
}
