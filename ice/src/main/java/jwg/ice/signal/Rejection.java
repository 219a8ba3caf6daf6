package jwg.ice.signal;

/** Why a received envelope was refused. Refused envelopes are counted, never answered. */
public enum Rejection {
    /** Not an envelope: wrong length, unknown version, or a body that does not decode. */
    MALFORMED,
    /** Addressed to another key. */
    WRONG_RECIPIENT,
    /** From a key not in {@link SignalClient#setPeers}. */
    UNKNOWN_SENDER,
    /** The AEAD tag did not verify: modified in transit or forged. */
    TAMPERED,
    /** The counter is at or below the highest already accepted from that sender. */
    REPLAYED,
    /** The counter's timestamp is outside the freshness window. */
    STALE
}
