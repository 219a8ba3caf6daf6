package jwg.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import jwg.dataplane.Device;
import jwg.dataplane.Jfr;
import jwg.dataplane.config.UapiDevice;
import jwg.ice.guard.Guard;
import jwg.ice.guard.ResetReason;
import jwg.ice.punch.PunchRole;
import jwg.ice.signal.Answer;
import jwg.ice.signal.Candidates;
import jwg.ice.signal.GoIdle;
import jwg.ice.signal.Offer;
import jwg.ice.signal.ProbeReport;
import jwg.ice.signal.SessionInfo;
import jwg.ice.signal.SignalMessage;
import jwg.noise.PublicKey;
import org.ice4j.ice.CandidateType;

/**
 * One peer's connection, Netbird-style: ICE sessions negotiated over signaling (offer/answer,
 * the side with the greater public key controlling), the selected pair set as the peer's
 * WireGuard endpoint (a relayed pair through a {@link RelayPath}), a liveness watch on the
 * selected pair, the reconnect {@link Guard}, upgrade attempts while relayed, and lazy idling.
 *
 * <p>Every method runs on the owning {@link Connectivity}'s single control thread.
 */
final class PeerConnection {
    private static final Logger LOG = Logger.getLogger(PeerConnection.class.getName());
    /** A selected pair with no consent answer for this long is dead (consent checks run every ~1 s). */
    static final long DEAD_AFTER_MS = 2_000;
    /** An offer or a check that has not completed in this long is abandoned. */
    static final long SESSION_TIMEOUT_MS = 12_000;
    /** An offer the peer has not answered in this long is abandoned (a warm peer answers in ms). */
    static final long ANSWER_TIMEOUT_MS = 4_000;
    /** A session that left the current path in place is freed this long after its outcome. */
    static final long RETIRE_KEPT_AFTER_MS = 3_000;
    /** While relayed, try for a direct path this often. */
    static final long UPGRADE_EVERY_MS = 15_000;
    /** A punched pair with no consent answer for this long is dead (checks every second each way). */
    static final long PUNCHED_DEAD_AFTER_MS = 3_000;

    /**
     * Whether a new relayed path with no session starts a handshake from this side ({@link #promote});
     * {@code -Djwg.ice.noRelayHandshake=true} (in JWG_JVM_OPTS) turns it off, for the A/B comparison only.
     */
    static final boolean RELAY_HANDSHAKE = !Boolean.getBoolean("jwg.ice.noRelayHandshake");
    /** How long a new relayed path waits for the peer's handshake before starting one (checked on the 250 ms tick). */
    static final long RELAY_HANDSHAKE_AFTER_MS = 250;

    final PublicKey key;
    final boolean controlling;
    /** Whether this peer's sessions may, or must, go through a relay ({@code #! IceRelay}). */
    final RelayPolicy relay;

    private final Connectivity owner;
    final Guard guard;

    ConnectionState state = ConnectionState.IDLE;
    PathType path = PathType.NONE;
    PeerAgent.Selected selected;
    private PeerAgent active;
    private RelayPath proxy;
    private PeerAgent pending;
    private long pendingSince;
    private long pendingSession; // the session being gathered or offered (0 = none)
    private boolean pendingAnswered; // the pending agent was started from the peer's offer or has its answer
    private boolean pendingUpgrade; // we offer the pending session as an upgrade attempt while relayed
    /** The peer's last {@link SessionInfo} (null before the first, or from a peer too old to send one). */
    private SessionInfo peerInfo;
    /** Our last {@link SessionInfo} to the peer (null before the first). */
    private SessionInfo infoSent;
    /** The peer's NAT mapping, from its last {@link SessionInfo}. */
    NatMapping peerMapping = NatMapping.UNKNOWN;
    /** Birthday punches while relayed, and the pair one opened (path {@link PathType#P2P_BIRTHDAY}). */
    final PeerPunch punch;

