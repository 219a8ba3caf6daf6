package jwg.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.Messages;
import jwg.noise.ProtocolCore;
import jwg.noise.SourceAddress;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

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
 *
 * <p>With handshake workers, an initiation goes to them first ({@link HandshakeWorker}): they
 * take it from their own queue, do its Diffie-Hellman admission check unless the device is under
 * load, and forward what passes (or, under load, everything: the conductor answers it with a
 * cookie reply) to the conductor's queue. "Under load" counts the slots waiting in both queues,
 * and needs them at the mark for {@link #UNDER_LOAD_CONFIRM_NANOS} (or the queue full).
 *
 * <p>Under load, an initiation that carries a valid MAC2 (a peer answering our cookie reply) goes
 * straight to the conductor, and may take one of a few reserved slots when the ordinary ones are
 * all taken ({@link #reservedSlots}): a flood of initiations without MAC2 can fill the queue
 * but neither drop it nor make it wait behind them. wireguard-go has one queue for both (its
 * MAC2 answer may be dropped by a full queue, and waits behind it otherwise).
 */
final class ConductorProxy {
    /** One preallocated handshake-queue slot: the message's bytes and where it came from. */
    static final class HandshakeMessage {
        final byte[] data = new byte[Messages.INITIATION_LENGTH]; // the longest handshake message
        final MemorySegment segment = MemorySegment.ofArray(data);
        final Endpoint from = new Endpoint();
        /** One of the slots kept for initiations with a valid MAC2 ({@link #reservedSlots}). */
        final boolean reserved;

        int length;

        HandshakeMessage(boolean reserved) {
            this.reserved = reserved;
        }

        /**
         * A handshake worker found the device not under load and the initiation's static key one
         * of the peers': the conductor handles it as not under load too (the decision is made
         * once, where wireguard-go makes it: on the worker, before the Diffie-Hellman).
         */
        boolean admitted;
    }

    /** The wake-up command: no message, just run the timers and flush staged packets. */
    static final HandshakeMessage WAKE = new HandshakeMessage(false);

    private final ManyToOneConcurrentArrayQueue<HandshakeMessage> queue;
    /** Slots not in the queue (nor being handled): the conductor and the workers give back, the receiver takes. */
    private final ManyToOneConcurrentArrayQueue<HandshakeMessage> free;
    /** Free reserved slots: only an initiation with a valid MAC2 under load keeps one. */
    private final ManyToOneConcurrentArrayQueue<HandshakeMessage> reserve;
    /** The receive thread's source holder for the MAC2 check. */
    private final SourceAddress source = new SourceAddress();
    /** Initiations for the handshake workers (null: none, initiations go to the conductor). */
    private final ManyToManyConcurrentArrayQueue<HandshakeMessage> toWorkers;
    /** Each handshake worker while it sleeps waiting for its queue (null while it runs). */
    private final AtomicReferenceArray<Thread> workerSleepers;
    /** Under load when this many slots wait (1/8 of them, wireguard-go's mark) for {@link #UNDER_LOAD_CONFIRM_NANOS}. */
    private final int underLoadMark;
    /** Under load until then (any handshake thread writes it; a lost update only shortens it by a message). */
    private volatile long underLoadUntil = System.nanoTime();
    /**
     * Since when at least {@link #underLoadMark} slots wait ({@link #NOT_WAITING}: fewer do now).
     * Any handshake thread writes it, only when it changes; a lost update only moves it by a message.
     */
    private volatile long markSince = NOT_WAITING;

    private static final long NOT_WAITING = Long.MIN_VALUE;

    /**
     * How long the backlog must stay at the mark before the device is under load (jwg's addition to
     * wireguard-go's rule). A responder that keeps up with a flood still sees the backlog pass 1/8
     * for a moment when its threads stall — a collection, a compilation, the scheduler: measured
     * during a 10,000/s flood that the workers kept up with, 21, 12 and 4 such excursions in three
     * runs, all shorter than 100 ms, with no message dropped. Under wireguard-go's rule each one
     * made every initiation get a cookie reply for 1 s, and a wireguard-go peer then waits 5 s.
     * A queue that is really full puts the device under load at once.
     */
    static final long UNDER_LOAD_CONFIRM_NANOS = 200_000_000L;

    private final AtomicBoolean wakePending;
    private final DeviceStats stats;
    /** The conductor while it sleeps waiting for its queue (null while it runs): whom to unpark. */
    volatile Thread sleeper;
    /** The receive thread's MAC1 scratch (only it calls {@link #enqueueHandshake}). */
    private final byte[] mac = new byte[16];

    /**
     * @param queue   the conductor's queue: room for {@code slots} messages and one {@link #WAKE}
     * @param workers handshake workers (0: none)
     */
    ConductorProxy(
            ManyToOneConcurrentArrayQueue<HandshakeMessage> queue,
            int slots,
            int workers,
            AtomicBoolean wakePending,
            DeviceStats stats) {
        int reserved = reservedSlots(slots);
        if (queue.remainingCapacity() < slots + reserved + 1)
            throw new IllegalArgumentException("the queue needs room for every slot and a wake-up");
        this.queue = queue;
        this.free = new ManyToOneConcurrentArrayQueue<>(slots);
        for (int i = 0; i < slots; i++) free.offer(new HandshakeMessage(false));
        this.reserve = new ManyToOneConcurrentArrayQueue<>(reserved);
        for (int i = 0; i < reserved; i++) reserve.offer(new HandshakeMessage(true));
        this.toWorkers = workers > 0 ? new ManyToManyConcurrentArrayQueue<>(slots) : null;
        this.workerSleepers = new AtomicReferenceArray<>(Math.max(workers, 1));
        this.underLoadMark = Math.max(1, slots / 8);
        this.wakePending = wakePending;
        this.stats = stats;
    }

    /**
     * Slots kept beside the {@code slots} ordinary ones for initiations with a valid MAC2 under
     * load (1/16 of them): junk fills the ordinary slots, never these. The conductor's queue
     * needs room for both and the wake-up.
     */
    static int reservedSlots(int slots) {
        return Math.max(2, slots / 16);
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
    void enqueueHandshake(ProtocolCore noise, MemorySegment d, long off, int len, Endpoint from) {
        if (noise == null || len > Messages.INITIATION_LENGTH) {
            if (noise == null) stats.drop(DeviceStats.Drop.NOT_WIREGUARD);
            else noise.counters().drop(jwg.noise.Drop.INVALID_LENGTH);
            return;
        }
        HandshakeMessage m = free.poll();
        if (m == null) {
            markUnderLoad(System.nanoTime()); // every ordinary slot taken: not keeping up, whatever the time
            m = reserve.poll(); // kept below only by an initiation with a valid MAC2
        }
        if (m == null) {
            stats.drop(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL);
            return;
        }
        MemorySegment.copy(d, off, m.segment, 0, len);
        if (!noise.mac1Valid(m.data, len, mac)) {
            release(m);
            return;
        }
        m.length = len;
        m.from.copyFrom(from);
        m.admitted = false;
        if (m.data[0] == Messages.TYPE_INITIATION
                && len == Messages.INITIATION_LENGTH
                && Messages.initiationCarriesMac2(m.data)
                && mac2ValidUnderLoad(noise, m)) {
            // a peer answering our cookie reply: straight to the conductor (the rate limit, then
            // the handshake), not behind the junk in the workers' queue, and never dropped for it
            forward(m);
        } else if (m.reserved) {
            release(m);
            stats.drop(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL);
        } else if (toWorkers != null && m.data[0] == Messages.TYPE_INITIATION) {
            toWorkers.offer(m); // always room: it holds every ordinary slot
            ringWorker();
        } else {
            forward(m);
        }
    }

    /**
     * Under load, whether the initiation in {@code m} carries a valid MAC2 for its source (an
     * all-zero MAC2, junk's and every first initiation's, costs no MAC). Receive thread.
     */
    private boolean mac2ValidUnderLoad(ProtocolCore noise, HandshakeMessage m) {
        long now = System.nanoTime();
        if (!underLoad(now)) return false;
        m.from.copyTo(source);
        return noise.initiationMac2Valid(m.data, m.length, source, now);
    }

    /** From the receiver or a handshake worker: hands a slot to the conductor. */
    void forward(HandshakeMessage m) {
        queue.offer(m); // always room: the queue holds every slot plus the one wake-up
        ring();
    }

    /** Unparks one sleeping handshake worker (after an initiation was queued for them). */
    private void ringWorker() {
        VarHandle.fullFence(); // the offer before the reads of the sleepers (a worker: sleeper, then poll)
        for (int i = 0; i < workerSleepers.length(); i++) {
            Thread t = workerSleepers.get(i);
            if (t != null) {
                LockSupport.unpark(t);
                return;
            }
        }
    }

    /**
     * From handshake worker {@code worker}: the next initiation, waiting up to {@code sleepNanos}
     * for one (announce as a sleeper, check again, park: no wake-up is lost, nothing allocated).
     */
    HandshakeMessage nextForWorker(int worker, long sleepNanos) {
        HandshakeMessage m = toWorkers.poll();
        if (m != null) return m;
        workerSleepers.set(worker, Thread.currentThread());
        VarHandle.fullFence();
        m = toWorkers.poll();
        if (m == null) {
            LockSupport.parkNanos(this, sleepNanos);
            Thread.interrupted(); // nobody interrupts a worker; never spin on a stray flag
        }
        workerSleepers.set(worker, null);
        return m != null ? m : toWorkers.poll();
    }

    /** From a handshake worker: another waiting initiation, or null (never waits). */
    HandshakeMessage pollForWorker() {
        return toWorkers.poll();
    }

    /** Wakes every sleeping handshake worker (stopping). */
    void wakeWorkers() {
        for (int i = 0; i < workerSleepers.length(); i++) {
            Thread t = workerSleepers.get(i);
            if (t != null) LockSupport.unpark(t);
        }
    }

    /**
     * wireguard-go's rule with a confirmation: under load once ≥ 1/8 of the slots have waited (in
     * the conductor's queue and the workers') for {@link #UNDER_LOAD_CONFIRM_NANOS} without a
     * break, or at once when every ordinary slot is taken; and for {@link
     * Conductor#UNDER_LOAD_AFTER_NANOS} after (the conductor and the workers ask).
     */
    boolean underLoad(long now) {
        int waiting = queue.size() + (toWorkers == null ? 0 : toWorkers.size());
        if (waiting >= underLoadMark) {
            long since = markSince;
            if (since == NOT_WAITING) markSince = since = now;
            if (now - since >= UNDER_LOAD_CONFIRM_NANOS) {
                markUnderLoad(now);
                return true;
            }
        } else if (markSince != NOT_WAITING) {
            markSince = NOT_WAITING;
        }
        return now - underLoadUntil < 0;
    }

    /** Under load from {@code now} for {@link Conductor#UNDER_LOAD_AFTER_NANOS}. */
    private void markUnderLoad(long now) {
        long until = now + Conductor.UNDER_LOAD_AFTER_NANOS;
        if (until - underLoadUntil > 1_000_000L) underLoadUntil = until; // at most a write a millisecond
    }

    /** From the conductor or a handshake worker: the slot is handled and may take the next message. */
    void release(HandshakeMessage m) {
        if (m == WAKE) return;
        if (m.reserved) reserve.offer(m);
        else free.offer(m);
    }
}
