package jwg.noise;

/**
 * WireGuard's protocol constants, named as in the whitepaper (section 6.1 and 5.4) and in
 * wireguard-go's {@code constants.go}. Times are in nanoseconds, the unit every method of the
 * core takes: the core has no clock of its own, the caller passes {@code now}.
 */
public final class Constants {
    private Constants() {}

    private static final long SECOND = 1_000_000_000L;
    private static final long MILLISECOND = 1_000_000L;

    /** Initiate a new handshake after this many messages were sent with one keypair: 2^60. */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /**
     * Never use a keypair for this many messages: 2^64 - 2^13 - 1. This does not fit a signed
     * long; counters are compared unsigned ({@link Long#compareUnsigned}).
     */
    public static final long REJECT_AFTER_MESSAGES = -(1L << 13) - 1; // 2^64 - 2^13 - 1 as unsigned
    /** The initiator starts a new handshake when its current keypair is this old. */
    public static final long REKEY_AFTER_TIME = 120 * SECOND;
    /** A keypair older than this is never used, in either direction. */
    public static final long REJECT_AFTER_TIME = 180 * SECOND;
    /** Give up retrying a handshake after this long (18 attempts of {@link #REKEY_TIMEOUT}). */
    public static final long REKEY_ATTEMPT_TIME = 90 * SECOND;
    /** Retransmit an unanswered initiation after this (plus jitter). */
    public static final long REKEY_TIMEOUT = 5 * SECOND;
    /** Up to this much random jitter is added to each retransmission (wireguard-go: 334 ms). */
    public static final long REKEY_TIMEOUT_JITTER_MAX = 334 * MILLISECOND;
    /** Send a keepalive when data was received but nothing sent for this long. */
    public static final long KEEPALIVE_TIMEOUT = 10 * SECOND;
    /** Handshake attempts per round: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT. */
    public static final int MAX_TIMER_HANDSHAKES = (int) (REKEY_ATTEMPT_TIME / REKEY_TIMEOUT);
    /** A cookie (and the responder's cookie secret) is valid for this long. */
    public static final long COOKIE_REFRESH_TIME = 120 * SECOND;
    /** At most one initiation per peer is consumed per this interval (wireguard-go HandshakeInitationRate). */
    public static final long HANDSHAKE_INITIATION_RATE = 20 * MILLISECOND;

    /** Noise construction name, hashed into the initial chaining key. */
    public static final String CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
    /** The Noise prologue of WireGuard. */
    public static final String IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com";

    public static final String LABEL_MAC1 = "mac1----";
    public static final String LABEL_COOKIE = "cookie--";

    /**
     * The MTU the protocol core pads to until the device tells it the interface's (padding never
     * goes past it): wg-quick's default, the same value as {@code jwg.tun.TunConfig.DEFAULT_MTU}
     * (noise sees no other module, so the interface side keeps its own; dataplane's {@code
     * DefaultMtuTest} holds the two equal).
     */
    public static final int DEFAULT_MTU = 1420;
}
