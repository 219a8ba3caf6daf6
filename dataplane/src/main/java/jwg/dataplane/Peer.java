package jwg.dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import jwg.dataplane.bind.Endpoint;
import jwg.dataplane.config.PeerConfig;
import jwg.noise.PublicKey;
import jwg.noise.Tunnel;

/**
 * The device's side of a peer: its protocol state ({@link Tunnel}), where to send to (the
 * endpoint, which follows authenticated packets: roaming), packets staged while there is no
 * session, and its transfer counters.
 */
final class Peer {
    /** Packets kept while no session exists (wireguard-go's QueueStagedSize). */
    static final int MAX_STAGED = 128;

    final PublicKey publicKey;
    /** Replaced when the interface private key changes (sessions start over). */
    volatile Tunnel tunnel;
    volatile PeerConfig config;
    /** Where datagrams for this peer go; replaced (never mutated) when the peer roams. */
    volatile Endpoint endpoint;

    // Transfer counters: each written by one thread only, summed when read.
    volatile long rxBytes;          // receiver thread
    volatile long rxDataPackets;    // receiver thread: packets written to the TUN (keepalives excluded)
    volatile long txBytes;          // sender thread
    volatile long txControlBytes;   // conductor thread (handshakes, keepalives, staged flushes)
    volatile long rxControlBytes;   // conductor thread (handshake messages)

    private final ArrayDeque<MemorySegment> staged = new ArrayDeque<>();
    volatile boolean hasStaged;
    /** The path listener was told this peer has no endpoint; cleared when one is set. */
    volatile boolean pathRequested;

    Peer(PeerConfig config, Tunnel tunnel, Endpoint endpoint) {
        this.publicKey = config.publicKey();
        this.config = config;
        this.tunnel = tunnel;
        this.endpoint = endpoint;
    }

    /** Keeps a copy of a packet until a session exists; the oldest goes when full. Returns false if one was dropped. */
    boolean stage(MemorySegment packet, long offset, int length) {
        // off-heap like every packet buffer: a heap segment reaching the seal would teach the
        // compiled packet path a second segment type, and the next packet would deoptimize it
        MemorySegment copy = Arena.ofAuto().allocate(length);
        MemorySegment.copy(packet, offset, copy, 0, length);
        boolean dropped = false;
        synchronized (staged) {
            if (staged.size() >= MAX_STAGED) {
                staged.pollFirst();
                dropped = true;
            }
            staged.addLast(copy);
            hasStaged = true;
        }
        return dropped;
    }

    /** The oldest staged packet, or null. */
    MemorySegment unstage() {
        synchronized (staged) {
            MemorySegment s = staged.pollFirst();
            hasStaged = !staged.isEmpty();
            return s;
        }
    }

    /** Puts a packet back at the head (its session vanished while flushing). */
    void restage(MemorySegment packet) {
        synchronized (staged) {
            staged.addFirst(packet);
            hasStaged = true;
        }
    }

    /** Drops every staged packet; returns how many. */
    int dropStaged() {
        synchronized (staged) {
            int n = staged.size();
            staged.clear();
            hasStaged = false;
            return n;
        }
    }

    long rxTotal() {
        return rxBytes + rxControlBytes;
    }

    long txTotal() {
        return txBytes + txControlBytes;
    }

    @Override
    public String toString() {
        return "Peer[" + publicKey + "]";
    }
}
