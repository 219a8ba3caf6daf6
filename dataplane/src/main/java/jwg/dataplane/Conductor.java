package jwg.dataplane;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import jwg.dataplane.ConductorProxy.HandshakeMessage;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.Action;
import jwg.noise.Drop;
import jwg.noise.Keypair;
import jwg.noise.ProtocolCore;
import jwg.noise.Result;
import jwg.noise.Tunnel;
import jwg.noise.crypto.ChaCha20Poly1305;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The control thread (Aeron's conductor): handshake messages from the bounded handshake queue
 * (initiations after its {@link HandshakeWorker}s checked them; under load: answered with cookies
 * unless MAC2 verifies, then rate-limited per IP), the peers' timers,
 * and the flushing of packets staged while a peer had no session. Configuration changes run
 * under the same lock ({@link #runLocked}), so the protocol core's control side is
 * single-threaded.
 *
 * <h2>Timers</h2>
 * Each peer sits on one timer wheel ({@link TimerSchedule}) at its {@code Tunnel.nextDeadline};
 * the conductor sleeps until the earliest deadline (at most {@link DeviceOptions#maxIdleMillis}),
 * ticks the peers that are due and schedules each again. A peer is also serviced (ticked if due,
 * staged packets flushed, re-scheduled) after a handshake message of its own, and every peer is
 * looked at ("sweep") when the data path wakes the conductor (a handshake wanted, packets
 * staged, a session confirmed), after every configuration change, and once a second. The sweep
 * is what catches timers the data path starts without waking anyone (the keepalive 10 s after
 * received data, the new handshake 15 s after unanswered data): the protocol core guarantees
 * those are never less than REKEY_TIMEOUT ahead, so a sweep a second finds them in time.
 *
 * <h2>What it owns</h2>
 * Its command queue (other threads put in only through its {@link ConductorProxy}), the timer
 * wheel, the rate limiter, the MTU it follows, each peer's {@code peer.control} counters, the
 * taking side of {@code peer.staged}; and, under its lock (this thread or a configuration
 * change), the peers' tunnels and configurations. It sees the device through its
 * {@link DeviceContexts.ConductorContext}.
 */
final class Conductor extends DeviceThread {
    private static final Logger LOG = Logger.getLogger(Conductor.class.getName());
    /** Under load stays on this long after the queue drains below the mark (wireguard-go: 1 s). */
    static final long UNDER_LOAD_AFTER_NANOS = 1_000_000_000L;
    /** Housekeeping (rate-limiter GC, MTU, the sweep of all peers' deadlines) runs this often. */
    static final long HOUSEKEEPING_NANOS = 1_000_000_000L;

    private final DeviceContexts.ConductorContext ctx;
    /** Its command queue: handshake messages and wake-ups, put in only through {@link #proxy}. */
    private final ManyToOneConcurrentArrayQueue<HandshakeMessage> queue;

    private final ConductorProxy proxy;
    /** Its handshake workers: the Diffie-Hellman of each initiation's admission (none: done here). */
    private final HandshakeWorker[] workers;

    private final RateLimiter rateLimiter = new RateLimiter();
    /** The rate limit the protocol core applies under load to MAC2-valid sources, keyed by IP. */
    private final jwg.noise.SourceLimiter sourceLimiter = (s, now) ->
            s.ipLength() == 4 ? rateLimiter.allowIpv4(s.ipv4(), now) : rateLimiter.allowIpv6(s.high(), s.low(), now);
    /** The source of the handshake message being handled (reused). */
    private final jwg.noise.SourceAddress source = new jwg.noise.SourceAddress();

    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    private final Result out = new Result();
    private volatile boolean running = true;
    /** The interface MTU padding must not pass: the conductor follows it (published: the sender reads it per packet). */
    private volatile int mtu;
    /** A configuration changed: sweep (peers added, removed, re-keyed, keepalive changed). */
    private volatile boolean sweepWanted = true;

    private long lastHousekeeping;
    /** Every peer's next timer deadline (the conductor's lock). */
    private final TimerSchedule<Peer> timers = new TimerSchedule<>(System.nanoTime());

    private final Predicate<Peer> isCurrent = this::isCurrent;
    /** How many times a peer was ticked (tests: the wheel ticks when something is due, not every few ms). */
    volatile long peerTicks;

    Conductor(DeviceContexts.ConductorContext ctx) {
        super("jwg-conductor-" + ctx.name());
        this.ctx = ctx;
        this.queue = new ManyToOneConcurrentArrayQueue<>(ctx.options().handshakeQueue()
                + ConductorProxy.reservedSlots(ctx.options().handshakeQueue())
                + 1); // + the reserved slots, + the one pending wake-up
        int n = ctx.options().handshakeWorkers();
        this.proxy = new ConductorProxy(queue, ctx.options().handshakeQueue(), n, wakePending, ctx.stats());
        this.workers = new HandshakeWorker[n];
        for (int i = 0; i < n; i++) workers[i] = new HandshakeWorker(ctx, i, proxy);
        this.mtu = ctx.tun().mtu();
        this.lastHousekeeping = System.nanoTime() - HOUSEKEEPING_NANOS; // due at once (nanoTime may be negative)
    }

    /** The commands other threads may send this conductor. */
    ConductorProxy proxy() {
        return proxy;
    }

    /** The interface MTU, as last seen (any thread). */
    int mtu() {
        return mtu;
    }

    @Override
    void start() {
        super.start();
        for (HandshakeWorker w : workers) w.start();
    }

    void stop() {
        running = false;
        for (HandshakeWorker w : workers) w.stop();
        proxy.wake();
    }

    @Override
    void join() {
        super.join();
        for (HandshakeWorker w : workers) w.join();
    }

    /**
     * Runs {@code action} while holding the control lock. Afterwards the conductor sweeps: peers
     * added get scheduled, removed ones unscheduled, changed ones re-scheduled.
     */
    void runLocked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            sweepWanted = true;
            lock.unlock();
        }
        if (running) proxy.wake();
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(Sender.BUFFER_SIZE, 64);
            long maxIdle = ctx.options().maxIdleMillis() * 1_000_000L;
            long sleep = 0;
            while (running) {
                HandshakeMessage m = next(sleep);
                lock.lock();
                try {
                    long now = System.nanoTime();
                    if (m == ConductorProxy.WAKE) {
                        wakePending.set(false);
                    } else if (m != null) {
                        Peer p;
                        try {
                            p = handshake(m, scratch);
                        } finally {
                            proxy.release(m);
                        }
                        if (p != null) service(p, System.nanoTime(), scratch);
                    }
                    boolean housekeeping = now - lastHousekeeping >= HOUSEKEEPING_NANOS;
                    if (housekeeping) {
                        lastHousekeeping = now;
                        rateLimiter.collectGarbage(now);
                        followMtu();
                    }
                    if (m == ConductorProxy.WAKE || sweepWanted || housekeeping) {
                        sweepWanted = false;
                        sweep(now, scratch);
                    }
                    now = System.nanoTime();
                    java.util.List<Peer> due = timers.expire(now);
                    for (int i = 0; i < due.size(); i++)
                        service(due.get(i), now, scratch); // no iterator: nothing allocated per loop
                    sleep = timers.sleepNanos(System.nanoTime(), Math.min(maxIdle, HOUSEKEEPING_NANOS));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "conductor: unexpected failure (continuing)", e);
                    sleep = maxIdle;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * The next message, waiting up to {@code sleepNanos} for one. Parks instead of a blocking
     * poll (whose condition wait allocates a node each time the queue runs dry: under a flood,
     * that was per message): announce as the sleeper, check again, park; producers unpark.
     */
    private HandshakeMessage next(long sleepNanos) {
        HandshakeMessage m = queue.poll();
        if (m != null || sleepNanos <= 0) return m;
        proxy.sleeper = Thread.currentThread();
        java.lang.invoke.VarHandle.fullFence();
        m = queue.poll();
        if (m == null) {
            LockSupport.parkNanos(this, sleepNanos);
            Thread.interrupted(); // nobody interrupts the conductor; never spin on a stray flag
        }
        proxy.sleeper = null;
        return m != null ? m : queue.poll();
    }

    /** How many peers are on the wheel (tests). */
    int scheduledPeers() {
        lock.lock();
        try {
            return timers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Still this device's peer, with a tunnel (not removed, device key set). */
    private boolean isCurrent(Peer p) {
        return p.tunnel != null && ctx.peers().get(p.publicKey) == p;
    }

    /**
     * Looks at every peer: unschedules removed ones, services the due ones and those with staged
     * packets and a session, schedules the others at their deadline.
     */
    private void sweep(long now, MemorySegment scratch) {
        timers.retainIf(isCurrent);
        for (Peer p : ctx.peers().values()) {
            Tunnel t = p.tunnel;
            if (t == null) {
                timers.cancel(p);
                continue;
            }
            long d = t.nextDeadline(now);
            if (d <= now || (p.staged.nonEmpty && t.hasSession(now))) service(p, now, scratch);
            else timers.schedule(p, d);
        }
    }

    /** Ticks a peer if it is due, flushes its staged packets if it has a session, schedules it again. */
    private void service(Peer p, long now, MemorySegment scratch) {
        Tunnel t = p.tunnel;
        if (t == null || !isCurrent(p)) {
            timers.cancel(p);
            return;
        }
        long d = t.nextDeadline(now);
        if (d <= now) {
            tick(p, t, now, scratch);
            d = t.nextDeadline(now);
        }
        if (p.staged.nonEmpty && t.hasSession(now)) {
            flushStaged(p, now, scratch);
            d = t.nextDeadline(now);
            if (d <= now) { // the flush asked for a rekey
                tick(p, t, now, scratch);
                d = t.nextDeadline(now);
            }
        }
        if (d <= now) d = now + TimerSchedule.RESOLUTION_NANOS; // never spin (tick could not act: e.g. no endpoint)
        timers.schedule(p, d);
    }

    /** Follows the interface MTU (wg-quick sets it after the device starts): padding must not pass it. */
    private void followMtu() {
        int m = ctx.tun().mtu();
        if (m <= 0 || m == mtu) return;
        mtu = m;
        for (Peer p : ctx.peers().values()) {
            Tunnel t = p.tunnel;
            if (t != null) t.setMtu(m);
        }
    }

    /**
     * Handles a handshake message (MAC1 already verified by the receiver); returns the
     * (authenticated) peer it concerned, or null. The protocol core applies the admission order:
     * under load a valid MAC2 or else a cookie reply, then the per-IP rate limit
     * ({@link #sourceLimiter}), then Diffie-Hellman. Allocates nothing unless a peer roams.
     */
    private Peer handshake(HandshakeMessage m, MemorySegment scratch) {
        ProtocolCore noise = ctx.noise().get();
        if (noise == null) return null;
        long now = System.nanoTime();
        HandshakeActivity.saw(now); // without handshake workers, the conductor does the flood's DH
        // a worker's admission decided "not under load" for it already (ConductorProxy.HandshakeMessage.admitted)
        noise.setUnderLoad(!m.admitted && proxy.underLoad(now));
        noise.setSourceLimiter(sourceLimiter);
        Endpoint from = m.from;
        if (from.isIpv4()) source.setIpv4(from.ipv4(), from.port());
        else source.setIpv6(from.high(), from.low(), from.port());
        Action a = noise.decapsulate(
                        now, m.segment, 0, m.length, source, out.into(scratch, 0, (int) scratch.byteSize()))
                .action();
        if (a == Action.DROPPED) {
            if (out.drop() == Drop.RATE_LIMITED) ctx.stats().drop(DeviceStats.Drop.RATE_LIMITED);
            return null;
        }
        if (out.drop() == Drop.COOKIE_REQUIRED) { // a cookie reply goes back to the source, nothing else
            send(scratch, out.length(), from, null);
            return null;
        }
        Peer peer = out.tunnel() == null ? null : ctx.byTunnel().get(out.tunnel());
        if (peer == null) return null;
        peer.control.rxControlBytes += m.length;
        peer.control.rxControlPackets++;
        int type = m.data[0];
        if (type == jwg.noise.Messages.TYPE_COOKIE_REPLY) {
            // not authenticated by the peer's key (anyone who saw our MAC1 can make one): no roaming;
            // our initiation resent with MAC2 goes where the first one went, not to this source
            Endpoint to = peer.endpoint;
            if (a == Action.WRITE_TO_NETWORK && to != null) send(scratch, out.length(), to, peer);
            return null;
        }
        // authenticated: the peer is where this came from (roaming); the slot's endpoint is reused, so copy
        if (!Jfr.on()) {
            // no recording can want the event (and its class stays unloaded: see Jfr)
        } else if (type == jwg.noise.Messages.TYPE_RESPONSE) HandshakeEvent.emit(ctx.name(), peer, true, from);
        else if (type == jwg.noise.Messages.TYPE_INITIATION && a == Action.WRITE_TO_NETWORK)
            HandshakeEvent.emit(ctx.name(), peer, false, from);
        Endpoint known = peer.endpoint;
        if (known == null || !known.sameAs(from)) {
            Endpoint copy = new Endpoint();
            copy.copyFrom(from);
            peer.endpoint = copy;
        }
        boolean flush = out.flushStaged();
        if (a == Action.WRITE_TO_NETWORK) {
            if (flush && peer.staged.nonEmpty) {
                // the keepalive that confirms our new session would be redundant: staged data follows
                flushStaged(peer, now, scratch);
                return peer;
            }
            send(scratch, out.length(), from, peer);
        }
        if (flush) flushStaged(peer, now, scratch);
        return peer;
    }

    /** Runs a peer's timers until they have nothing more to do at {@code now}. */
    private void tick(Peer p, Tunnel t, long now, MemorySegment scratch) {
        peerTicks++;
        for (int guard = 0; guard < 8; guard++) {
            Action a =
                    t.tick(now, out.into(scratch, 0, (int) scratch.byteSize())).action();
            if (out.dropStaged()) {
                int n = p.staged.drop();
                for (int i = 0; i < n; i++) ctx.stats().drop(DeviceStats.Drop.STAGED_OVERFLOW);
            }
            if (a != Action.WRITE_TO_NETWORK) break;
            Endpoint to = p.endpoint;
            if (to == null) break; // nowhere to send (no endpoint configured or learned yet)
            send(scratch, out.length(), to, p);
        }
    }

    /** Seals and sends a peer's staged packets, oldest first, while its session lasts. */
    private void flushStaged(Peer p, long now, MemorySegment scratch) {
        Tunnel t = p.tunnel;
        Endpoint to = p.endpoint;
        if (t == null || to == null) return;
        MemorySegment pkt;
        while ((pkt = p.staged.unstage()) != null) {
            Keypair kp = t.sendingKeypair(now);
            long counter = kp == null ? -1 : kp.nextSendCounter();
            if (counter == -1) {
                p.staged.restage(pkt);
                return;
            }
            int n = (int) pkt.byteSize();
            MemorySegment.copy(pkt, 0, scratch, Sender.HEADROOM, n);
            int len = kp.seal(aead, counter, scratch, Sender.HEADROOM, n, scratch, 0, mtu);
            send(scratch, len, to, p);
            t.sentDataWantsHandshake(now, kp, false);
        }
    }

    private void send(MemorySegment buf, int len, Endpoint to, Peer peer) {
        Bind b = ctx.bind().get();
        if (b == null || len <= 0) return;
        try {
            b.send(buf, 0, len, to);
            if (peer != null) {
                peer.control.txControlBytes += len;
                peer.control.txControlPackets++;
            }
        } catch (IOException e) {
            ctx.stats().drop(DeviceStats.Drop.IO_ERROR);
        }
    }
}
