package jwg.dataplane;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.logging.Logger;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.Keypair;
import jwg.noise.Tunnel;
import jwg.noise.crypto.ChaCha20Poly1305;
import jwg.tun.offload.Segmenter;
import jwg.tun.offload.VirtioNetHdr;

/**
 * The outbound path, one thread: block for a packet from the TUN device, then take whatever
 * else is already queued (up to {@link Bind#BATCH}); route each by destination through the
 * AllowedIPs, seal it in place with its peer's current keypair (each packet is read with
 * {@link #HEADROOM} bytes in front so the header is written in place), and send the batch with
 * one call; with crypto workers the batch is sealed in parallel, then leaves in order. Without a
 * session a packet is staged and the conductor asked for a handshake. Packets leave in the order
 * they were read. Allocates nothing per packet.
 *
 * <p>With TUN offloads (a virtio_net_hdr before each packet) a read may bring a TCP or UDP
 * super-packet of up to 64 KiB: it is moved to a spare buffer and split into MTU-sized packets,
 * one per slot ({@link Segmenter}); a packet whose checksum the kernel left to us is completed.
 * The sealed segments of one super-packet then leave in one UDP GSO send (see the bind).
 *
 * <p>Owns its batch buffers and seal jobs and each peer's {@code peer.send} counters; puts into
 * {@code peer.staged} and sets {@code peer.pathRequested}. It sees the device through its
 * {@link DeviceContexts.SenderContext} and reaches the conductor only through its
 * {@link ConductorProxy}.
 */
final class Sender extends DeviceThread {
    private static final Logger LOG = Logger.getLogger(Sender.class.getName());
    /** Room for the 16-byte transport header, so the datagram is built in place. */
    static final int HEADROOM = 16;

    static final int BUFFER_SIZE = 65536 + 64;
    private static final int MAX_PACKET = BUFFER_SIZE - HEADROOM - 64;

    private final DeviceContexts.SenderContext ctx;
    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    private final SealJob[] jobs = new SealJob[Bind.BATCH];
    private final Keypair[] keypairs = new Keypair[Bind.BATCH];
    private final Peer[] peers = new Peer[Bind.BATCH];
    private final long[] times = new long[Bind.BATCH];
    /** TUN packets come with a virtio_net_hdr in front (offloads); read it into the headroom. */
    private final boolean vnet;

    private final int readOffset;
    private final Segmenter segmenter = new Segmenter();
    private final int[] lengths = new int[Bind.BATCH];
    /** Where a super-packet goes while its segments fill the slots (swapped, never copied). */
    private MemorySegment spare;

    Sender(DeviceContexts.SenderContext ctx) {
        super("jwg-send-" + ctx.name());
        this.ctx = ctx;
        this.vnet = ctx.tun().vnetHeader();
        this.readOffset = vnet ? HEADROOM - VirtioNetHdr.SIZE : HEADROOM;
        for (int i = 0; i < jobs.length; i++) jobs[i] = new SealJob();
    }

    /** Seals one packet in place (on a crypto worker or on this thread). */
    static final class SealJob extends CryptoPool.Job {
        Keypair keypair;
        long counter;
        MemorySegment buffer;
        int length;
        int mtu;
        int sealed;

        @Override
        void run(ChaCha20Poly1305 aead) {
            sealed = keypair.seal(aead, counter, buffer, HEADROOM, length, buffer, 0, mtu);
        }

