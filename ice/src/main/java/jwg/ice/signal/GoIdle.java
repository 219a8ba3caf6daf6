package jwg.ice.signal;

/** Tells the peer this side is closing the session (lazy connection gone idle). */
public record GoIdle(long sessionId) implements SignalMessage {}
