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
 *
 * <p>Every mutable field has one owner, visible in where it lives: {@link #send} is written only
 * by the sender thread, {@link #receive} only by the receiver, {@link #control} only by the
 * conductor (its thread, or a configuration change holding its lock). The fields directly on
 * the peer are <em>published</em>: volatile references replaced (never mutated) by the writer
 * named on each, read by every thread. {@link #staged} is the one handover between threads (the
 * sender puts, the conductor takes, under the queue's lock). Status readers sum the counters.
 */
final class Peer {
    /** Packets kept while no session exists (wireguard-go's QueueStagedSize). */
    static final int MAX_STAGED = 128;

    final PublicKey publicKey;

    // ---------------------------------------------------------------- published (volatile, read by all)

    /** Written under the conductor's lock (configuration); replaced when the interface private key changes. */
    volatile Tunnel tunnel;
    /** Written under the conductor's lock (configuration). */
    volatile PeerConfig config;
    /**
     * Where datagrams for this peer go; replaced (never mutated). Last writer wins: the receiver
     * and the conductor (roaming, after an authenticated packet), a configuration change and the
     * connectivity layer ({@link Device#setEndpoint}).
     */
    volatile Endpoint endpoint;
    /**
     * The path listener was told this peer has no endpoint: set by the sender, cleared by the
     * connectivity layer when it sets (or clears) the endpoint.
     */
    volatile boolean pathRequested;

    // ---------------------------------------------------------------- owned by one thread each

    /** Written by the sender thread only. */
    final Send send = new Send();
    /** Written by the receiver thread only. */
    final Receive receive = new Receive();
    /** Written by the conductor only (its thread, or a caller holding its lock). */
    final Control control = new Control();
    /** Sender → conductor: packets waiting for a session. */
    final Staged staged = new Staged();

    /** The sender's counters. */
    static final class Send {
        /**
         * Data datagrams sent: a plain field, written just before {@link #txBytes} — that volatile
         * write publishes it, so counting packets adds no second fence per datagram.
         */
        long txPackets;
        /** Data datagram bytes sent. */
        volatile long txBytes;
    }

    /** The receiver's counters. */
    static final class Receive {
        /** Transport datagrams received and authenticated: plain, published by the {@link #rxBytes} write after it. */
        long rxPackets;
        /** Transport datagram bytes received and authenticated. */
        volatile long rxBytes;
        /** Packets written to the TUN (keepalives excluded). */
        volatile long rxDataPackets;
    }

    /** The conductor's counters. */
    static final class Control {
        /** Handshake messages, keepalives and staged packets it sent. */
        volatile long txControlBytes;
        /** Handshake messages from this peer. */
        volatile long rxControlBytes;
        /** Datagrams it sent (handshake messages, keepalives, staged packets). */
        volatile long txControlPackets;
        /** Handshake messages from this peer. */
        volatile long rxControlPackets;
    }

    /**
     * Packets kept while no session exists: the sender stages (and reads {@link #nonEmpty} to keep
     * order behind them), the conductor unstages, restages and drops. The lock is the handover.
     */
    static final class Staged {
        private final ArrayDeque<MemorySegment> queue = new ArrayDeque<>();
        /** Whether packets are waiting (read without the lock). */
        volatile boolean nonEmpty;

        /** Sender: keeps a copy of a packet until a session exists; the oldest goes when full. Returns true if one was dropped (to be counted). */
        boolean stage(MemorySegment packet, long offset, int length) {
            // off-heap like every packet buffer: a heap segment reaching the seal would teach the
            // compiled packet path a second segment type, and the next packet would deoptimize it
            MemorySegment copy = Arena.ofAuto().allocate(length);
            MemorySegment.copy(packet, offset, copy, 0, length);
            boolean dropped = false;
            synchronized (queue) {
                if (queue.size() >= MAX_STAGED) {
                    queue.pollFirst();
                    dropped = true;
                }
                queue.addLast(copy);
                nonEmpty = true;
            }
            return dropped;
        }

        /** Conductor: the oldest staged packet, or null. */
        MemorySegment unstage() {
            synchronized (queue) {
                MemorySegment s = queue.pollFirst();
                nonEmpty = !queue.isEmpty();
                return s;
            }
        }

        /** Conductor: puts a packet back at the head (its session vanished while flushing). */
        void restage(MemorySegment packet) {
            synchronized (queue) {
                queue.addFirst(packet);
                nonEmpty = true;
            }
        }

        /** Conductor: drops every staged packet; returns how many. */
        int drop() {
            synchronized (queue) {
                int n = queue.size();
                queue.clear();
                nonEmpty = false;
                return n;
            }
        }
    }

    Peer(PeerConfig config, Tunnel tunnel, Endpoint endpoint) {
        this.publicKey = config.publicKey();
        this.config = config;
        this.tunnel = tunnel;
        this.endpoint = endpoint;
    }

    long rxTotal() {
        return receive.rxBytes + control.rxControlBytes;
    }

    long txTotal() {
        return send.txBytes + control.txControlBytes;
    }

    /**
     * Datagrams received. The volatile byte counter is read first: that read sees the plain packet
     * counter at least as of the byte counter's last write (at most one batch behind).
     */
    @SuppressWarnings("unused")
    long rxPacketsTotal() {
        long publish = receive.rxBytes;
        return receive.rxPackets + control.rxControlPackets;
    }

    /** Datagrams sent (as {@link #rxPacketsTotal}). */
    @SuppressWarnings("unused")
    long txPacketsTotal() {
        long publish = send.txBytes;
        return send.txPackets + control.txControlPackets;
    }

    @Override
    public String toString() {
        return "Peer[" + publicKey + "]";
    }
}
