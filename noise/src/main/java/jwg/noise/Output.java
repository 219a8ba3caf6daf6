package jwg.noise;

import java.lang.foreign.MemorySegment;

/**
 * A caller-owned output slot, reused across calls so that the data path allocates nothing.
 * The caller sets {@link #segment}, {@link #offset} and {@link #capacity} (where results may be
 * written); the core sets the other fields. Not thread-safe: one per thread.
 */
public final class Output {
    /** Where to write. Off-heap for real packets; any segment works. */
    public MemorySegment segment;
    /** Where in {@link #segment} the output starts. */
    public long offset;
    /** How many bytes may be written at {@link #offset}. */
    public int capacity;

    /** Bytes written at {@link #offset} (0 if none). */
    public int length;
    /** Why the input was dropped, when the action is {@link Action#DROPPED} (else null). */
    public Drop drop;
    /**
     * Set when a session just became usable for sending: encapsulate the peer's staged packets
     * now (wireguard-go's SendStagedPackets).
     */
    public boolean flushStaged;
    /**
     * Set by {@link Tunnel#tick} when a handshake was given up (no answer after
     * MAX_TIMER_HANDSHAKES retries): drop the peer's staged packets.
     */
    public boolean dropStaged;
    /** The tunnel (peer) the result concerns, when the call went through {@link NoiseDevice}. */
    public Tunnel tunnel;

    public Output() {}

    public Output(MemorySegment segment, long offset, int capacity) {
        set(segment, offset, capacity);
    }

    public Output set(MemorySegment segment, long offset, int capacity) {
        this.segment = segment;
        this.offset = offset;
        this.capacity = capacity;
        return this;
    }

    void reset() {
        length = 0;
        drop = null;
        flushStaged = false;
        dropStaged = false;
        tunnel = null;
    }

    /** A copy of the written bytes (tests, demo; allocates). */
    public byte[] toArray() {
        return segment.asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }
}
