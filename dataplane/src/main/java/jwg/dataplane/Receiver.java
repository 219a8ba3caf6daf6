package jwg.dataplane;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.logging.Logger;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.Action;
import jwg.noise.Drop;
import jwg.noise.Keypair;
import jwg.noise.ProtocolCore;
import jwg.noise.Result;
import jwg.noise.Tunnel;
import jwg.noise.crypto.ChaCha20Poly1305;
import jwg.sys.Errno;
import jwg.tun.LinuxTun;
import jwg.tun.Tun;
import jwg.tun.offload.Coalescer;
import jwg.tun.offload.VirtioNetHdr;

/**
 * The inbound path, one thread: receive a batch of datagrams; transport messages are opened in
 * place (on the crypto workers, or inline), then — in arrival order — checked against the
 * replay window and the sender's AllowedIPs and written to the TUN device. Handshake messages
 * whose MAC1 verifies go to the conductor's queue (in a preallocated slot); anything else is dropped and counted. Authenticated packets move
 * the peer's endpoint to where they came from (roaming).
 *
 * <p>With TUN offloads the batch's packets are not written one by one: a {@link Coalescer}
 * merges same-flow TCP (and UDP) segments into super-packets written with one writev(2) each
 * (GRO, zero copy); with a virtio header but no offloads each packet gets an empty header.
 *
 * <p>Owns its batch buffers, open jobs and coalescer and each peer's {@code peer.receive}
 * counters; writes {@code peer.endpoint} when a transport packet roams. It sees the device
 * through its {@link DeviceContexts.ReceiverContext} and reaches the conductor only through its
 * {@link ConductorProxy}.
 */
final class Receiver extends DeviceThread {
    private static final Logger LOG = Logger.getLogger(Receiver.class.getName());
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int MIN_MESSAGE = 32;
    static final int HEADER = 16;
    static final int TYPE_TRANSPORT = 4;

    /** Opens one transport message in place: the plaintext lands at {@code offset + 16}. */
    static final class OpenJob extends CryptoPool.Job {
        Keypair keypair;
        MemorySegment buffer;
        long offset;
        int length;
        boolean ok;

        @Override
        void run(ChaCha20Poly1305 aead) {
            ok = keypair.open(aead, buffer, offset, length, buffer, offset + HEADER);
        }

        @Override
        void failed() {
            ok = false;
        }
    }

    private final DeviceContexts.ReceiverContext ctx;
    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    /** What the protocol core returns for a packet (reused: a view over the packet's own slot). */
    private final Result result = new Result();

    private final OpenJob[] jobs = new OpenJob[Bind.BATCH];
    /** Packets to the TUN carry a virtio_net_hdr (written into the 16 bytes before the plaintext). */
    private final boolean vnet;
    /** GRO: null unless the TUN took offloads. */
    private final Coalescer coalescer;