    long lastPathChangeMillis;
    private long connectedAtMillis; // wall clock, as ice4j's consent times
    String lastEvent = "new";
    List<CandidateType> localTypes = List.of();
    List<String> remoteTypes = List.of();
    int sessionsStarted, sessionsConnected, sessionsFailed, pathChanges, guardRetries;
    /** Sessions that found only a relay and left the current path in place ({@link #keepCurrent}). */
    int pathsKept;

    private long nextUpgradeNanos = Long.MAX_VALUE;
    /** When to check whether the peer's handshake reached us over a new relayed path ({@link #relayHandshakeDue}). */
    private long relayHandshakeNanos = Long.MAX_VALUE;
    /** What the device had received from the peer when that path came up. */
    private long rxAtRelayUp;
    // lazy idling
    private long lastTx = -1, lastRx = -1, lastActivityNanos;

    PeerConnection(Connectivity owner, PublicKey key, boolean controlling, RelayPolicy relay) {
        this.owner = owner;
        this.key = key;
        this.controlling = controlling;
        this.relay = relay;
        this.guard = new Guard(owner.random);
        this.punch = new PeerPunch(owner);
        this.lastActivityNanos = System.nanoTime();
    }

    // ------------------------------------------------------------------ events

    /** Traffic wants this peer (lazy wake, startup, guard): start a session unless one is under way. */
    void connect(String why) {
        connect(why, false);
    }

    private void connect(String why, boolean upgrade) {
        if (sessionUnderWay()) return;
        if (state == ConnectionState.IDLE) state = ConnectionState.CONNECTING;
        if (state != ConnectionState.CONNECTED) guard.start(System.nanoTime());
        lastActivityNanos = System.nanoTime();
        startSession(owner.random.nextLong() & Long.MAX_VALUE | 1, null, why);
        pendingUpgrade = upgrade;
    }

    /** Gathers a new agent off the control thread, then offers it (or answers {@code offer}). */
    private void startSession(long sessionId, Offer offer, String why) {
        pendingSession = sessionId;
        pendingSince = System.nanoTime();
        sessionsStarted++;
        lastEvent = (offer == null ? "offering (" : "answering (") + why + ")";
        LOG.fine(() -> key + ": session " + Long.toHexString(sessionId) + " started, " + lastEvent);
        owner.gather(this, sessionId, agent -> gathered(agent, offer));
    }

    private void gathered(PeerAgent agent, Offer offer) {
        if (agent == null) { // gathering failed
            pendingSession = 0;
            failed("gathering candidates failed");
            return;
        }
        if (agent.sessionId() != pendingSession || owner.closed) {
            owner.retire(agent);
            return;
        }
        pending = agent;
        localTypes = agent.candidateTypes();
        LOG.fine(() ->
                key + ": gathered " + localTypes + " in " + (System.nanoTime() - pendingSince) / 1_000_000 + " ms");
        // the session's info right after the offer or answer (the server keeps a sender's order,
        // and the offer is not delayed by it): the peer has it long before a relayed pair can be
        // selected (ice4j waits 800 ms for a direct one); an older peer drops it and connects as before
        infoSent = SessionInfo.of(agent.sessionId(), upgradeSession(agent.sessionId()), owner.mapping.wire, punches());
        if (offer == null) {
            owner.signal(key, new Offer(agent.sessionId(), agent.ufrag(), agent.password(), agent.candidates()));
            owner.signal(key, infoSent);
        } else {
            pendingAnswered = true;
            // our router's mapping first, without reaching the offerer's router (TtlPrimer)
            if (relay != RelayPolicy.FORCE) owner.mux.prime(CandidateText.reflexive(offer.candidates()));
            owner.signal(key, new Answer(agent.sessionId(), agent.ufrag(), agent.password(), agent.candidates()));
            owner.signal(key, infoSent);
            remoteTypes = types(offer.candidates());
            reportRejected(agent.connect(offer.ufrag(), offer.pwd(), offer.candidates()));
        }
    }

    /** Whether we offered session {@code sessionId} as an upgrade, or the peer's info for it says so. */
    private boolean upgradeSession(long sessionId) {
        return pendingUpgrade || peerInfoFor(sessionId) && peerInfo.upgrade();
    }

