package jwg.ice;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import jwg.dataplane.Device;
import jwg.dataplane.config.DeviceConfig;
import jwg.dataplane.config.PeerConfig;
import jwg.ice.guard.ResetReason;
import jwg.ice.signal.SignalClient;
import jwg.ice.signal.SignalMessage;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;

/**
 * The connectivity layer of one device: a signaling client, and for every configured peer that
 * has no static endpoint a {@link PeerConnection} that finds it a path with ICE. One control
 * thread runs every peer's state machine (signaling messages, ICE outcomes, configuration changes
 * the device pushes, the once-every-250 ms tick that drives the peers' timers: liveness, timeouts,
 * guard retries, upgrades, idling); gathering, which may wait on STUN/TURN servers, runs on virtual
 * threads.
 */
public final class Connectivity implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Connectivity.class.getName());
    static final long TICK_MS = 250;

    final Device device;
    final StunMux mux;
    final IceConfig config;
    final SecureRandom random = new SecureRandom();
    private final PublicKey self;
    private final SignalClient signal;
    private final ScheduledExecutorService control;
    private final ExecutorService gatherers = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<PublicKey, PeerConnection> peers = new ConcurrentHashMap<>(); // written on the control thread
    /** Agents to be freed a little later ({@link #retireLater}); freed at once by {@link #close()}. */
    private final Set<PeerAgent> retiring = ConcurrentHashMap.newKeySet();

    volatile boolean closed;
    private volatile boolean closing;
    /** True once the start-up gathering is done (the first session will not pay the JVM's warm-up). */
    volatile boolean warm;
    /** This host's NAT mapping, told to peers in each session's {@code SessionInfo}; classified once at start. */
    volatile NatMapping mapping = NatMapping.UNKNOWN;
    // control thread only
    private int ticks;
    private Set<InetAddress> lastAddresses;

    /** How often (in ticks) the local addresses are compared with the last look: every 2 s. */
    static final int ADDRESS_CHECK_TICKS = 8;

    private Connectivity(Device device, StunMux mux, PrivateKey key, IceConfig config) {
        this.device = device;
        this.mux = mux;
        this.config = config;
        this.self = key.publicKey();
        this.control = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().daemon().name("jwg-ice-" + device.name()).unstarted(r));
        this.signal = new SignalClient(config.signal(), key, new SignalClient.Listener() {
            @Override
            public void onMessage(PublicKey from, SignalMessage message) {
                run(() -> message(from, message));
            }

            @Override
            public void onConnected() {
                run(() -> peers.values().forEach(p -> p.reset(ResetReason.SIGNAL_RECONNECTED)));
            }
        });
    }

    /**
     * Starts connecting {@code device}'s peers that have no static endpoint. The device must run
     * on an {@link IceBind} over {@code mux}. {@code key} is the device's private key (it seals the
     * signaling messages; the caller keeps ownership).
     */
    public static Connectivity start(Device device, StunMux mux, PrivateKey key, IceConfig config) {
        return start(device, mux, key, config, NatMapping.Classifier.NONE);
    }

    /**
     * As {@link #start(Device, StunMux, PrivateKey, IceConfig)}, and classifies this host's NAT
     * mapping with {@code classifier} (on a virtual thread, at once) for the peers' birthday-punch
     * agreement; sessions offered before it is known say {@code mapping=unknown}.
     */
    public static Connectivity start(
            Device device, StunMux mux, PrivateKey key, IceConfig config, NatMapping.Classifier classifier) {
        Connectivity c = new Connectivity(device, mux, key, config);
        c.gatherers.execute(() -> c.classify(classifier));
        device.setPathListener(peer -> {
            long asked = System.nanoTime();
            c.run(() -> c.wake(peer, asked));
        });
        device.setConfigListener(next -> c.run(() -> c.syncPeers(next))); // a UAPI set changed the peers
        c.signal.start();
        c.gatherers.execute(c::warmUp);
        c.run(() -> c.syncPeers(device.configuration()));
        c.control.scheduleWithFixedDelay(() -> c.safely(c::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        return c;
    }

    /**
     * One throwaway gathering at start, with the configured servers: a fresh JVM takes ~600 ms
     * (class loading, interpreted code) for its first ICE agent, which would otherwise delay the
     * first connection — the lazy wake-up most of all. Also reports unusable servers early.
     */
    private void warmUp() {
        long t0 = System.nanoTime();
        try (PeerAgent a = newAgent(false, 0, config.relay(), o -> {})) {
            LOG.fine(() -> "ICE warm-up: gathered " + a.candidateTypes() + " in " + (System.nanoTime() - t0) / 1_000_000
                    + " ms");
        } catch (IOException | RuntimeException e) {
            LOG.warning("ICE warm-up: gathering failed: " + e);
        } finally {
            warm = true;
        }
    }

    private void classify(NatMapping.Classifier classifier) {
        long t0 = System.nanoTime();
        try {
            mapping = classifier.classify(
                    config.servers(), (int) device.configuration().fwmark());
            run(() -> peers.values().forEach(PeerConnection::mappingKnown));
            LOG.info("NAT mapping: " + mapping + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        } catch (RuntimeException e) {
            LOG.warning("NAT mapping: classification failed: " + e);
        }
    }

    /** An agent gathering with this node's servers and host-candidate rules (blocks while it gathers). */
    private PeerAgent newAgent(
            boolean controlling, long sessionId, RelayPolicy relay, Consumer<PeerAgent.Outcome> outcome)
            throws IOException {
        return new PeerAgent(
                mux,
                config.servers(),
                controlling,
                sessionId,
                config.hosts(),
                relay,
                (int) device.configuration().fwmark(),
                outcome);
    }

    /** Brings the peer connections in line with the device's configuration (at start, and after a UAPI set). */
    private void syncPeers(DeviceConfig current) {
        Set<PublicKey> wanted = new HashSet<>();
        for (PeerConfig pc : current.peers()) {
            if (pc.endpoint() != null) continue; // a static endpoint: plain WireGuard
            wanted.add(pc.publicKey());
            peers.computeIfAbsent(pc.publicKey(), k -> {
                PeerConnection p = new PeerConnection(this, k, controlling(self, k), config.relayFor(k));
                if (!config.lazy()) p.connect("startup");
                return p;
            });
        }
        for (PeerConnection p : new ArrayList<>(peers.values())) {
            if (!wanted.contains(p.key)) {
                p.closeSessions();
                peers.remove(p.key);
            }
        }
        signal.setPeers(wanted);
    }

    /** The side with the greater public key (unsigned, byte by byte) is ICE-controlling. */
    static boolean controlling(PublicKey self, PublicKey peer) {
        return Arrays.compareUnsigned(self.rawBytes(), peer.rawBytes()) > 0;
    }

    private void wake(PublicKey peer, long askedNanos) {
        PeerConnection p = peers.get(peer);
        LOG.fine(() -> peer + ": path wanted (traffic), " + (System.nanoTime() - askedNanos) / 1_000_000 + " ms ago; "
                + (p == null ? "no ICE peer" : p.state + ", session under way: " + p.sessionUnderWay()));
        if (p != null && p.state != ConnectionState.CONNECTED) p.connect("traffic for the peer");
    }

    private void message(PublicKey from, SignalMessage m) {
        PeerConnection p = peers.get(from);
        if (p == null) {
            LOG.fine("signaling message from a peer without ICE: " + from);
            return;
        }
        p.onMessage(m);
    }

    private void tick() {
        if (++ticks % ADDRESS_CHECK_TICKS == 0) watchAddresses();
        long now = System.nanoTime();
        for (PeerConnection p : peers.values()) p.tick(now);
    }

    /** A local address came or went (a new network, a VPN, DHCP): every peer's path is in question. */
    private void watchAddresses() {
        Set<InetAddress> now = new HashSet<>();
        for (HostAddresses.HostAddress h : HostAddresses.of(config.hosts())) now.add(h.address());
        if (lastAddresses != null && !now.equals(lastAddresses)) {
            LOG.info("local addresses changed: " + lastAddresses + " -> " + now);
            peers.values().forEach(PeerConnection::networkChanged);
        }
        lastAddresses = now;
    }

    /**
     * The local network changed (also noticed by itself: the addresses are compared every 2 s):
     * connected peers start a new session, connecting ones retry soon.
     */
    public void networkChanged() {
        run(() -> peers.values().forEach(PeerConnection::networkChanged));
    }

    // ------------------------------------------------------------------ for PeerConnection

    void signal(PublicKey to, SignalMessage m) {
        signal.send(to, m);
    }

    /** Gathers a new agent on a virtual thread; {@code done} gets it (or null) on the control thread. */
    void gather(PeerConnection pc, long sessionId, Consumer<PeerAgent> done) {
        gatherers.execute(() -> {
            PeerAgent[] holder = new PeerAgent[1];
            PeerAgent a = null;
            try {
                a = newAgent(pc.controlling, sessionId, pc.relay, o -> run(() -> pc.outcome(holder[0], o)));
                holder[0] = a;
            } catch (IOException | RuntimeException e) {
                LOG.warning(pc.key + ": gathering: " + e);
            }
            PeerAgent agent = a;
            run(() -> done.accept(agent));
        });
    }

    /** Runs {@code task} on a virtual thread (a birthday punch: blocks for up to its deadline). */
    void background(Runnable task) {
        try {
            gatherers.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /**
     * Frees an agent off the control thread (ice4j's free can take a while); at shutdown, right here.
     */
    void retire(PeerAgent agent) {
        if (closing) {
            agent.close();
            return;
        }
        try {
            gatherers.execute(agent::close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            agent.close();
        }
    }

    /** Frees {@code agent} after {@code millis} (at once when closing). */
    void retireLater(PeerAgent agent, long millis) {
        if (closing) {
            agent.close();
            return;
        }
        retiring.add(agent);
        try {
            control.schedule(
                    () -> {
                        if (retiring.remove(agent)) retire(agent);
                    },
                    millis,
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            agent.close();
        }
    }

    void run(Runnable r) {
        if (closed) return;
        try {
            control.execute(() -> safely(r));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warning("ICE control: " + e);
        }
    }

    // ------------------------------------------------------------------ status

    /** A snapshot for {@code jwg status} (taken on the control thread). */
    public ConnectivityStatus status() {
        try {
            return control.submit(() ->
                            ConnectivityStatus.of(this, List.copyOf(peers.values()), signal.status(), mux.stats()))
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("status: " + e, e);
        }
    }

    /** What {@code jwg doctor} needs: the servers, this host's candidate addresses and a status snapshot. */
    public DoctorInput doctorInput() {
        return new DoctorInput(
                device.name(),
                device.configuration().fwmark(),
                config.servers(),
                HostAddresses.of(config.forInterface(device.name()).hosts()),
                status());
    }

    @Override
    public void close() {
        if (closed) return;
        closing = true;
        try {
            control.submit(() -> peers.values().forEach(PeerConnection::closeSessions))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.fine("closing: " + e);
        }
        closed = true;
        device.setPathListener(null);
        device.setConfigListener(null);
        control.shutdownNow();
        for (PeerAgent a : retiring) if (retiring.remove(a)) a.close();
        gatherers.shutdownNow();
        signal.close();
        mux.closeRelays(); // the device's TURN allocations: deleted (Refresh 0), their routes gone
    }
}
