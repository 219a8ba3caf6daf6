package jwg.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.function.Consumer;
import jwg.ice.punch.BirthdayPunch;
import jwg.ice.punch.PunchAuth;
import jwg.ice.punch.PunchConsent;
import jwg.ice.punch.PunchPlan;
import jwg.ice.punch.PunchResult;
import jwg.ice.punch.PunchRole;

/**
 * One peer's birthday punches in the daemon (issue 13 item 2): an attempt on a virtual thread with
 * a session's credentials, and the {@link BirthdayPath} it opened. Nothing more is agreed over
 * signaling: both sides start when the same session ends relayed (within ms of each other), the
 * easy side's reflexive address is its server-reflexive candidate (endpoint-independent mapping:
 * the device port's mapping is the same toward every destination) and the hard side's public
 * address its server-reflexive candidate's address, both in the session's offer and answer. The
 * hard side repeats its round every second until the deadline, which absorbs the skew.
 *
 * <p>Control thread only, except the attempt itself.
 */
final class PeerPunch {
    /** The punch's ufrag is the agent's plus this: the mux routes the peer's probes to the punch, not to the agent. */
    static final String UFRAG_SUFFIX = "+bp";

    /** What one attempt ended with: the path (null when it failed) and a line for status and the log. */
    record Attempt(int generation, PunchRole role, BirthdayPath path, long millis, String text) {}

    private final Connectivity owner;
    private int generation;
    private boolean running;
    private BirthdayPath path;
    int attempts, punched;
    /** Times the punched endpoint was set again after WireGuard roamed away from it (to the relay). */
    int reasserted;
    /** The last attempt's line (null before the first). */
    String last;

    PeerPunch(Connectivity owner) {
        this.owner = owner;
    }

    /** An attempt is under way or a punched path is in use. */
    boolean busy() {
        return running || path != null;
    }

    BirthdayPath path() {
        return path;
    }

    /**
     * Starts an attempt with {@code session}'s credentials; {@code done} gets it on the control
     * thread. False (and why in {@link #last}) when the session lacks what the punch needs.
     */
    boolean start(PunchRole role, PeerAgent session, Consumer<Attempt> done) {
        InetSocketAddress peerReflexive = session.remoteReflexive();
        if (peerReflexive == null || session.remoteUfrag() == null) {
            last = role.name().toLowerCase() + " side, not started: the peer offered no server-reflexive candidate";
            return false;
        }
        PunchAuth auth = new PunchAuth(
                session.ufrag() + UFRAG_SUFFIX,
                session.password(),
                session.remoteUfrag() + UFRAG_SUFFIX,
                session.remotePassword());
        int gen = ++generation;
        running = true;
        attempts++;
        owner.background(() -> {
            Attempt a = run(gen, role, auth, peerReflexive);
            owner.run(() -> done.accept(a));
            if (owner.closed && a.path() != null) a.path().close(); // nobody will take it
        });
        return true;
    }

    /** Whether {@code a} is the attempt under way (not one from before a {@link #close}). */
    boolean current(Attempt a) {
        return running && a.generation() == generation;
    }

    /** The attempt under way ended: its path (if any) is now this peer's, or closed when {@code use} is false. */
    void ended(Attempt a, boolean use) {
        if (a.generation() == generation) running = false;
        last = a.text();
        if (a.path() == null) return;
        if (!use) {
            a.path().close();
            return;
        }
        punched++;
        path = a.path();
    }

    /** Gives up the punched path (the pair died, or another path replaced it). */
    void closePath() {
        if (path != null) path.close();
        path = null;
    }

    /** Gives up everything: the path, and the attempt under way (its result will be dropped). */
    void close() {
        closePath();
        running = false;
        generation++;
    }

    // ------------------------------------------------------------------ the attempt (virtual thread)

    private Attempt run(int gen, PunchRole role, PunchAuth auth, InetSocketAddress peerReflexive) {
        String side = role.name().toLowerCase() + " side";
        try {
            return role == PunchRole.EASY ? easy(gen, side, auth, peerReflexive) : hard(gen, side, auth, peerReflexive);
        } catch (IOException | RuntimeException e) {
            return new Attempt(gen, role, null, 0, side + ", failed: " + e);
        }
    }

    /** The easy side sprays the peer's public address from the device's own port. */
    private Attempt easy(int gen, String side, PunchAuth auth, InetSocketAddress peerReflexive) throws IOException {
        DevicePunchSocket socket = DevicePunchSocket.open(owner.mux, auth.localUfrag());
        PunchResult r = BirthdayPunch.easy(socket, peerReflexive.getAddress(), auth, PunchPlan.DEFAULT);
        if (!(r instanceof PunchResult.Punched p)) {
            socket.close();
            return failed(gen, PunchRole.EASY, side, r);
        }
        BirthdayPath path = new BirthdayPath.OnDevice(socket, p.remote(), new PunchConsent(auth, true));
        return punched(gen, PunchRole.EASY, side, path, p);
    }

    /** The hard side opens its sockets toward the peer's reflexive address (the device port's mapping). */
    private Attempt hard(int gen, String side, PunchAuth auth, InetSocketAddress peerReflexive) throws IOException {
        List<DatagramChannel> sockets = BirthdayPunch.openSockets(PunchPlan.DEFAULT.sockets(), null);
        PunchResult r = BirthdayPunch.hard(sockets, peerReflexive, auth, PunchPlan.DEFAULT);
        if (!(r instanceof PunchResult.Punched p)) return failed(gen, PunchRole.HARD, side, r);
        BirthdayPath path =
                PunchProxy.open(p.socket(), p.remote(), new PunchConsent(auth, false), owner.device.boundPort());
        return punched(gen, PunchRole.HARD, side, path, p);
    }

    private static Attempt punched(int gen, PunchRole role, String side, BirthdayPath path, PunchResult.Punched p) {
        long ms = p.nanos() / 1_000_000;
        return new Attempt(
                gen,
                role,
                path,
                ms,
                side + ", " + path.local() + " -> " + ConnectivityStatus.text(p.remote()) + ", punched in " + ms
                        + " ms after " + p.stats().probesSent() + " probes");
    }

    private static Attempt failed(int gen, PunchRole role, String side, PunchResult r) {
        PunchResult.Failed f = (PunchResult.Failed) r;
        return new Attempt(
                gen,
                role,
                null,
                f.nanos() / 1_000_000,
                side + ", not punched: " + f.reason() + " (" + f.stats().probesSent() + " probes)");
    }
}