    void onMessage(SignalMessage m) {
        switch (m) {
            case Offer o -> onOffer(o);
            case Answer a -> onAnswer(a);
            case GoIdle g -> onGoIdle(g);
            case ProbeReport r -> LOG.fine(key + ": a jwg probe report, for probes only");
            case SessionInfo i -> {
                peerInfo = i;
                boolean before = punchRole().isPresent();
                peerMapping = NatMapping.ofWire(i.value(SessionInfo.MAPPING).orElse(""));
                if (!before) maybePunch(active, "the roles became known");
            }
            case Candidates c -> LOG.fine(key + ": trickled candidates ignored (sessions are not trickled)");
        }
    }

    private void onOffer(Offer o) {
        lastActivityNanos = System.nanoTime();
        LOG.fine(() -> key + ": offer " + Long.toHexString(o.sessionId()) + " received (" + state + ", pending "
                + Long.toHexString(pendingSession) + (pendingAnswered ? " answered" : "") + ")");
        if (pendingSession != 0
                && pendingSession != o.sessionId()
                && controlling
                && (pending == null || !pendingAnswered)) {
            LOG.fine(key + ": offers crossed; ours wins (controlling)");
            return;
        }
        if (state == ConnectionState.IDLE) state = ConnectionState.CONNECTING;
        dropPending();
        startSession(o.sessionId(), o, "peer offered");
    }

    private void onAnswer(Answer a) {
        LOG.fine(() -> key + ": answer " + Long.toHexString(a.sessionId()) + " received (pending "
                + Long.toHexString(pendingSession) + (pendingAnswered ? " answered" : "") + ")");
        if (pending == null || pending.sessionId() != a.sessionId() || pendingAnswered) return; // stale or duplicate
        pendingAnswered = true;
        remoteTypes = types(a.candidates());
        reportRejected(pending.connect(a.ufrag(), a.pwd(), a.candidates()));
    }

    private void onGoIdle(GoIdle g) {
        // only for the session it names: a GoIdle that crossed our own idling, arriving after
        // traffic woke us into a new session, must not tear that new session down
        boolean current = (active != null && active.sessionId() == g.sessionId())
                || (pending != null && pending.sessionId() == g.sessionId());
        if (!current) return;
        idle("peer went idle", false);
    }

    /** ice4j's verdict on an agent (control thread). */
    void outcome(PeerAgent agent, PeerAgent.Outcome o) {
        if (agent != pending) return;
        if (o == PeerAgent.Outcome.FAILED) {
            dropPending();
            failed("ICE checks failed: no candidate pair worked (local " + localTypes + ", remote " + remoteTypes
                    + ")"
                    + switch (relay) {
                        case ON -> "";
                        case OFF -> "; IceRelay = off: no direct pair answered and relayed pairs are not tried";
                        case FORCE -> "; IceRelay = force: only relayed pairs were tried";
                    });
            return;
        }
        PeerAgent.Selected s = agent.selected();
        if (s == null) return;
        PathType type = PathType.of(s);
        // an upgrade only when the peer sent its info for the session (an older peer replaces its relay)
        boolean upgrade = peerInfoFor(agent.sessionId()) && upgradeSession(agent.sessionId());
        if (keepCurrent(active != null, path, type, upgrade)) {
            maybePunch(agent, "the session found the relay only"); // the peer's side ended on the same session
            pathsKept++;
            lastEvent = "the new session found " + type + " only: the current " + path + " path stays";
            LOG.info(key + ": " + lastEvent);
            // freed a little later: the peer's side of the checks may still want an answer from
            // it (ice4j's controlled side completes before the controlling side's last response)
            PeerAgent unused = pending;
            pending = null;
            dropPending();
            owner.retireLater(unused, RETIRE_KEPT_AFTER_MS);
            return;
        }
        promote(agent, s, type);
    }

    /**
     * This host's NAT mapping became known (classified after the first session was offered, as at
     * start-up): the last session's info goes again with it, so the peer learns it now rather than
     * at the next session.
     */
    void mappingKnown() {
        if (infoSent == null || owner.mapping == NatMapping.UNKNOWN) return;
        infoSent = SessionInfo.of(infoSent.sessionId(), infoSent.upgrade(), owner.mapping.wire, punches());
        owner.signal(key, infoSent);
        maybePunch(active, "the roles became known");
    }

