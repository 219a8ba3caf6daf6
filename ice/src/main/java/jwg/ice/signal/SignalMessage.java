package jwg.ice.signal;

/**
 * A message one peer's ICE agent sends another through the signaling server. The server never
 * sees it: it travels sealed in an {@link Envelope}. Candidates are opaque strings to this layer.
 */
public sealed interface SignalMessage permits Offer, Answer, Candidates, GoIdle, ProbeReport, SessionInfo {
    /** The ICE session this message belongs to (chosen by the offerer). */
    long sessionId();
}
