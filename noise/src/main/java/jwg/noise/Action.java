package jwg.noise;

/**
 * What the caller must do after a call into the core. No allocation: the details (length,
 * drop reason, peer) are in the caller's {@link Output}.
 */
public enum Action {
    /** Send {@code out.length} bytes at {@code out.offset} to the peer's endpoint. */
    WRITE_TO_NETWORK,
    /** Write the IPv4 packet ({@code out.length} bytes, padding removed) to the TUN device. */
    WRITE_TO_TUNNEL_V4,
    /** Write the IPv6 packet to the TUN device. */
    WRITE_TO_TUNNEL_V6,
    /**
     * Encapsulate only: there is no usable session. The packet was NOT consumed: keep it in the
     * peer's staged queue (bounded, e.g. wireguard-go keeps 128) and encapsulate it again when
     * {@code out.flushStaged} is set. If {@code out.length > 0}, {@code out} holds a handshake
     * initiation to send now.
     */
    STAGE_PACKET,
    /** Nothing to send (a keepalive or handshake was consumed; no timer fired). */
    DONE,
    /** The input was dropped; the reason is in {@code out.drop} (already counted). */
    DROPPED;

    /** True when {@code out} holds bytes to send or write. */
    public boolean hasOutput() {
        return this == WRITE_TO_NETWORK || this == WRITE_TO_TUNNEL_V4 || this == WRITE_TO_TUNNEL_V6;
    }
}
