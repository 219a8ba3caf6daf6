package jwg.ice.signal;

import jwg.noise.PublicKey;

/** What opening an envelope gave: a message from an authenticated peer, or a refusal. */
sealed interface Opened {
    record Accepted(PublicKey from, SignalMessage message) implements Opened {}

    record Rejected(Rejection reason) implements Opened {}
}