    /**
     * Whether a session that {@code found} a path leaves the current one in place: a direct path
     * is never given up for a relay, and an upgrade attempt while relayed (offered with
     * {@code upgrade=yes} in its {@link SessionInfo}, and the peer sent its info for the session:
     * both sides know, so both keep their current agent) that found only the relay again keeps the
     * working relay. Any other
     * session — the path was lost, the network changed, an older peer — replaces it.
     */
    static boolean keepCurrent(boolean connected, PathType current, PathType found, boolean upgradeSession) {
        if (!connected || found.p2p()) return false;
        return current.p2p() || upgradeSession;
    }

    /** Whether the peer's last {@link SessionInfo} belongs to session {@code sessionId}. */
    private boolean peerInfoFor(long sessionId) {
        return peerInfo != null && peerInfo.sessionId() == sessionId;
    }

    /**
     * The part this side would play in a birthday punch with the peer, if the two mappings call for
     * one and neither side sits out ({@link NatMapping#canPunch}: a hard side with a fwmark).
     */
    Optional<PunchRole> punchRole() {
        if (!punches() || peerInfo != null && !peerInfo.punches()) return Optional.empty();
        return owner.mapping.roleAgainst(peerMapping);
    }

    /** Whether this side takes part in birthday punches ({@code punch=no} in its session info when not). */
    private boolean punches() {
        return owner.mapping.canPunch(owner.device.configuration().fwmark());
    }

    /**
     * Starts a birthday punch with {@code session}'s credentials when this peer is relayed, the two
     * NAT mappings call for one ({@link #punchRole}), {@code IceRelay} is {@code on} and none is under
     * way. Both sides call it at the same moments — a session ending relayed (every upgrade attempt
     * while relayed, so a failed punch is retried 15 s later), or the roles becoming known — so they
     * start within milliseconds of each other.
     */
    private void maybePunch(PeerAgent session, String why) {
        if (session == null
                || relay != RelayPolicy.ON
                || state != ConnectionState.CONNECTED
                || path != PathType.RELAYED
                || punch.busy()) return;
        Optional<PunchRole> role = punchRole();
        if (role.isEmpty()) return;
        if (punch.start(role.get(), session, this::punchEnded))
            LOG.info(key + ": birthday punch, " + role.get().name().toLowerCase() + " side (" + why + ")");
        else LOG.info(key + ": " + punch.last);
    }

    /** A punch ended (control thread): a punched pair becomes the WireGuard endpoint, the relay stays as the fallback. */
    private void punchEnded(PeerPunch.Attempt a) {
        boolean use = punch.current(a)
                && a.path() != null
                && state == ConnectionState.CONNECTED
                && path == PathType.RELAYED
                && active != null;
        punch.ended(a, use);
        if (!use) {
            if (a.path() == null) {
                lastEvent = "birthday punch: " + a.text() + "; relayed, next attempt with the next session";
                LOG.info(key + ": " + lastEvent);
            }
            return;
        }
        owner.device.setEndpoint(key, a.path().endpoint());
        setPath(
                PathType.P2P_BIRTHDAY,
                "birthday " + a.path().local(),
                "birthday " + ConnectivityStatus.text(a.path().remote()),
                "punched");
        lastEvent = "connected P2P_BIRTHDAY: " + a.text() + " (the relay stays as the fallback)";
        LOG.info(key + ": " + lastEvent);
    }

