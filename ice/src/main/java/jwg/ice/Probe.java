package jwg.ice;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.ice.punch.PunchAuth;
import jwg.ice.signal.Answer;
import jwg.ice.signal.Offer;
import jwg.ice.signal.ProbeReport;
import jwg.ice.signal.SignalClient;
import jwg.ice.signal.SignalMessage;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;

/**
 * {@code jwg probe}: one ICE session with one peer over signaling, nothing else — no device, no
 * TUN, no tunnel, so it runs as any user. Both nodes run it with their .conf; the controlling side
 * (the greater public key) offers until the other answers, both run the checks, and each then tells
 * the other what it found ({@link ProbeReport}: its NAT type, its outcome). The socket is an
 * ephemeral UDP port of its own, so a daemon on the interface's ListenPort is not disturbed.
 */
public final class Probe {
    /** How long the controlling side waits for an answer before offering again. */
    static final long REOFFER_MS = 2_000;
    /** How long each side waits for the other's report after its own outcome. */
    static final long REPORT_WAIT_MS = 5_000;

    private final IceConfig config;
    private final PrivateKey key;
    private final PublicKey peer;
    private final String ourNat;
    private final LinkedBlockingQueue<SignalMessage> inbox = new LinkedBlockingQueue<>();

    private Probe(IceConfig config, PrivateKey key, PublicKey peer, String ourNat) {
        this.config = config;
        this.key = key;
        this.peer = peer;
        this.ourNat = ourNat;
    }

    /**
     * Runs the probe with {@code peer} for at most {@code timeout}. {@code ourNat} is this side's
     * NAT type as the doctor classified it (sent to the peer; null if unknown).
     */
    public static ProbeResult run(IceConfig config, PrivateKey key, PublicKey peer, String ourNat, Duration timeout)
            throws IOException, InterruptedException {
        return new Probe(config, key, peer, ourNat).run(timeout);
    }