        @Override
        void failed() {
            sealed = 0;
        }
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofShared()) { // shared: crypto workers seal in these buffers
            Datagrams batch = Datagrams.allocate(arena, Bind.BATCH, BUFFER_SIZE);
            Object[] buffers = new Object[Bind.BATCH]; // MemorySegments: not a MemorySegment[] (see Datagrams)
            for (int i = 0; i < buffers.length; i++) buffers[i] = batch.buffer(i);
            spare = arena.allocate(BUFFER_SIZE, 16);
            boolean open = true;
            while (open && !ctx.closed().getAsBoolean()) {
                int count = 0;
                try {
                    int n = ctx.tun().read((MemorySegment) buffers[0], readOffset, MAX_PACKET);
                    if (n < 0) break; // TUN closed or deleted
                    count = accept(batch, buffers, count, n);
                    while (count < Bind.BATCH) {
                        int m = ctx.tun().tryRead((MemorySegment) buffers[count], readOffset, MAX_PACKET);
                        if (m <= 0) {
                            open = m == 0;
                            break;
                        }
                        count = accept(batch, buffers, count, m);
                    }
                } catch (IOException e) {
                    if (!ctx.closed().getAsBoolean())
                        LOG.warning("TUN read failed, closing the device: " + e.getMessage());
                    open = false;
                }
                if (count > 0) flush(batch, count);
            }
        }
        ctx.tunEnded().run();
    }

    /**
     * Takes what one TUN read of {@code n} bytes put into slot {@code slot}: a plain packet goes to
     * {@link #prepare}; with a virtio_net_hdr, a packet whose checksum is partial is completed, and
     * a super-packet is split into the slots from {@code slot} on (the batch is sent first when
     * they would not fit). Returns the next free slot.
     */
    private int accept(Datagrams batch, Object[] buffers, int slot, int n) {
        if (!vnet) return prepare(batch, buffers, slot, n);
        MemorySegment buf = (MemorySegment) buffers[slot];
        long hdr = readOffset;
        if (n < VirtioNetHdr.SIZE) return malformed(slot);
        if (VirtioNetHdr.gsoType(buf, hdr) == VirtioNetHdr.VIRTIO_NET_HDR_GSO_NONE) {
            int len = n - VirtioNetHdr.SIZE;
            if ((VirtioNetHdr.flags(buf, hdr) & VirtioNetHdr.VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0
                    && !Segmenter.completeChecksum(
                            buf, HEADROOM, len, VirtioNetHdr.csumStart(buf, hdr), VirtioNetHdr.csumOffset(buf, hdr))) {
                return malformed(slot);
            }
            return prepare(batch, buffers, slot, len);
        }
        int segments = Segmenter.segmentCount(buf, hdr, n);
        if (segments <= 0 || segments > Bind.BATCH) return malformed(slot);
        buffers[slot] = spare; // the super-packet leaves the slots; its segments come back into them
        spare = buf;
        if (slot + segments > Bind.BATCH) {
            flush(batch, slot);
            slot = 0;
        }
        int k = segmenter.split(spare, hdr, n, buffers, slot, Bind.BATCH, HEADROOM, lengths);
        if (k <= 0) return malformed(slot);
        int next = slot;
        for (int j = slot; j < slot + k; j++) {
            if (next != j) { // an earlier segment was staged or dropped: close the gap
                Object b = buffers[next];
                buffers[next] = buffers[j];
                buffers[j] = b;
            }
            next = prepare(batch, buffers, next, lengths[j]);
        }
        return next;
    }

    private int malformed(int slot) {
        ctx.stats().drop(DeviceStats.Drop.OFFLOAD_MALFORMED);
        return slot;
    }

    /**
     * Routes and seals the packet of {@code n} bytes in slot {@code slot}'s buffer. Returns the
     * next free slot: {@code slot + 1} if the packet is ready to send, {@code slot} if it was
     * dropped or staged (the slot is reused).
     */
    private int prepare(Datagrams batch, Object[] buffers, int slot, int n) {
        MemorySegment buf = (MemorySegment) buffers[slot];
        int version = (buf.get(ValueLayout.JAVA_BYTE, HEADROOM) & 0xf0) >> 4;
        if ((version != 4 || n < 20) && (version != 6 || n < 40)) {
            ctx.stats().drop(DeviceStats.Drop.NOT_IP);
            return slot;
        }
        Peer peer = ctx.allowedIps().lookupDestination(buf, HEADROOM);
        if (peer == null) {
            ctx.stats().drop(DeviceStats.Drop.NO_ROUTE);
            return slot;
        }
        Tunnel tunnel = peer.tunnel;
        Endpoint to = peer.endpoint;
        PathListener listener;
        if (to == null && tunnel != null && (listener = ctx.pathListener().get()) != null)
            return awaitPath(listener, peer, buf, n, slot);
        if (tunnel == null || to == null) {
            ctx.stats().drop(to == null ? DeviceStats.Drop.NO_ENDPOINT : DeviceStats.Drop.NO_ROUTE);
            return slot;
        }
        long now = System.nanoTime();
        Keypair kp = peer.staged.nonEmpty ? null : tunnel.sendingKeypair(now); // keep order behind staged packets
        long counter = kp == null ? -1 : kp.nextSendCounter();
        if (counter == -1) {
            if (peer.staged.stage(buf, HEADROOM, n)) ctx.stats().drop(DeviceStats.Drop.STAGED_OVERFLOW);
            ctx.conductor().wake();
            return slot;
        }
        SealJob job = jobs[slot];
        job.keypair = kp;
        job.counter = counter;
        job.buffer = buf;
        job.length = n;
        job.mtu = ctx.mtu().getAsInt();
        ctx.crypto().submit(job, aead); // with no workers this seals right here
        batch.set(slot, buf, 0, 0);
        batch.endpoint(slot).copyFrom(to);
        keypairs[slot] = kp;
        peers[slot] = peer;
        times[slot] = now;
        return slot + 1;
    }

    /**
     * A packet for a peer with no path yet (lazy ICE): kept until the connectivity layer sets an
     * endpoint, and the layer told once. Returns the slot for reuse.
     */
    private int awaitPath(PathListener listener, Peer peer, MemorySegment buf, int n, int slot) {
        if (peer.staged.stage(buf, HEADROOM, n)) ctx.stats().drop(DeviceStats.Drop.STAGED_OVERFLOW);
        if (!peer.pathRequested) {
            peer.pathRequested = true;
            try {
                listener.pathWanted(peer.publicKey);
            } catch (RuntimeException e) {
                LOG.warning("path listener: " + e);
            }
        }
        return slot;
    }

    /** Moves the sealed slots to the front, dropping (and counting) the ones whose job failed. */
    private void compact(Datagrams batch, int count) {
        int w = 0;
        for (int r = 0; r < count; r++) {
            if (jobs[r].sealed <= 0) {
                ctx.stats().drop(DeviceStats.Drop.IO_ERROR);
                continue;
            }
            if (w != r) {
                batch.set(w, batch.buffer(r), batch.offset(r), jobs[r].sealed);
                batch.endpoint(w).copyFrom(batch.endpoint(r));
                keypairs[w] = keypairs[r];
                peers[w] = peers[r];
                times[w] = times[r];
            }
            w++;
        }
    }

    /** Sends the first {@code count} prepared datagrams, then updates counters and timers. */
    private void flush(Datagrams batch, int count) {
        int ready = 0;
        for (int i = 0; i < count; i++) {
            ctx.crypto().await(jobs[i], aead);
            if (jobs[i].sealed > 0) {
                batch.length(i, jobs[i].sealed);
                ready++;
            }
        }
        if (ready < count) compact(batch, count);
        count = ready;
        batch.count(count);
        Bind b = ctx.bind().get();
        boolean sent = false;
        try {
            if (b != null) {
                b.send(batch); // marks what the kernel did not take as NOT_SENT
                sent = true;
            }
        } catch (IOException e) {
            LOG.fine("UDP send: " + e.getMessage());
        }
        boolean wake = false;
        for (int i = 0; i < count; i++) {
            Peer p = peers[i];
            int len = batch.length(i);
            if (sent && len > 0) {
                p.send.txPackets++; // published by the volatile write below
                p.send.txBytes += len;
            } else
                ctx.stats()
                        .drop(
                                len == Datagrams.BUFFER_FULL
                                        ? DeviceStats.Drop.UDP_BUFFER_FULL
                                        : DeviceStats.Drop.IO_ERROR);
            Tunnel t = p.tunnel;
            if (t != null && t.sentDataWantsHandshake(times[i], keypairs[i], false)) wake = true;
            keypairs[i] = null;
            peers[i] = null;
        }
        if (wake) ctx.conductor().wake();
    }
}
