package jwg.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jwg.tun.TunDevice;

/** A TUN device in memory for device tests: the test plays the operating system's side. */
final class MemoryTun implements TunDevice {
    private static final byte[] CLOSED = new byte[0];
    private final String name;
    private final int mtu;
    private final BlockingQueue<byte[]> toDevice = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> fromDevice = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    MemoryTun(String name, int mtu) {
        this.name = name;
        this.mtu = mtu;
    }

    /** The OS sends a packet into the tunnel (the device reads it). */
    void inject(byte[] packet) {
        toDevice.add(packet);
    }

    /** The next packet the device wrote to the OS, or null after the timeout. */
    byte[] take(long millis) throws InterruptedException {
        return fromDevice.poll(millis, TimeUnit.MILLISECONDS);
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
        try {
            byte[] p = toDevice.take();
            if (p == CLOSED || closed) return -1;
            int n = Math.min(p.length, capacity);
            MemorySegment.copy(p, 0, buffer, ValueLayout.JAVA_BYTE, offset, n);
            return n;
        } catch (InterruptedException e) {
            return -1;
        }
    }

    @Override
    public void write(MemorySegment buffer, long offset, int length) {
        if (closed) return;
        fromDevice.add(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public void close() {
        closed = true;
        toDevice.add(CLOSED);
    }
}