    private ProbeResult run(Duration timeout) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        boolean controlling = Connectivity.controlling(key.publicKey(), peer);
        RelayPolicy relay = config.relayFor(peer);
        StunMux mux = new StunMux();
        IceBind bind = new IceBind(new LinuxUdpBind(false), mux);
        bind.open(0);
        Arena arena = Arena.ofShared();
        Thread receiver = Thread.ofPlatform().daemon().name("jwg-probe-rx").start(() -> receive(bind, arena));
        SignalClient signal = new SignalClient(config.signal(), key, new SignalClient.Listener() {
            @Override
            public void onMessage(PublicKey from, SignalMessage message) {
                if (from.equals(peer)) inbox.add(message);
            }
        });
        PeerAgent agent = null;
        try {
            signal.setPeers(Set.of(peer));
            signal.start();
            CompletableFuture<PeerAgent.Outcome> outcome = new CompletableFuture<>();
            long session = new SecureRandom().nextLong() & Long.MAX_VALUE | 1;
            String failure = null;
            List<String> peerReport = null;
            String remoteUfrag = null, remotePwd = null;
            // gathered before any offer: a cold JVM's first agent takes long (ice4j's start-up), and the
            // peer must not wait for it between offer and answer
            agent = new PeerAgent(
                    mux, config.servers(), controlling, session, config.hosts(), relay, 0, outcome::complete);
            if (controlling) {
                long nextOffer = 0;
                Answer answer = null;
                while (answer == null && System.nanoTime() < deadline) {
                    if (System.nanoTime() - nextOffer >= 0) {
                        signal.send(peer, new Offer(session, agent.ufrag(), agent.password(), agent.candidates()));
                        nextOffer = System.nanoTime() + REOFFER_MS * 1_000_000L;
                    }
                    SignalMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
                    if (m instanceof Answer a && a.sessionId() == session) answer = a;
                    else if (m instanceof ProbeReport r) peerReport = r.lines();
                }
                if (answer == null) failure = "no answer from the peer (is jwg probe running there, same signaling?)";
                else {
                    remoteUfrag = answer.ufrag();
                    remotePwd = answer.pwd();
                    agent.connect(answer.ufrag(), answer.pwd(), answer.candidates());
                }
            } else {
                Offer offer = null;
                while (offer == null && System.nanoTime() < deadline) {
                    SignalMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
                    if (m instanceof Offer o) offer = o;
                }
                if (offer == null) {
                    failure = "no offer from the peer (is jwg probe running there, same signaling?)";
                } else {
                    session = offer.sessionId();
                    remoteUfrag = offer.ufrag();
                    remotePwd = offer.pwd();
                    signal.send(peer, new Answer(session, agent.ufrag(), agent.password(), agent.candidates()));
                    agent.connect(offer.ufrag(), offer.pwd(), offer.candidates());
                }
            }
            PeerAgent.Outcome o = null;
            if (failure == null) {
                while (o == null && System.nanoTime() < deadline) {
                    try {
                        o = outcome.get(100, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        SignalMessage m = inbox.poll();
                        if (m instanceof ProbeReport r) peerReport = r.lines();
                        else if (m instanceof Offer && !controlling) // our answer was lost
                        signal.send(peer, new Answer(session, agent.ufrag(), agent.password(), agent.candidates()));
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new IOException(e.getCause());
                    }
                }
                if (o == null) failure = "ICE checks unfinished after " + timeout.toSeconds() + " s";
                else if (o == PeerAgent.Outcome.FAILED) failure = "ICE checks failed: no candidate pair worked";
            }
            if (o == null) failure += " [" + signalText(signal.status()) + "]";
            PeerAgent.Selected selected = o == PeerAgent.Outcome.CONNECTED ? agent.selected() : null;
            double rtt = selected == null ? -1 : mux.rttMillis(selected.remote());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            List<PeerAgent.Check> checks = agent.checks();
            List<String> ours = new ArrayList<>();
            ours.add("nat=" + (ourNat == null ? "unknown" : ourNat));
            ours.add("outcome=" + (selected != null ? "connected " + PathType.of(selected) : failure));
            signal.send(peer, new ProbeReport(session, ours));
            long reportDeadline = System.nanoTime() + REPORT_WAIT_MS * 1_000_000L;
            while (peerReport == null && System.nanoTime() < reportDeadline) {
                SignalMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (m instanceof ProbeReport r) peerReport = r.lines();
            }
            ProbePunch.Outcome punch = null;
            String peerNat = ProbeResult.line(peerReport, "nat="),
                    peerOutcome = ProbeResult.line(peerReport, "outcome=");
            var role = ProbePunch.role(ourNat, peerNat);
            if (role.isPresent()
                    && relay != RelayPolicy.FORCE
                    && remoteUfrag != null
                    && (selected == null || !PathType.of(selected).p2p())
                    && (peerOutcome == null || !peerOutcome.startsWith("connected P2P"))) {
                punch = ProbePunch.run(
                        role.get(),
                        session,
                        new PunchAuth(agent.ufrag(), agent.password(), remoteUfrag, remotePwd),
                        config.servers(),
                        agent.candidates(),
                        signal,
                        peer,
                        inbox);
            }
            return ProbeResult.of(
                    key.publicKey(),
                    peer,
                    controlling,
                    relay,
                    selected,
                    rtt,
                    millis,
                    checks,
                    failure,
                    ourNat,
                    peerReport,
                    punch,
                    (System.nanoTime() - t0) / 1_000_000);
        } finally {
            if (agent != null) agent.close();
            signal.close();
            bind.close();
            receiver.join(2_000);
            if (!receiver.isAlive()) arena.close();
        }
    }

    private static String signalText(SignalClient.Status s) {
        return "signaling " + s.server() + (s.connected() ? " connected" : " not connected")
                + (s.lastError() == null ? "" : ", last error: " + s.lastError()) + ", " + s.sent() + " sent, "
                + s.received() + " received" + (s.rejected().isEmpty() ? "" : ", rejected " + s.rejected())
                + (s.dropped().isEmpty() ? "" : ", dropped " + s.dropped());
    }

    /** Feeds the mux until the bind closes; anything WireGuard-shaped is ignored (there is no device). */
    private static void receive(IceBind bind, Arena arena) {
        Datagrams batch = Datagrams.allocate(arena, 8, 4096);
        try {
            while (bind.receive(batch) >= 0) {
                // STUN went to the mux inside receive()
            }
        } catch (IOException e) {
            // closed
        }
    }
}
