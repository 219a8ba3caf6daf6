package jwg.dataplane;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.logging.Level;
import java.util.logging.Logger;
import jwg.dataplane.ConductorProxy.HandshakeMessage;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.InitiationFilter;
import jwg.noise.Messages;
import jwg.noise.ProtocolCore;
import jwg.noise.SourceAddress;

/**
 * A handshake worker (wireguard-go runs one per CPU): takes initiations whose MAC1 verified from
 * its queue and, unless the device is under load, does their Diffie-Hellman admission check
 * ({@link InitiationFilter}: the es DH, the static key's decryption, the peer look-up) — the one
 * expensive step a junk initiation can cost. What fails is counted and its slot freed here; what
 * passes goes to the conductor marked {@code admitted}. Under load it does no DH: an initiation
 * without a valid MAC2 gets a cookie reply from here (wireguard-go's handshake workers do the
 * same), one with a valid MAC2 goes on to the conductor (rate limit, then the handshake). So a
 * flood of valid-MAC1 junk spends the workers' CPU, never the conductor's: its timers,
 * configuration changes and real handshakes are never behind junk.
 *
 * <p>Under a flood initiations wait in the queue: a worker that finds another one behind the
 * initiation in hand takes up to four and admits them together ({@link
 * InitiationFilter#admitsAll}: their es DHs as one vector ladder), all under the one under-load
 * decision made for the first. A lone initiation takes the scalar path as before (no waiting for
 * company, no added latency).
 *
 * <p>Owns nothing of a peer: it reads the noise device's immutable keys and concurrent peer map
 * through its own {@link InitiationFilter}, and the slots it holds are its own until it hands
 * them on. Allocates nothing per message (a new filter only when the device's key changes).
 */
final class HandshakeWorker extends DeviceThread {
    private static final Logger LOG = Logger.getLogger(HandshakeWorker.class.getName());
    /** How long an idle worker sleeps before looking again (a safety net: the receiver unparks it). */
    private static final long IDLE_NANOS = 100_000_000L;

    private final ConductorProxy proxy;
    private final DeviceContexts.ConductorContext ctx;
    private final int index;
    private volatile boolean running = true;
    private InitiationFilter filter;
    /** The source of the initiation being handled, for its cookie (reused). */
    private final SourceAddress source = new SourceAddress();
    /** A cookie reply: built here, sent from {@link #out} (the bind sends from native memory). */
    private final byte[] reply = new byte[Messages.COOKIE_REPLY_LENGTH];

    private MemorySegment out;
    /** Initiations admitted together ({@link InitiationFilter#admitsAll}): the slots, their bytes and lengths. */
    private final HandshakeMessage[] batch = new HandshakeMessage[MAX_BATCH];

    private final byte[][] batchData = new byte[MAX_BATCH][];
    private final int[] batchLen = new int[MAX_BATCH];
    private static final int MAX_BATCH = InitiationFilter.MAX_BATCH;

    HandshakeWorker(DeviceContexts.ConductorContext ctx, int index, ConductorProxy proxy) {
        super("jwg-handshake-" + ctx.name() + "-" + index);
        this.ctx = ctx;
        this.index = index;
        this.proxy = proxy;
    }

    void stop() {
        running = false;
        proxy.wakeWorkers();
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            out = arena.allocate(Messages.COOKIE_REPLY_LENGTH, 8);
            while (running) {
                HandshakeMessage m = proxy.nextForWorker(index, IDLE_NANOS);
                if (m == null) continue;
                try {
                    handle(m);
                } catch (RuntimeException e) {
                    proxy.release(m);
                    LOG.log(Level.WARNING, "handshake worker: unexpected failure (continuing)", e);
                }
            }
        }
    }

    private void handle(HandshakeMessage m) {
        ProtocolCore n = ctx.noise().get();
        if (n == null) { // no key (any more): nothing can be admitted
            proxy.release(m);
            return;
        }
        InitiationFilter f = filter;
        if (f == null || f.device() != n) filter = f = n.initiationFilter();
        long now = System.nanoTime();
        HandshakeActivity.saw(now);
        if (proxy.underLoad(now)) { // no DH under load: a valid MAC2, or else a cookie reply from here
            m.from.copyTo(source);
            int len = f.cookieReplyUnlessMac2(m.data, m.length, source, now, reply);
            if (len == 0) {
                proxy.forward(m);
            } else {
                send(len, m.from);
                proxy.release(m);
            }
            return;
        }
        // another initiation waiting: a flood (or a burst); their es DHs together, where that pays
        HandshakeMessage more = proxy.pollForWorker();
        if (more == null) { // the usual case: no added latency, the scalar DH
            admitOne(f, m);
            return;
        }
        int max = InitiationFilter.batchSize();
        if (max == 1) {
            admitOne(f, m);
            admitOne(f, more);
            return;
        }
        HandshakeMessage[] b = batch;
        b[0] = m;
        b[1] = more;
        int count = 2;
        while (count < max && (b[count] = proxy.pollForWorker()) != null) count++;
        int admitted;
        try {
            for (int j = 0; j < count; j++) {
                batchData[j] = b[j].data;
                batchLen[j] = b[j].length;
            }
            admitted = f.admitsAll(batchData, batchLen, count);
        } catch (RuntimeException e) {
            for (int j = 1; j < count; j++) proxy.release(b[j]); // the first one: run() releases it
            java.util.Arrays.fill(b, null);
            throw e;
        } finally {
            java.util.Arrays.fill(batchData, null);
        }
        for (int j = 0; j < count; j++) {
            if ((admitted & (1 << j)) != 0) {
                b[j].admitted = true;
                proxy.forward(b[j]);
            } else {
                proxy.release(b[j]);
            }
            b[j] = null;
        }
    }

    private void admitOne(InitiationFilter f, HandshakeMessage m) {
        if (f.admits(m.data, m.length)) {
            m.admitted = true;
            proxy.forward(m);
        } else {
            proxy.release(m);
        }
    }

    private void send(int len, Endpoint to) {
        Bind b = ctx.bind().get();
        if (b == null) return;
        MemorySegment.copy(reply, 0, out, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, len);
        try {
            b.send(out, 0, len, to);
        } catch (IOException e) {
            ctx.stats().drop(DeviceStats.Drop.IO_ERROR);
        }
    }
}
