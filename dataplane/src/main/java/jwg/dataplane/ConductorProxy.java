package jwg.dataplane;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import jwg.dataplane.bind.Endpoint;

/**
 * The only way into the {@link Conductor} from the other threads (Aeron's DriverConductorProxy):
 * the commands the sender, the receiver and the configuration side send it. Both go through the
 * conductor's bounded queue; the conductor is the only one that takes from it.
 */
final class ConductorProxy {
    /** A handshake message waiting for the conductor (allocated per message: control path). */
    record HandshakeMessage(byte[] data, Endpoint from) {}

    /** The wake-up command: no message, just run the timers and flush staged packets. */
    static final HandshakeMessage WAKE = new HandshakeMessage(new byte[0], new Endpoint());

    private final ArrayBlockingQueue<HandshakeMessage> queue;
    private final AtomicBoolean wakePending;
    private final DeviceStats stats;

    ConductorProxy(ArrayBlockingQueue<HandshakeMessage> queue, AtomicBoolean wakePending, DeviceStats stats) {
        this.queue = queue;
        this.wakePending = wakePending;
        this.stats = stats;
    }

    /** Asks the conductor to sweep its peers soon: a handshake wanted, packets staged, a session confirmed (any thread). */
    void wake() {
        if (wakePending.compareAndSet(false, true) && !queue.offer(WAKE)) wakePending.set(false);
    }

    /** From the receiver: queue a handshake message (types 1–3), or drop and count it if full. */
    void enqueueHandshake(MemorySegment d, long off, int len, Endpoint from) {
        byte[] copy = new byte[len];
        MemorySegment.copy(d, off, MemorySegment.ofArray(copy), 0, len);
        Endpoint src = new Endpoint();
        src.copyFrom(from);
        if (!queue.offer(new HandshakeMessage(copy, src))) stats.drop(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL);
    }
}