    /** The punched pair's consent checks, and its death: back to the relay, whose agent stayed. */
    private void tickPunched(long now) {
        BirthdayPath b = punch.path();
        if (b == null) return;
        b.tick(now);
        // WireGuard roams to where authenticated packets come from: one the peer still sent through
        // the relay (before its own switch, or in flight) moves the endpoint back to the relay, and the
        // peer then roams too — both would stay on the relay under a P2P_BIRTHDAY status. The punched
        // pair is re-asserted every tick until the relayed packets stop.
        InetSocketAddress want = b.endpoint();
        UapiDevice.PeerStats st = owner.device.stats(key);
        if (st != null && !want.equals(st.endpoint())) {
            owner.device.setEndpoint(key, want);
            punch.reasserted++;
        }
        if (now - b.consent().lastAnswerNanos() <= PUNCHED_DEAD_AFTER_MS * 1_000_000L) return;
        if (activeDead()) { // the standby relay lapsed meanwhile: nothing to fall back on
            pathLost("the punched pair and the standby relay both stopped answering consent checks");
            return;
        }
        punch.closePath();
        owner.device.setEndpoint(key, relayEndpoint());
        setPath(PathType.RELAYED, null, null, "punched pair lost");
        nextUpgradeNanos = now + UPGRADE_EVERY_MS * 1_000_000L;
        lastEvent = "punched pair lost (no consent answer for " + PUNCHED_DEAD_AFTER_MS
                + " ms): back to the relay, a new attempt with the next session";
        LOG.info(key + ": " + lastEvent);
    }

    /** Whether the active session's selected pair has had no consent answer for {@link #DEAD_AFTER_MS}. */
    private boolean activeDead() {
        return active != null
                && System.currentTimeMillis() - Math.max(active.lastConsentMillis(), connectedAtMillis) > DEAD_AFTER_MS;
    }

    /** Where the relayed session sends the peer's datagrams. */
    private InetSocketAddress relayEndpoint() {
        return proxy != null ? proxy.endpoint() : selected.remote();
    }

    private void setPath(PathType type, String local, String remote, String why) {
        PathType before = path;
        path = type;
        pathChanges++;
        lastPathChangeMillis = System.currentTimeMillis();
        if (Jfr.on()) IceEvents.pathChange(owner.device.name(), key, before, type, local, remote, why);
    }

    private void promote(PeerAgent agent, PeerAgent.Selected s, PathType type) {
        punch.close(); // a session that replaces the path replaces a punched pair too
        RelayPath newProxy = null;
        InetSocketAddress endpoint = s.remote();
        if (s.localType() == CandidateType.RELAYED_CANDIDATE) {
            try {
                newProxy = RelayPath.open(
                        agent.selectedPair(), s.remote(), proxy, owner.device.boundPort(), owner.device.name());
                endpoint = newProxy.endpoint();
            } catch (IOException e) {
                dropPending();
                failed("relay path: " + e.getMessage());
                return;
            }
        }
        PeerAgent oldAgent = active;
        RelayPath oldProxy = proxy == newProxy ? null : proxy;
        boolean relayNew = newProxy != null && newProxy != proxy; // our side of the relay starts carrying WireGuard now
        pending = null;
        pendingSession = 0;
        pendingAnswered = false;
        pendingUpgrade = false;
        active = agent;
        proxy = newProxy;
        boolean changed = path != type || selected == null || !selected.remote().equals(s.remote());
        PathType before = path;
        selected = s;
        path = type;
        state = ConnectionState.CONNECTED;
        owner.device.setEndpoint(key, endpoint);
        // A relayed path carries the peer's WireGuard to us only from now on (our channel's route, or
        // the proxy): an initiation the peer sent when its side connected first reached the relay's
        // agent socket instead and was lost, to be retried only after REKEY_TIMEOUT (5 s: the lazy
        // wake-up's 6.3-7.8 s outliers). Checked a little later (relayHandshakeDue), not now: an
        // initiation of ours crossing the peer's that did get through would overwrite both sides'
        // handshake state, and both responses would be refused (a 5 s stall of its own).
        if (relayNew && RELAY_HANDSHAKE) {
            UapiDevice.PeerStats st = owner.device.stats(key);
            rxAtRelayUp = st == null ? 0 : st.rxBytes();
            relayHandshakeNanos = System.nanoTime() + RELAY_HANDSHAKE_AFTER_MS * 1_000_000L;
        }
        if (oldProxy != null) oldProxy.close();
        if (oldAgent != null) owner.retire(oldAgent);
        if (changed) {
            pathChanges++;
            lastPathChangeMillis = System.currentTimeMillis();
            if (Jfr.on())
                IceEvents.pathChange(
                        owner.device.name(),
                        key,
                        before,
                        type,
                        s.localType() + " " + ConnectivityStatus.text(s.local()),
                        s.remoteType() + " " + ConnectivityStatus.text(s.remote()),
                        "connected");
        }
        connectedAtMillis = System.currentTimeMillis();
        sessionsConnected++;
        guard.connected();
        nextUpgradeNanos = type.p2p() ? Long.MAX_VALUE : System.nanoTime() + UPGRADE_EVERY_MS * 1_000_000L;
        lastEvent = "connected " + type + " " + s.local() + " -> " + s.remote() + " ("
                + (System.nanoTime() - pendingSince) / 1_000_000 + " ms after the session started)";
        LOG.info(key + ": " + lastEvent);
        maybePunch(agent, "the session ended relayed");
    }

