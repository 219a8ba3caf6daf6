package jwg.dataplane;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code jwg.Handshake}: a handshake with a peer completed on our side — as initiator when
 * its response was consumed (the session is up), as responder when our response went out (the
 * session is up once the initiator's first packet arrives). Emitted by the conductor, never on the
 * packet path; a handshake happens about every two minutes per active peer.
 */
@Name("jwg.Handshake")
@Label("WireGuard Handshake")
@Category({"jwg", "WireGuard"})
@Description("A Noise_IKpsk2 handshake with a peer completed")
@StackTrace(false)
final class HandshakeEvent extends Event {
    @Label("Interface")
    String device;

    @Label("Peer")
    @Description("The peer's public key (base64)")
    String peer;

    @Label("Role")
    @Description("initiator or responder")
    String role;

    @Label("Endpoint")
    @Description("Where the peer's message came from")
    String endpoint;

    /** Commits one event if a recording wants it (the fields are only built then); callers check {@link Jfr#on()} first. */
    static void emit(String device, Peer peer, boolean initiator, jwg.dataplane.bind.Endpoint endpoint) {
        HandshakeEvent e = new HandshakeEvent();
        if (!e.shouldCommit()) return;
        e.device = device;
        e.peer = peer.publicKey.toBase64();
        e.role = initiator ? "initiator" : "responder";
        e.endpoint = endpoint.toString();
        e.commit();
    }
}
