package jwg.ice;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jwg.ice.guard.ResetReason;
import jwg.noise.PublicKey;

/**
 * The connectivity layer's JFR events, {@code jwg.PathChange} and {@code jwg.GuardRetry}, committed
 * on the control thread (never on the packet path); their fields are only built while a recording
 * wants them, and callers check {@link jwg.dataplane.Jfr#on()} first (an event class is never loaded
 * before Flight Recorder runs).
 */
final class IceEvents {
    private IceEvents() {}

    @Name("jwg.PathChange")
    @Label("ICE Path Change")
    @Category({"jwg", "ICE"})
    @Description("A peer's path changed: connected (P2P_HOST, P2P_REFLEXIVE or RELAYED), switched, or lost")
    @StackTrace(false)
    static final class PathChange extends Event {
        @Label("Interface")
        String device;

        @Label("Peer")
        @Description("The peer's public key (base64)")
        String peer;

        @Label("From")
        String from;

        @Label("To")
        String to;

        @Label("Local Candidate")
        String local;

        @Label("Remote Candidate")
        String remote;

        @Label("Reason")
        String reason;
    }

    @Name("jwg.GuardRetry")
    @Label("ICE Guard Retry")
    @Category({"jwg", "ICE"})
    @Description("The reconnect guard started another connection attempt for a peer")
    @StackTrace(false)
    static final class GuardRetry extends Event {
        @Label("Interface")
        String device;

        @Label("Peer")
        @Description("The peer's public key (base64)")
        String peer;

        @Label("Attempt")
        @Description("Guard retries for this peer so far")
        long attempt;

        @Label("Next Retry In")
        @Timespan(Timespan.NANOSECONDS)
        long nextIn;

        @Label("Last Reset")
        @Description("Why the schedule last restarted (null: never)")
        String lastReset;
    }

    static void pathChange(
            String device, PublicKey peer, PathType from, PathType to, String local, String remote, String reason) {
        PathChange e = new PathChange();
        if (!e.shouldCommit()) return;
        e.device = device;
        e.peer = peer.toBase64();
        e.from = from.name();
        e.to = to.name();
        e.local = local;
        e.remote = remote;
        e.reason = reason;
        e.commit();
    }

    static void guardRetry(String device, PublicKey peer, long attempt, long nextInNanos, ResetReason lastReset) {
        GuardRetry e = new GuardRetry();
        if (!e.shouldCommit()) return;
        e.device = device;
        e.peer = peer.toBase64();
        e.attempt = attempt;
        e.nextIn = nextInNanos;
        e.lastReset = lastReset == null ? null : lastReset.name();
        e.commit();
    }
}
