package jwg.dataplane;

import jwg.noise.PublicKey;

/**
 * How the device tells a connectivity layer (ICE) that a peer needs a path: a packet from the
 * TUN was routed to a peer that has no endpoint. The packet is staged, not dropped; once the
 * layer calls {@link Device#setEndpoint}, the handshake starts and the staged packets follow.
 * Called on the sender thread at most once until the endpoint is set: must return at once.
 */
@FunctionalInterface
public interface PathListener {
    void pathWanted(PublicKey peer);
}
