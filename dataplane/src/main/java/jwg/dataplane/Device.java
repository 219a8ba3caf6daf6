package jwg.dataplane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Endpoint;
import jwg.dataplane.config.DeviceConfig;
import jwg.dataplane.config.PeerConfig;
import jwg.dataplane.config.PeerEndpoint;
import jwg.dataplane.config.UapiDevice;
import jwg.dataplane.config.UapiException;
import jwg.dataplane.config.UapiSet;
import jwg.noise.PresharedKey;
import jwg.noise.ProtocolCore;
import jwg.noise.PublicKey;
import jwg.noise.Tunnel;
import jwg.tun.Tun;
import jwg.tun.ip.IpPrefix;

/**
 * A WireGuard device: a TUN interface, a UDP bind and the peers, with three threads —
 * the {@link Sender} (TUN → seal → UDP), the {@link Receiver} (UDP → open → TUN) and the
 * {@link Conductor} (handshakes, timers, staged packets). Configured as a whole through
 * {@link #configure} (the UAPI and wg-quick configurations both land there).
 *
 * <p>No thread gets the device itself: it builds each one a narrow context
 * ({@link DeviceContexts}) and owns their lifecycle; the data threads reach the conductor only
 * through its {@link ConductorProxy}. As the configuration side it writes the published state
 * the threads read (the bind, the protocol core, the path listener, closed), and changes peers
 * under the conductor's lock.
 */
