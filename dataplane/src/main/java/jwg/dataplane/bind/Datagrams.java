package jwg.dataplane.bind;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A batch of datagrams for {@link Bind}: per slot an off-heap buffer, the offset and length of
 * the datagram in it, and its endpoint (source on receive, destination on send). The caller
 * owns the buffers; slots can be re-pointed at other buffers (pooled packets, or segments of one
 * coalesced datagram) without allocating; each slot keeps its own buffer ({@link #home}) to
 * receive into.
 */
public final class Datagrams {
    /** The length {@link Bind#send(Datagrams)} leaves on a datagram it could not send. */
    public static final int NOT_SENT = -1;
    /** Like {@link #NOT_SENT}, for a datagram left behind because the socket's send buffer was full. */
    public static final int BUFFER_FULL = -2;

    /**
     * The slots' buffers (MemorySegments), in {@code Object[]}s: JDK 25's C2 compiles a store into
     * an array of an interface type ({@code MemorySegment[]}) with a speculation that fails the
     * first time the compiled code runs ({@code array_check}), then deoptimizes and compiles the
     * method, and each that inlined it, again — at traffic start (docs/benchmarks.md, "a fresh
     * daemon's deoptimizations"). A store into an {@code Object[]} needs no check.
     */
    private final Object[] buffers;

    private final Object[] homes;
    private final long[] offsets;
    private final int[] lengths;
    private final Endpoint[] endpoints;
    private int count;

    public Datagrams(int capacity) {
        buffers = new Object[capacity];
        homes = new Object[capacity];
        offsets = new long[capacity];
        lengths = new int[capacity];
        endpoints = new Endpoint[capacity];
        for (int i = 0; i < capacity; i++) endpoints[i] = new Endpoint();
    }

    /** A batch whose slots each own a fresh buffer of {@code bufferSize} bytes from {@code arena}. */
    public static Datagrams allocate(Arena arena, int capacity, int bufferSize) {
        Datagrams d = new Datagrams(capacity);
        for (int i = 0; i < capacity; i++) d.homes[i] = d.buffers[i] = arena.allocate(bufferSize, 16);
        return d;
    }

    public int capacity() {
        return buffers.length;
    }

    public int count() {
        return count;
    }

    public void count(int n) {
        if (n < 0 || n > buffers.length) throw new IndexOutOfBoundsException(n);
        count = n;
    }

    public MemorySegment buffer(int i) {
        return (MemorySegment) buffers[i];
    }

    /**
     * The buffer slot {@code i} was allocated with, where a bind receives into; {@link #buffer}
     * may point elsewhere (a view into a coalesced datagram, or a slot swapped in). Without one,
     * the slot's current buffer.
     */
    public MemorySegment home(int i) {
        Object h = homes[i];
        return (MemorySegment) (h != null ? h : buffers[i]);
    }

    public long offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public Endpoint endpoint(int i) {
        return endpoints[i];
    }

    /** Points slot {@code i} at a datagram. */
    public void set(int i, MemorySegment buffer, long offset, int length) {
        buffers[i] = buffer;
        offsets[i] = offset;
        lengths[i] = length;
    }

    public void length(int i, int length) {
        lengths[i] = length;
    }

    public void offset(int i, long offset) {
        offsets[i] = offset;
    }
}
