package jwg.noise;

/**
 * Why a packet was dropped. Every drop is counted in {@link Counters}; nothing is ever sent in
 * reply to an unauthenticated packet (except a cookie reply under load, see {@link #COOKIE_REQUIRED}).
 */
public enum Drop {
    /** Not a WireGuard message type (first 4 bytes, little-endian, not 1..4). */
    INVALID_TYPE,
    /** Wrong length for its type (initiation 148, response 92, cookie reply 64, transport ≥ 32). */
    INVALID_LENGTH,
    /** MAC1 does not verify: not meant for us (or forged). */
    INVALID_MAC1,
    /** Under load and MAC2 missing or invalid: a cookie reply was sent instead of processing. */
    COOKIE_REQUIRED,
    /** The initiation did not decrypt (wrong static key, corrupted). */
    INVALID_INITIATION,
    /** The initiation decrypted, but its static key is not a configured peer. */
    UNKNOWN_PEER,
    /** The initiation's TAI64N timestamp is not after the last accepted one (replay). */
    REPLAYED_INITIATION,
    /** More than one initiation per 20 ms from the same peer (flood). */
    INITIATION_FLOOD,
    /** The response did not decrypt, or did not match a handshake we started. */
    INVALID_RESPONSE,
    /** The cookie reply did not decrypt or did not match a message we sent. */
    INVALID_COOKIE_REPLY,
    /** No session or handshake owns this receiver index. */
    UNKNOWN_RECEIVER_INDEX,
    /** The transport packet's Poly1305 tag did not verify. */
    DECRYPT_FAILED,
    /** The counter was already seen or is older than the replay window. */
    REPLAYED_COUNTER,
    /** The keypair is older than REJECT_AFTER_TIME or past REJECT_AFTER_MESSAGES. */
    KEYPAIR_EXPIRED,
    /** The decrypted payload is not an IPv4/IPv6 packet of a consistent length. */
    INVALID_INNER_PACKET,
    /** The output buffer is too small for the result. */
    BUFFER_TOO_SMALL,
    /** A local keypair ran out of counters (REJECT_AFTER_MESSAGES); a handshake is needed. */
    COUNTER_EXHAUSTED,
    /** Under load: MAC1 and MAC2 valid, but the source sent more than its share (per-IP token bucket). */
    RATE_LIMITED;

    static final Drop[] VALUES = values();
}
