package jwg.ice;

/** Where a peer's connection stands (Netbird's peer states). */
public enum ConnectionState {
    /** No path and no ICE agent (lazy mode before traffic, or after the idle timeout). */
    IDLE,
    /** ICE is gathering or checking, or waiting for the guard's next attempt. */
    CONNECTING,
    /** A path is selected and carries WireGuard. */
    CONNECTED
}
