package jwg.noise;

/**
 * The per-source rate limit a loaded responder applies to handshake messages that carry a valid
 * MAC2 (wireguard-go's ratelimiter, keyed by IP): consulted only after MAC1 and MAC2 verified, so
 * a flood of unauthenticated datagrams cannot spend a real peer's tokens.
 */
@FunctionalInterface
public interface SourceLimiter {
    /** Whether a handshake message from {@code source} may be processed at {@code now}. */
    boolean allow(SourceAddress source, long now);
}
