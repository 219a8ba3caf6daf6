package jwg.noise;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What the caller must do after a call into the core, with the bytes it concerns — boringtun's
 * {@code TunnResult} ({@code WriteToNetwork(bytes)}, {@code WriteToTunnelV4/V6(bytes)},
 * {@code Done}, {@code Err}) without allocating: an {@link Action} plus a view over the
 * caller's buffer. The caller owns one per thread and says where the core may write
 * ({@link #into}); every call into the core fills it in and returns it:
 *
 * <pre>
 *   Result r = tunnel.encapsulate(now, packet, off, len, result.into(buf, 0, cap));
 *   switch (r.action()) {
 *       case WRITE_TO_NETWORK -&gt; send(r.segment(), r.offset(), r.length());
 *       case STAGE_PACKET -&gt; { stage(packet); if (r.length() &gt; 0) send(r.segment(), r.offset(), r.length()); }
 *       case DROPPED -&gt; log(r.drop());
 *       default -&gt; {}
 *   }
 * </pre>
 *
 * Besides the bytes, a result may say that the peer's staged packets should now be sent
 * ({@link #flushStaged}) or dropped ({@link #dropStaged}), and which peer it concerns
 * ({@link #tunnel}). Only the core writes these. Not thread-safe: one per thread, valid until
 * the next call that is given it.
 */
public final class Result {
    // --- the caller's buffer ---
    MemorySegment segment;
    long offset;
    int capacity;

    // --- set by the core ---
    Action action = Action.DONE;
    int length;
    Drop drop;
    boolean flushStaged;
    boolean dropStaged;
    Tunnel tunnel;

    public Result() {}

    /** A result that writes into {@code capacity} bytes of {@code segment} at {@code offset}. */
    public Result(MemorySegment segment, long offset, int capacity) {
        into(segment, offset, capacity);
    }

    /** Where the next call may write its bytes: {@code capacity} bytes at {@code segment[offset]}. */
    public Result into(MemorySegment segment, long offset, int capacity) {
        this.segment = segment;
        this.offset = offset;
        this.capacity = capacity;
        return this;
    }

    /** What to do: send, write to the TUN, stage the packet, nothing, or dropped. */
    public Action action() {
        return action;
    }

    /** The segment the bytes are in (the caller's, given to {@link #into}). */
    public MemorySegment segment() {
        return segment;
    }

    /** Where in {@link #segment} the bytes start. */
    public long offset() {
        return offset;
    }

    /** How many bytes may be written at {@link #offset} (as given to {@link #into}). */
    public int capacity() {
        return capacity;
    }

    /**
     * How many bytes the result carries at {@link #offset}: the datagram to send, the IP packet
     * (padding removed) to write to the TUN, or with STAGE_PACKET an initiation to send (0 if none).
     */
    public int length() {
        return length;
    }

    /** Why the input was dropped ({@link Action#DROPPED}, already counted); {@link Drop#COOKIE_REQUIRED}
     * with WRITE_TO_NETWORK: the bytes are a cookie reply to the source. Else null. */
    public Drop drop() {
        return drop;
    }

    /**
     * A session just became usable for sending: encapsulate the peer's staged packets now
     * (wireguard-go's SendStagedPackets).
     */
    public boolean flushStaged() {
        return flushStaged;
    }

    /**
     * {@link Tunnel#tick} gave up a handshake (no answer after MAX_TIMER_HANDSHAKES retries):
     * drop the peer's staged packets.
     */
    public boolean dropStaged() {
        return dropStaged;
    }

    /** The tunnel (peer) the result concerns, or null (e.g. a message for no known peer). */
    public Tunnel tunnel() {
        return tunnel;
    }

    /** A copy of the bytes (tests, demo; allocates). */
    public byte[] toArray() {
        return segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public String toString() {
        return action + (length > 0 ? " " + length + " bytes" : "") + (drop != null ? " " + drop : "");
    }

    /** Starts a call: nothing written yet, for {@code tunnel} (may be null). */
    void reset(Tunnel tunnel) {
        action = Action.DONE;
        length = 0;
        drop = null;
        flushStaged = false;
        dropStaged = false;
        this.tunnel = tunnel;
    }

    /** Ends a call with {@code a}. */
    Result is(Action a) {
        action = a;
        return this;
    }
}