    private void failed(String why) {
        sessionsFailed++;
        lastEvent = why;
        LOG.info(key + ": " + why);
        if (active == null) state = ConnectionState.CONNECTING;
    }

    /**
     * {@link #RELAY_HANDSHAKE_AFTER_MS} after a new relayed path came up: if nothing at all came
     * from the peer meanwhile (no handshake message, no data) and there is no session, the peer's
     * initiation was lost before our side of the relay existed (see {@link #promote}): this side
     * initiates, the session is made at once and its keepalive lets the peer send what it staged.
     */
    private void relayHandshakeDue(long now) {
        if (now - relayHandshakeNanos < 0) return;
        relayHandshakeNanos = Long.MAX_VALUE;
        UapiDevice.PeerStats st = owner.device.stats(key);
        if (st == null
                || !peersHandshakeLost(state == ConnectionState.CONNECTED && proxy != null, rxAtRelayUp, st.rxBytes()))
            return;
        if (owner.device.handshakeUnlessSession(key))
            LOG.fine(() -> key + ": nothing from the peer " + RELAY_HANDSHAKE_AFTER_MS
                    + " ms after the relayed path came up, no session: handshake started from this side");
    }

    /**
     * Whether the peer's handshake over a new relayed path must be taken as lost: still relayed,
     * and nothing at all received from the peer ({@code rxNow}, handshake messages included) since
     * the path came up ({@code rxAtPathUp}). Anything received means its initiation got through, and
     * one of ours crossing it would stall both.
     */
    static boolean peersHandshakeLost(boolean stillRelayed, long rxAtPathUp, long rxNow) {
        return stillRelayed && rxNow == rxAtPathUp;
    }

    /** Periodic work: liveness, pending timeouts, guard retries, upgrades, lazy idling. */
    void tick(long now) {
        relayHandshakeDue(now);
        tickPunched(now);
        // a punched pair carries the traffic with consent of its own: its standby relay's consent
        // lapsing (under load, relayed checks miss their 2 s more often) does not take it down
        if (punch.path() == null && activeDead()) {
            pathLost("no consent answer on the selected pair for " + DEAD_AFTER_MS + " ms");
        }
        if (sessionUnderWay() && now - pendingSince > SESSION_TIMEOUT_MS * 1_000_000L) {
            dropPending();
            failed("session timed out (checks unfinished)");
        } else if (pending != null && !pendingAnswered && now - pendingSince > ANSWER_TIMEOUT_MS * 1_000_000L) {
            dropPending();
            failed("no answer to our offer in " + ANSWER_TIMEOUT_MS / 1000
                    + " s (peer offline, or the message was lost)");
        }
        if (state == ConnectionState.CONNECTING && !sessionUnderWay() && guard.due(now)) {
            guard.attemptMade(now);
            guardRetries++;
            if (Jfr.on())
                IceEvents.guardRetry(
                        owner.device.name(), key, guardRetries, guard.nextDeadline() - now, guard.lastReset());
            connect("guard retry");
        }
        if (state == ConnectionState.CONNECTED
                && !path.p2p()
                && relay != RelayPolicy.FORCE // relayed on purpose: no upgrades
                && now - nextUpgradeNanos >= 0
                && !sessionUnderWay()) {
            nextUpgradeNanos = now + UPGRADE_EVERY_MS * 1_000_000L;
            connect("trying for a direct path while relayed", true);
        }
        if (owner.config.lazy()) idleCheck(now);
    }

