package jwg.ice.guard;

/** Events that make the {@link Guard} start its retry schedule over from the shortest interval. */
public enum ResetReason {
    ICE_DISCONNECTED,
    RELAY_DISCONNECTED,
    SIGNAL_RECONNECTED,
    NETWORK_CHANGED
}