    Receiver(DeviceContexts.ReceiverContext ctx) {
        super("jwg-recv-" + ctx.name());
        this.ctx = ctx;
        Tun tun = ctx.tun();
        this.vnet = tun.vnetHeader();
        int offloads = tun.offloads();
        this.coalescer =
                vnet && offloads != 0 ? new Coalescer(Bind.BATCH, (offloads & LinuxTun.TUN_F_USO4) != 0) : null;
        for (int i = 0; i < jobs.length; i++) jobs[i] = new OpenJob();
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofShared()) { // shared: crypto workers open in these buffers
            Datagrams batch = Datagrams.allocate(arena, Bind.BATCH, Sender.BUFFER_SIZE);
            while (!ctx.closed().getAsBoolean()) {
                Bind b = ctx.bind().get();
                if (b == null) {
                    sleepBriefly();
                    continue;
                }
                int n;
                try {
                    n = b.receive(batch);
                } catch (IOException e) {
                    if (ctx.closed().getAsBoolean()) break;
                    LOG.fine("UDP receive: " + e.getMessage());
                    continue;
                }
                if (n < 0) { // this bind was closed: re-read the bind (replaced on a port change)
                    if (ctx.bind().get() == b) sleepBriefly();
                    continue;
                }
                ProtocolCore noise = ctx.noise().get();
                for (int i = 0; i < n; i++) classify(noise, batch, i);
                if (coalescer != null) coalescer.reset();
                for (int i = 0; i < n; i++) {
                    OpenJob job = jobs[i];
                    if (job.keypair == null) continue;
                    ctx.crypto().await(job, aead);
                    deliver(noise, job, batch.endpoint(i));
                    job.keypair = null;
                }
                if (coalescer != null) writeCoalesced();
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sorts datagram {@code i}: transport → an open job; handshake → the conductor; else dropped. */
    private void classify(ProtocolCore noise, Datagrams batch, int i) {
        MemorySegment d = batch.buffer(i);
        long off = batch.offset(i);
        int len = batch.length(i);
        int type = len >= 4 ? d.get(INT_LE, off) : 0;
        if (len < MIN_MESSAGE || type < 1 || type > TYPE_TRANSPORT) {
            ctx.stats().drop(DeviceStats.Drop.NOT_WIREGUARD);
            return;
        }
        if (type != TYPE_TRANSPORT) { // MAC1 checked here: junk never takes a handshake-queue slot
            ctx.conductor().enqueueHandshake(noise, d, off, len, batch.endpoint(i));
            return;
        }
        if (noise == null) {
            ctx.stats().drop(DeviceStats.Drop.NOT_WIREGUARD);
            return;
        }
        Keypair kp = noise.lookup(d.get(INT_LE, off + 4));
        if (kp == null) {
            noise.counters().drop(Drop.UNKNOWN_RECEIVER_INDEX);
            return;
        }
        OpenJob job = jobs[i];
        job.keypair = kp;
        job.buffer = d;
        job.offset = off;
        job.length = len;
        ctx.crypto().submit(job, aead); // with no workers this opens right here
    }

    /** The ordered side of one opened message: replay window, timers, roaming, source check, TUN. */
    private void deliver(ProtocolCore noise, OpenJob job, Endpoint from) {
        if (!job.ok) {
            noise.counters().drop(Drop.DECRYPT_FAILED);
            return;
        }
        Keypair kp = job.keypair;
        Tunnel tunnel = kp.tunnel();
        Peer peer = ctx.byTunnel().get(tunnel);
        if (peer == null) return;
        MemorySegment d = job.buffer;
        long plain = job.offset + HEADER;
        long counter = d.get(LONG_LE, job.offset + 8);
        Result r = tunnel.receivedData(
                System.nanoTime(), kp, counter, d, plain, job.length - MIN_MESSAGE, result.into(d, plain, job.length));
        Action a = r.action();
        if (a == Action.DROPPED) return;
        peer.receive.rxPackets++; // published by the volatile write below
        peer.receive.rxBytes += job.length;
        Endpoint ep = peer.endpoint;
        if (ep == null || !ep.sameAs(from)) { // roaming: follow the authenticated packet
            Endpoint copy = new Endpoint();
            copy.copyFrom(from);
            peer.endpoint = copy;
        }
        if (r.flushStaged() || tunnel.handshakeWanted()) ctx.conductor().wake(); // e.g. the rekey at 165 s
        if (a == Action.WRITE_TO_TUNNEL_V4 || a == Action.WRITE_TO_TUNNEL_V6) {
            if (ctx.allowedIps().lookupSource(d, plain) != peer) {
                ctx.stats().drop(DeviceStats.Drop.SOURCE_NOT_ALLOWED);
                return;
            }
            peer.receive.rxDataPackets++;
            if (coalescer != null) {
                coalescer.add(r.segment(), r.offset(), r.length()); // written with the rest of the batch
                return;
            }
            try {
                if (vnet) { // offloads refused: each packet still needs its (empty) header
                    VirtioNetHdr.writeNone(d, plain - VirtioNetHdr.SIZE);
                    ctx.tun().write(d, plain - VirtioNetHdr.SIZE, r.length() + VirtioNetHdr.SIZE);
                } else {
                    ctx.tun().write(r.segment(), r.offset(), r.length());
                }
            } catch (IOException e) {
                ctx.stats().drop(DeviceStats.Drop.IO_ERROR);
            }
        }
    }

    /** Writes the batch's packets, same-flow segments merged into super-packets, one writev each. */
    private void writeCoalesced() {
        int writes = coalescer.finish();
        for (int w = 0; w < writes; w++) {
            long r = ctx.tun().writev(coalescer.iovecs(), coalescer.iovStart(w), coalescer.iovCount(w));
            if (r >= 0) continue;
            if (r == -Errno.EAGAIN || r == -Errno.ENOBUFS) ctx.stats().drop(DeviceStats.Drop.TUN_QUEUE_FULL);
            else ctx.stats().drop(DeviceStats.Drop.IO_ERROR);
        }
    }
}