    private void pathLost(String why) {
        LOG.info(key + ": path lost: " + why);
        boolean wasRelayed = path == PathType.RELAYED;
        if (Jfr.on())
            IceEvents.pathChange(owner.device.name(), key, path, PathType.NONE, null, null, "path lost: " + why);
        closeSessions(); // frees the dead agent (and any session in progress): the next one starts below
        selected = null;
        path = PathType.NONE;
        pathChanges++;
        lastPathChangeMillis = System.currentTimeMillis();
        state = ConnectionState.CONNECTING;
        lastEvent = "path lost: " + why;
        owner.device.setEndpoint(key, null); // packets meanwhile wait for the next path (staged)
        guard.reset(wasRelayed ? ResetReason.RELAY_DISCONNECTED : ResetReason.ICE_DISCONNECTED, System.nanoTime());
        connect("path lost");
    }

    /** The local addresses changed: candidates are stale, so a connected peer renegotiates now. */
    void networkChanged() {
        if (state == ConnectionState.IDLE) return;
        guard.reset(ResetReason.NETWORK_CHANGED, System.nanoTime());
        if (state == ConnectionState.CONNECTED) connect("local network changed");
    }

    void reset(ResetReason reason) {
        if (state == ConnectionState.CONNECTING) guard.reset(reason, System.nanoTime());
    }

    private void idleCheck(long now) {
        Device.PeerActivity a = owner.device.activity(key);
        if (a == null) return;
        if (a.txDataBytes() != lastTx || a.rxDataPackets() != lastRx) {
            lastTx = a.txDataBytes();
            lastRx = a.rxDataPackets();
            lastActivityNanos = now;
            return;
        }
        if (state != ConnectionState.IDLE
                && now - lastActivityNanos > owner.config.idleTimeout().toNanos()) {
            idle("no traffic for " + owner.config.idleTimeout().toSeconds() + " s", true);
        }
    }

    /** Back to Idle: frees the agent; the next packet for the peer (or its offer) wakes it. */
    void idle(String why, boolean tellPeer) {
        if (tellPeer && active != null) owner.signal(key, new GoIdle(active.sessionId()));
        if (path != PathType.NONE && Jfr.on())
            IceEvents.pathChange(owner.device.name(), key, path, PathType.NONE, null, null, "idle: " + why);
        closeSessions();
        state = ConnectionState.IDLE;
        path = PathType.NONE;
        selected = null;
        guard.connected(); // no retries while idle
        lastEvent = "idle: " + why;
        owner.device.setEndpoint(key, null);
        LOG.info(key + ": " + lastEvent);
    }

    /** A new session is being gathered, offered or checked. */
    boolean sessionUnderWay() {
        return pending != null || pendingSession != 0;
    }

    private void dropPending() {
        if (pending != null) owner.retire(pending);
        pending = null;
        pendingSession = 0;
        pendingAnswered = false;
        pendingUpgrade = false;
    }

    void closeSessions() {
        punch.close();
        dropPending();
        if (proxy != null) proxy.close();
        if (active != null) owner.retire(active);
        proxy = null;
        active = null;
    }

    /** The round-trip time of the selected pair's last check (ms), or -1. */
    double rttMillis() {
        PeerAgent.Selected s = selected;
        return s == null || proxy != null ? -1 : owner.mux.rttMillis(s.remote());
    }

    private void reportRejected(List<String> rejected) {
        for (String r : rejected) LOG.warning(key + ": " + r);
    }

    private static List<String> types(List<String> candidates) {
        List<String> out = new ArrayList<>();
        for (String c : candidates) {
            try {
                out.add(CandidateText.parse(c).type().toString());
            } catch (IllegalArgumentException e) {
                out.add("invalid");
            }
        }
        return out;
    }
}