public final class Device implements UapiDevice, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Device.class.getName());

    final DeviceOptions options;
    final Tun tun;
    final SecureRandom random = new SecureRandom();
    final DeviceStats stats = new DeviceStats();
    final AllowedIps<Peer> allowedIps = new AllowedIps<>();
    final Map<PublicKey, Peer> peers = new ConcurrentHashMap<>();
    final Map<Tunnel, Peer> byTunnel = new ConcurrentHashMap<>();
    volatile ProtocolCore noise;
    volatile Bind bind;
    /** Told when a packet is routed to a peer with no endpoint (the ICE layer); null = drop such packets. */
    volatile PathListener pathListener;
    /** Told after every configuration change (the ICE layer follows the peers); null = nobody. */
    private volatile java.util.function.Consumer<DeviceConfig> configListener;

    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch closedLatch = new java.util.concurrent.CountDownLatch(1);

    private final BindFactory bindFactory;
    private DeviceConfig config = DeviceConfig.EMPTY; // guarded by this
    private int boundPort;
    final Conductor conductor;
    final CryptoPool crypto;
    private final Sender sender;
    private final Receiver receiver;

    /** Makes the UDP bind (the ICE layer supplies its own). */
    @FunctionalInterface
    public interface BindFactory {
        Bind create();
    }

    private Device(DeviceOptions options, Tun tun, BindFactory bindFactory) {
        this.options = options;
        this.tun = tun;
        this.bindFactory = bindFactory;
        this.crypto = new CryptoPool(options.workers(), tun.name());
        // each thread gets what it uses (DeviceContexts), and the data threads reach the
        // conductor only through its proxy
        String name = tun.name();
        this.conductor = new Conductor(new DeviceContexts.ConductorContext(
                name, options, tun, peers, byTunnel, stats, () -> bind, () -> noise));
        ConductorProxy toConductor = conductor.proxy();
        this.sender = new Sender(new DeviceContexts.SenderContext(
                name,
                tun,
                allowedIps,
                stats,
                crypto,
                () -> bind,
                conductor::mtu,
                () -> pathListener,
                this::isClosed,
                toConductor,
                this::tunEnded));
        this.receiver = new Receiver(new DeviceContexts.ReceiverContext(
                name, tun, allowedIps, byTunnel, stats, crypto, () -> bind, () -> noise, this::isClosed, toConductor));
    }

    /** Starts a device on {@code tun}, with no key, no port and no peers until configured. */
    public static Device start(DeviceOptions options, Tun tun, BindFactory bindFactory) {
        Device d = new Device(options, tun, bindFactory);
        d.conductor.start();
        d.sender.start();
        d.receiver.start();
        DropEvents.register(d);
        return d;
    }

    public String name() {
        return tun.name();
    }

    public DeviceStats stats() {
        return stats;
    }

    /** The protocol core's counters (handshakes, keepalives, drops by reason), or null without a key. */
    public jwg.noise.Counters protocolCounters() {
        ProtocolCore n = noise;
        return n == null ? null : n.counters();
    }

    @Override
    public java.util.SequencedMap<String, Long> counters() {
        var m = new java.util.LinkedHashMap<String, Long>();
        for (DeviceStats.Drop d : DeviceStats.Drop.values()) m.put("device_drop_" + lower(d), stats.get(d));
        jwg.noise.Counters c = protocolCounters();
        for (jwg.noise.Drop d : jwg.noise.Drop.values()) m.put("protocol_drop_" + lower(d), c == null ? 0 : c.get(d));
        for (jwg.noise.Counters.Event e : jwg.noise.Counters.Event.values())
            m.put("event_" + lower(e), c == null ? 0 : c.get(e));
        return m;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    // ------------------------------------------------------------------ configuration

    @Override
    public synchronized DeviceConfig configuration() {
        return config;
    }

    @Override
    public synchronized int boundPort() {
        return boundPort;
    }

    /** Replaces the whole configuration (wg setconf semantics). */
    public void configure(DeviceConfig next) throws UapiException {
        configure(next, null);
    }

    @Override
    public synchronized void configure(DeviceConfig next, UapiSet change) throws UapiException {
        if (closed) throw new UapiException(UapiException.EIO, "device is closed");
        // Resolve every endpoint first: a failure here must leave everything as it was.
        Map<PublicKey, Endpoint> endpoints = new java.util.HashMap<>();
        for (PeerConfig p : next.peers()) {
            Endpoint e = resolve(p.endpoint());
            if (e != null) endpoints.put(p.publicKey(), e);
        }
        // The port and the fwmark: the only steps that can fail on the system's side, so they go first.
        if (bind == null || next.listenPort() != config.listenPort()) rebind(next.listenPort(), next.fwmark());
        else if (next.fwmark() != config.fwmark()) mark(bind, next.fwmark());
        conductor.runLocked(() -> apply(next, endpoints));
        config = next;
        java.util.function.Consumer<DeviceConfig> l = configListener;
        if (l != null) l.accept(next);
    }

    private static Endpoint resolve(PeerEndpoint pe) throws UapiException {
        if (pe == null) return null;
        try {
            InetSocketAddress a = pe.resolve();
            Endpoint e = new Endpoint();
            e.set(a.getAddress(), a.getPort());
            return e;
        } catch (UnknownHostException | RuntimeException e) {
            throw new UapiException(UapiException.EINVAL, "endpoint " + pe + ": cannot resolve");
        }
    }

    private void rebind(int port, long fwmark) throws UapiException {
        Bind fresh = bindFactory.create();
        int actual;
        try {
            actual = fresh.open(port);
        } catch (IOException e) {
            fresh.close();
            throw new UapiException(UapiException.EADDRINUSE, "listen port " + port + ": " + e.getMessage());
        }
        if (fwmark != 0) {
            try {
                mark(fresh, fwmark);
            } catch (UapiException e) {
                fresh.close();
                throw e;
            }
        }
        Bind old = bind;
        bind = fresh;
        boundPort = actual;
        if (old != null) old.close(); // the receiver's blocked receive returns -1 and it moves to the new bind
    }

    /** SO_MARK on the bind's sockets (wg's fwmark: the tunnel's own packets carry it, so policy routing can exempt them). */
    private static void mark(Bind b, long fwmark) throws UapiException {
        try {
            b.setMark((int) fwmark);
        } catch (IOException e) {
            throw new UapiException(
                    UapiException.EADDRINUSE, "fwmark " + fwmark + ": " + e.getMessage()); // wireguard-go's code
        }
    }

    /** Applies a validated configuration to the running device (conductor lock held). */
    private void apply(DeviceConfig next, Map<PublicKey, Endpoint> endpoints) {
        boolean keyChanged = next.privateKey() == null
                ? config.privateKey() != null
                : config.privateKey() == null || !next.privateKey().equals(config.privateKey());
        if (keyChanged) {
            ProtocolCore old = noise;
            noise = next.privateKey() == null ? null : new ProtocolCore(next.privateKey(), random);
            byTunnel.clear();
            for (Peer p : peers.values()) p.tunnel = null;
            if (old != null) old.close();
        }
        PublicKey own = next.publicKey(); // once: a scalar multiplication, not one per peer
        Set<PublicKey> wanted = new HashSet<>();
        for (PeerConfig pc : next.peers()) wanted.add(pc.publicKey());
        for (Peer p : new ArrayList<>(peers.values())) {
            if (!wanted.contains(p.publicKey) || p.publicKey.equals(own)) removePeer(p);
        }
        for (PeerConfig pc : next.peers()) {
            if (pc.publicKey().equals(own)) continue; // wireguard-go ignores a peer with our own key
            Peer p = peers.get(pc.publicKey());
            if (p == null) {
                p = new Peer(pc, null, endpoints.get(pc.publicKey()));
                peers.put(pc.publicKey(), p);
            } else if (endpoints.containsKey(pc.publicKey()) && !sameEndpoint(p.config, pc)) {
                p.endpoint = endpoints.get(pc.publicKey());
            }
            PeerConfig before = p.config;
            p.config = pc;
            attachTunnel(p);
            Tunnel t = p.tunnel;
            if (t != null) {
                t.setPresharedKey(pc.presharedKey() == null ? PresharedKey.none() : pc.presharedKey());
                t.setPersistentKeepalive(pc.persistentKeepalive());
                t.setMtu(conductor.mtu());
                if (pc.persistentKeepalive() > 0 && before.persistentKeepalive() == 0)
                    conductor.proxy().wake();
            }
            updateAllowedIps(p, pc);
        }
    }

    private static boolean sameEndpoint(PeerConfig a, PeerConfig b) {
        return a.endpoint() == null ? b.endpoint() == null : a.endpoint().equals(b.endpoint());
    }

    private void attachTunnel(Peer p) {
        ProtocolCore n = noise;
        if (n == null || p.tunnel != null) return;
        Tunnel t =
                n.addPeer(p.publicKey, p.config.presharedKey() == null ? PresharedKey.none() : p.config.presharedKey());
        t.setMtu(conductor.mtu());
        p.tunnel = t;
        byTunnel.put(t, p);
    }

    private void updateAllowedIps(Peer p, PeerConfig pc) {
        Set<IpPrefix> now = new HashSet<>(pc.allowedIps());
        for (IpPrefix prefix : pc.allowedIps()) allowedIps.insert(prefix, p); // insert first: no gap in routing
        for (IpPrefix prefix : allowedIps.prefixesOf(p)) {
            if (!now.contains(prefix)) allowedIps.remove(prefix, p);
        }
    }

    private void removePeer(Peer p) {
        peers.remove(p.publicKey);
        allowedIps.removeAll(p);
        Tunnel t = p.tunnel;
        if (t != null) {
            byTunnel.remove(t);
            ProtocolCore n = noise;
            if (n != null) n.removePeer(p.publicKey);
        }
        p.staged.drop();
    }

    // ------------------------------------------------------------------ the connectivity layer (ICE)

    /**
     * Installs the listener told when a packet needs a path to a peer without an endpoint; such
     * packets are then staged instead of dropped. Null restores dropping.
     */
    public void setPathListener(PathListener listener) {
        this.pathListener = listener;
    }

    /**
     * Installs the listener told, with the new configuration, after every successful
     * {@link #configure} (a UAPI set, a setconf): the ICE layer follows the peers without polling.
     * It runs on the configuring thread with the device's lock held, so it must only hand the
     * configuration over. Null removes it.
     */
    public void setConfigListener(java.util.function.Consumer<DeviceConfig> listener) {
        this.configListener = listener;
    }

    /**
     * Points a peer's datagrams at {@code address} (the connectivity layer's selected path), or
     * clears its endpoint (null: the next packet for it asks the path listener again). If packets
     * are waiting for a path, the handshake starts now. False if there is no such peer.
     */
    public boolean setEndpoint(PublicKey key, InetSocketAddress address) {
        Peer p = peers.get(key);
        if (p == null) return false;
        if (address == null) {
            p.endpoint = null;
            p.pathRequested = false;
            return true;
        }
        Endpoint e = new Endpoint();
        e.set(address.getAddress(), address.getPort());
        p.endpoint = e;
        p.pathRequested = false;
        Tunnel t = p.tunnel;
        if (p.staged.nonEmpty && t != null) {
            t.sendingKeypair(System.nanoTime()); // no session: asks for a handshake; else the flush sends them
            conductor.proxy().wake();
        }
        return true;
    }

    /**
     * Starts a handshake with the peer now unless it has a session to send on (or no endpoint):
     * for a connectivity layer whose path can only carry the peer's datagrams from the moment it
     * is set up here — a relayed path whose channel this side binds. The peer's initiation sent
     * before that (it set its own endpoint first) was lost on the way and would only be retried
     * after REKEY_TIMEOUT (5 s); this side's initiation makes the session at once, and its keepalive
     * lets the peer send what it staged. True if a handshake was asked for.
     */
    public boolean handshakeUnlessSession(PublicKey key) {
        Peer p = peers.get(key);
        if (p == null || p.endpoint == null) return false;
        Tunnel t = p.tunnel;
        if (t == null || t.sendingKeypair(System.nanoTime()) != null) return false; // null: a handshake is asked for
        conductor.proxy().wake();
        return true;
    }

    /**
     * What a peer has carried, for activity checks (lazy connections): data bytes sent and data
     * packets delivered to the TUN (keepalives and handshakes count in neither; totals, the last
     * handshake and the endpoint are in {@link #stats(PublicKey)}). Null if there is no such peer.
     */
    public PeerActivity activity(PublicKey key) {
        Peer p = peers.get(key);
        return p == null ? null : new PeerActivity(p.send.txBytes, p.receive.rxDataPackets);
    }

    /** Data counters of one peer (see {@link #activity}). */
    public record PeerActivity(long txDataBytes, long rxDataPackets) {}

    /**
     * What a peer has carried, for the metrics endpoint: every datagram and byte both ways
     * (handshakes and keepalives included, as {@code wg show}'s transfer), and the time since the
     * last completed handshake ({@code handshakeAgeNanos} -1: none yet). Read from the counters the
     * threads keep anyway; nothing is added to the packet path. Null if there is no such peer.
     */
    public PeerTraffic traffic(PublicKey key) {
        Peer p = peers.get(key);
        if (p == null) return null;
        Tunnel t = p.tunnel;
        long age = t == null || t.lastHandshake() == Long.MIN_VALUE
                ? -1
                : Math.max(0, System.nanoTime() - t.lastHandshake());
        return new PeerTraffic(p.rxTotal(), p.txTotal(), p.rxPacketsTotal(), p.txPacketsTotal(), age);
    }

    /** A peer's transfer counters (see {@link #traffic}). */
    public record PeerTraffic(long rxBytes, long txBytes, long rxPackets, long txPackets, long handshakeAgeNanos) {}

    /**
     * The offloads in force: the TUN device's virtio header and TUN_F_* flags
     * ({@link jwg.tun.Tun#offloads()}), and UDP GSO/GRO on the bind (false before it is open).
     */
    public Offloads offloads() {
        Bind b = bind;
        return new Offloads(tun.vnetHeader(), tun.offloads(), b != null && b.gso(), b != null && b.gro());
    }

    /** See {@link #offloads()}. */
    public record Offloads(boolean tunVnetHeader, int tunFlags, boolean udpGso, boolean udpGro) {}

    // ------------------------------------------------------------------ state for get

    @Override
    public PeerStats stats(PublicKey key) {
        Peer p = peers.get(key);
        if (p == null) return null;
        long hs = 0;
        Tunnel t = p.tunnel;
        if (t != null && t.lastHandshake() != Long.MIN_VALUE) {
            long ago = System.nanoTime() - t.lastHandshake();
            java.time.Instant now = java.time.Instant.now();
            hs = now.getEpochSecond() * 1_000_000_000L + now.getNano() - ago;
        }
        Endpoint e = p.endpoint;
        return new PeerStats(hs, p.rxTotal(), p.txTotal(), e == null ? null : e.toSocketAddress());
    }

    /** Peers by public key (status views; a snapshot). */
    public List<PublicKey> peerKeys() {
        return List.copyOf(peers.keySet());
    }

    boolean isClosed() {
        return closed;
    }

    /** Blocks until the device is closed (by {@link #close} or because its TUN device went away). */
    public void awaitClosed() throws InterruptedException {
        closedLatch.await();
    }

    /** The TUN device ended underneath us (e.g. the interface was deleted): shut down, as wireguard-go does. */
    void tunEnded() {
        if (!closed) Thread.ofPlatform().name("jwg-close-" + name()).start(this::close);
    }

    /** Stops the threads, closes the bind and the TUN device, wipes every key. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        Bind b = bind;
        if (b != null) b.close();
        try {
            tun.close();
        } catch (Exception e) {
            LOG.fine("closing TUN: " + e.getMessage());
        }
        conductor.stop();
        sender.join();
        receiver.join();
        conductor.join();
        crypto.close();
        conductor.runLocked(() -> {
            ProtocolCore n = noise;
            noise = null;
            if (n != null) n.close();
            for (Peer p : peers.values()) p.staged.drop();
        });
        DropEvents.unregister(this);
        closedLatch.countDown();
    }
}
