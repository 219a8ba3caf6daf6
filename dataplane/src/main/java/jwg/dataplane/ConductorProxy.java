package jwg.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.Messages;
import jwg.noise.NoiseDevice;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * The only way into the {@link Conductor} from the other threads (Aeron's DriverConductorProxy):
 * the commands the sender, the receiver and the configuration side send it. Both go through the
 * conductor's bounded queue (lock-free, array-based: offering and taking allocate nothing, even
 * when contended); the conductor is the only one that takes from it.
 *
 * <p>Handshake messages travel in preallocated slots ({@link HandshakeMessage}): the receiver
 * takes a free slot, copies the datagram in, and only if its MAC1 verifies (a cookie reply: its
 * length) puts the slot on the queue; the conductor gives it back when done. So a datagram not
 * meant for us allocates nothing and never occupies the queue, and when every slot is taken the
 * newcomer is dropped and counted (HANDSHAKE_QUEUE_FULL).
 */
final class ConductorProxy {
    /** One preallocated handshake-queue slot: the message's bytes and where it came from. */
    static final class HandshakeMessage {
        final byte[] data = new byte[Messages.INITIATION_LENGTH]; // the longest handshake message
        final MemorySegment segment = MemorySegment.ofArray(data);
        final Endpoint from = new Endpoint();
        int length;
    }

    /** The wake-up command: no message, just run the timers and flush staged packets. */
    static final HandshakeMessage WAKE = new HandshakeMessage();

    private final ManyToOneConcurrentArrayQueue<HandshakeMessage> queue;
    /** Slots not in the queue (nor being handled): the conductor gives back, the receiver takes. */
    private final OneToOneConcurrentArrayQueue<HandshakeMessage> free;

    private final AtomicBoolean wakePending;
    private final DeviceStats stats;
    /** The conductor while it sleeps waiting for its queue (null while it runs): whom to unpark. */
    volatile Thread sleeper;
    /** The receive thread's MAC1 scratch (only it calls {@link #enqueueHandshake}). */
    private final byte[] mac = new byte[16];

    /** @param queue the conductor's queue: room for {@code slots} messages and one {@link #WAKE} */
    ConductorProxy(
            ManyToOneConcurrentArrayQueue<HandshakeMessage> queue,
            int slots,
            AtomicBoolean wakePending,
            DeviceStats stats) {
        if (queue.remainingCapacity() < slots + 1)
            throw new IllegalArgumentException("the queue needs room for every slot and a wake-up");
        this.queue = queue;
        this.free = new OneToOneConcurrentArrayQueue<>(slots);
        for (int i = 0; i < slots; i++) free.offer(new HandshakeMessage());
        this.wakePending = wakePending;
        this.stats = stats;
    }

    /** Asks the conductor to sweep its peers soon: a handshake wanted, packets staged, a session confirmed (any thread). */
    void wake() {
        if (wakePending.compareAndSet(false, true)) {
            if (queue.offer(WAKE)) ring();
            else wakePending.set(false);
        }
    }

    /**
     * Unparks the conductor if it sleeps (after something was queued). With {@link Conductor}'s
     * announce-then-recheck this loses no wake-up, and unlike a blocking queue's condition it
     * allocates nothing on either side.
     */
    private void ring() {
        VarHandle.fullFence(); // the offer before the read of sleeper (the conductor: sleeper, then poll)
        Thread t = sleeper;
        if (t != null) LockSupport.unpark(t);
    }

    /**
     * From the receive thread: queue a handshake message (types 1–3) if its MAC1 verifies and a
     * slot is free; otherwise drop and count it (the protocol core counts INVALID_MAC1 and
     * INVALID_LENGTH, the device HANDSHAKE_QUEUE_FULL). Allocates nothing.
     */
    void enqueueHandshake(NoiseDevice noise, MemorySegment d, long off, int len, Endpoint from) {
        if (noise == null || len > Messages.INITIATION_LENGTH) {
            if (noise == null) stats.drop(DeviceStats.Drop.NOT_WIREGUARD);
            else noise.counters().drop(jwg.noise.Drop.INVALID_LENGTH);
            return;
        }
        HandshakeMessage m = free.poll();
        if (m == null) {
            stats.drop(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL);
            return;
        }
        MemorySegment.copy(d, off, m.segment, 0, len);
        if (!noise.mac1Valid(m.data, len, mac)) {
            free.offer(m);
            return;
        }
        m.length = len;
        m.from.copyFrom(from);
        queue.offer(m); // always room: the queue holds every slot plus the one wake-up
        ring();
    }

    /** From the conductor: the slot is handled and may take the next message. */
    void release(HandshakeMessage m) {
        if (m != WAKE) free.offer(m);
    }
}
