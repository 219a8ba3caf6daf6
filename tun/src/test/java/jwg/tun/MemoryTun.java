package jwg.tun;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory TUN device for tests of the layers above (the dataplane's and ICE's device
 * tests; jwg-tun's test-jar): the test plays the operating system's side, {@link #inject}ing
 * packets the device reads and {@link #take}ing the ones it writes. Like a real TUN, a full queue
 * drops the packet (and counts it), a short read buffer truncates, and {@link #close()} from any
 * thread makes a blocked {@link #read} return -1. Packets are copied (tests only; the
 * allocation-free TUNs of the allocation tests are their own).
 */
public final class MemoryTun implements Tun {
    /** Packets each direction holds before it drops. */
    public static final int DEFAULT_CAPACITY = 4096;

    private static final byte[] CLOSED = new byte[0];

    private final String name;
    private final int mtu;
    private final BlockingQueue<byte[]> toDevice;
    private final BlockingQueue<byte[]> fromDevice;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    public MemoryTun(String name, int mtu, int capacity) {
        this.name = name;
        this.mtu = mtu;
        this.toDevice = new ArrayBlockingQueue<>(capacity);
        this.fromDevice = new ArrayBlockingQueue<>(capacity);
    }

    public MemoryTun(String name, int mtu) {
        this(name, mtu, DEFAULT_CAPACITY);
    }

    public MemoryTun(String name) {
        this(name, TunConfig.DEFAULT_MTU);
    }

    /** The operating system sends {@code packet} into the tunnel (the device reads it); false if the queue was full (dropped). */
    public boolean inject(byte[] packet) {
        if (closed) return false;
        if (toDevice.offer(packet)) return true;
        dropped.incrementAndGet();
        return false;
    }

    /** The next packet the device wrote to the operating system, or null after {@code millis}. */
    public byte[] take(long millis) throws InterruptedException {
        return fromDevice.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Packets dropped because a queue was full (either direction). */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int read(MemorySegment buffer, long offset, int capacity) {
        if (closed) return -1;
        try {
            return copy(toDevice.take(), buffer, offset, capacity);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public int tryRead(MemorySegment buffer, long offset, int capacity) {
        if (closed) return -1;
        byte[] p = toDevice.poll();
        return p == null ? 0 : copy(p, buffer, offset, capacity);
    }

    private int copy(byte[] p, MemorySegment buffer, long offset, int capacity) {
        if (p == CLOSED || closed) {
            toDevice.offer(CLOSED); // keep waking other readers
            return -1;
        }
        int n = Math.min(p.length, capacity); // a short buffer truncates, as read(2) on a TUN does
        MemorySegment.copy(p, 0, buffer, ValueLayout.JAVA_BYTE, offset, n);
        return n;
    }

    @Override
    public void write(MemorySegment buffer, long offset, int length) {
        if (closed) return;
        if (!fromDevice.offer(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE))) dropped.incrementAndGet();
    }

    @Override
    public void close() {
        closed = true;
        toDevice.clear();
        toDevice.offer(CLOSED);
    }
}
