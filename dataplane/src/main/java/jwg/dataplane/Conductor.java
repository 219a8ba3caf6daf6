package jwg.dataplane;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.Action;
import jwg.noise.Drop;
import jwg.noise.Keypair;
import jwg.noise.NoiseDevice;
import jwg.noise.Output;
import jwg.noise.Tunnel;
import jwg.noise.crypto.ChaCha20Poly1305;

/**
 * The control thread (Aeron's conductor): handshake messages from the bounded handshake queue
 * (rate-limited and answered with cookies when the queue is under load), the peers' timers,
 * and the flushing of packets staged while a peer had no session. Configuration changes run
 * under the same lock ({@link #runLocked}), so the protocol core's control side is
 * single-threaded.
 */
final class Conductor implements Runnable {
    private static final Logger LOG = Logger.getLogger(Conductor.class.getName());
    /** Under load stays on this long after the queue drains below the mark (wireguard-go: 1 s). */
    static final long UNDER_LOAD_AFTER_NANOS = 1_000_000_000L;

    /** A handshake message waiting for the conductor (allocated per message: control path). */
    private record HandshakeMessage(byte[] data, Endpoint from) {}

    private static final HandshakeMessage WAKE = new HandshakeMessage(new byte[0], new Endpoint());

    private final Device device;
    private final ArrayBlockingQueue<HandshakeMessage> queue;
    private final int underLoadMark;
    private final RateLimiter rateLimiter = new RateLimiter();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    private final Output out = new Output();
    private volatile boolean running = true;
    private long underLoadUntil;
    private long lastTick;
    private long lastGc;
    private Thread thread;

    Conductor(Device device) {
        this.device = device;
        this.queue = new ArrayBlockingQueue<>(device.options.handshakeQueue());
        this.underLoadMark = device.options.handshakeQueue() / 8;
    }

    void start() {
        thread = Thread.ofPlatform().name("jwg-conductor-" + device.name()).daemon().start(this);
    }

    void stop() {
        running = false;
        wake();
    }

