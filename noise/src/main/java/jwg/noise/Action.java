package jwg.noise;

/**
 * What the caller must do after a call into the core: the kind of a {@link Result}, which
 * carries the bytes (length, drop reason, peer) in the caller's buffer.
 */
public enum Action {
    /** Send the result's {@link Result#length} bytes at {@link Result#offset} to the peer's endpoint. */
    WRITE_TO_NETWORK,
    /** Write the IPv4 packet (the result's bytes, padding removed) to the TUN device. */
    WRITE_TO_TUNNEL_V4,
    /** Write the IPv6 packet (the result's bytes, padding removed) to the TUN device. */
    WRITE_TO_TUNNEL_V6,
    /**
     * Encapsulate only: there is no usable session. The packet was NOT consumed: keep it in the
     * peer's staged queue (bounded, e.g. wireguard-go keeps 128) and encapsulate it again when a
     * result has {@link Result#flushStaged} set. If the result's length is above 0, it holds a
     * handshake initiation to send now.
     */
    STAGE_PACKET,
    /** Nothing to send (a keepalive or handshake was consumed; no timer fired). */
    DONE,
    /** The input was dropped; the reason is the result's {@link Result#drop} (already counted). */
    DROPPED;

    /** True when the result holds bytes to send or write. */
    public boolean hasOutput() {
        return this == WRITE_TO_NETWORK || this == WRITE_TO_TUNNEL_V4 || this == WRITE_TO_TUNNEL_V6;
    }
}