    void join() {
        try {
            if (thread != null) thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the conductor to run the timers and flush staged packets soon (any thread). */
    void wake() {
        if (wakePending.compareAndSet(false, true) && !queue.offer(WAKE)) wakePending.set(false);
    }

    /** Runs {@code action} while holding the control lock. */
    void runLocked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** From the receiver: queue a handshake message (types 1–3), or drop and count it if full. */
    void enqueueHandshake(MemorySegment d, long off, int len, Endpoint from) {
        byte[] copy = new byte[len];
        MemorySegment.copy(d, off, MemorySegment.ofArray(copy), 0, len);
        Endpoint src = new Endpoint();
        src.copyFrom(from);
        if (!queue.offer(new HandshakeMessage(copy, src))) device.stats.drop(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL);
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(Sender.BUFFER_SIZE, 64);
            long tickNanos = device.options.tickMillis() * 1_000_000L;
            while (running) {
                HandshakeMessage m;
                try {
                    m = queue.poll(device.options.tickMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    continue;
                }
                lock.lock();
                try {
                    if (m == WAKE) wakePending.set(false);
                    else if (m != null) handshake(m, scratch);
                    long now = System.nanoTime();
                    if (m == WAKE || m != null || now - lastTick >= tickNanos) {
                        lastTick = now;
                        tickAll(now, scratch);
                    }
                    if (now - lastGc >= RateLimiter.GARBAGE_COLLECT_NANOS) {
                        lastGc = now;
                        rateLimiter.collectGarbage(now);
                        followMtu();
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "conductor: unexpected failure (continuing)", e);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Follows the interface MTU (wg-quick sets it after the device starts): padding must not pass it. */
    private void followMtu() {
        int m = device.tun.mtu();
        if (m <= 0 || m == device.mtu) return;
        device.mtu = m;
        for (Peer p : device.peers.values()) {
            Tunnel t = p.tunnel;
            if (t != null) t.setMtu(m);
        }
    }

    /** wireguard-go: under load while the queue holds ≥ 1/8 of its capacity, and for 1 s after. */
    private boolean underLoad(long now) {
        if (queue.size() >= underLoadMark) {
            underLoadUntil = now + UNDER_LOAD_AFTER_NANOS;
            return true;
        }
        return now < underLoadUntil;
    }

    private void handshake(HandshakeMessage m, MemorySegment scratch) {
        NoiseDevice noise = device.noise;
        if (noise == null) return;
        long now = System.nanoTime();
        boolean loaded = underLoad(now);
        noise.setUnderLoad(loaded);
        Endpoint from = m.from();
        if (loaded && !(from.isIpv4() ? rateLimiter.allowIpv4(from.ipv4(), now) : rateLimiter.allowIpv6(from.high(), from.low(), now))) {
            device.stats.drop(DeviceStats.Drop.RATE_LIMITED);
            return;
        }
        InetSocketAddress src = from.toSocketAddress();
        Action a = noise.decapsulate(now, MemorySegment.ofArray(m.data()), 0, m.data().length, src, out.set(scratch, 0, (int) scratch.byteSize()));
        if (a == Action.DROPPED) return;
        if (out.drop == Drop.COOKIE_REQUIRED) { // a cookie reply goes back to the source, nothing else
            send(scratch, out.length, from, null);
            return;
        }
        Peer peer = out.tunnel == null ? null : device.byTunnel.get(out.tunnel);
        if (peer == null) return;
        // authenticated: the peer is where this came from (roaming)
        peer.rxControlBytes += m.data().length;
        Endpoint known = peer.endpoint;
        if (known == null || !known.sameAs(from)) peer.endpoint = from;
        boolean flush = out.flushStaged;
        if (a == Action.WRITE_TO_NETWORK) {
            if (flush && peer.hasStaged) {
                // the keepalive that confirms our new session would be redundant: staged data follows
                flushStaged(peer, now, scratch);
                return;
            }
            send(scratch, out.length, from, peer);
        }
        if (flush) flushStaged(peer, now, scratch);
    }

    /** Runs every peer's timers until they have nothing more to do; flushes staged packets. */
    private void tickAll(long now, MemorySegment scratch) {
        for (Peer p : device.peers.values()) {
            Tunnel t = p.tunnel;
            if (t == null) continue;
            for (int guard = 0; guard < 8; guard++) {
                Action a = t.tick(now, out.set(scratch, 0, (int) scratch.byteSize()));
                if (out.dropStaged) {
                    int n = p.dropStaged();
                    for (int i = 0; i < n; i++) device.stats.drop(DeviceStats.Drop.STAGED_OVERFLOW);
                }
                if (a != Action.WRITE_TO_NETWORK) break;
                Endpoint to = p.endpoint;
                if (to == null) break; // nowhere to send (no endpoint configured or learned yet)
                send(scratch, out.length, to, p);
            }
            if (p.hasStaged && t.hasSession(now)) flushStaged(p, now, scratch);
        }
    }

    /** Seals and sends a peer's staged packets, oldest first, while its session lasts. */
    private void flushStaged(Peer p, long now, MemorySegment scratch) {
        Tunnel t = p.tunnel;
        Endpoint to = p.endpoint;
        if (t == null || to == null) return;
        MemorySegment pkt;
        while ((pkt = p.unstage()) != null) {
            Keypair kp = t.sendingKeypair(now);
            long counter = kp == null ? -1 : kp.nextSendCounter();
            if (counter == -1) {
                p.restage(pkt);
                return;
            }
            int n = (int) pkt.byteSize();
            MemorySegment.copy(pkt, 0, scratch, Sender.HEADROOM, n);
            int len = kp.seal(aead, counter, scratch, Sender.HEADROOM, n, scratch, 0, device.mtu);
            send(scratch, len, to, p);
            t.sentData(now, kp, false);
        }
    }

    private void send(MemorySegment buf, int len, Endpoint to, Peer peer) {
        Bind b = device.bind;
        if (b == null || len <= 0) return;
        try {
            b.send(buf, 0, len, to);
            if (peer != null) peer.txControlBytes += len;
        } catch (IOException e) {
            device.stats.drop(DeviceStats.Drop.IO_ERROR);
        }
    }
}
