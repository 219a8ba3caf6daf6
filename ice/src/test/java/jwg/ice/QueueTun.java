package jwg.ice;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jwg.tun.TunDevice;

/** A TUN device made of two queues, for device tests above the kernel (the OS side is the test). */
final class QueueTun implements TunDevice {
    private final String name;
    private final BlockingQueue<byte[]> toDevice = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> fromDevice = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    QueueTun(String name) {
        this.name = name;
    }

    void inject(byte[] packet) {
        toDevice.add(packet);
    }

    byte[] take(long millis) throws InterruptedException {
        return fromDevice.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override public String name() { return name; }
    @Override public int mtu() { return 1420; }

    @Override
    public int read(MemorySegment buffer, long offset, int capacity) {
        try {
            byte[] p = null;
            while (p == null) {
                if (closed) return -1;
                p = toDevice.poll(50, TimeUnit.MILLISECONDS);
            }
            MemorySegment.copy(p, 0, buffer, ValueLayout.JAVA_BYTE, offset, Math.min(p.length, capacity));
            return Math.min(p.length, capacity);
        } catch (InterruptedException e) {
            return -1;
        }
    }

    @Override
    public int tryRead(MemorySegment buffer, long offset, int capacity) {
        byte[] p = toDevice.poll();
        if (p == null) return closed ? -1 : 0;
        MemorySegment.copy(p, 0, buffer, ValueLayout.JAVA_BYTE, offset, Math.min(p.length, capacity));
        return Math.min(p.length, capacity);
    }

    @Override
    public void write(MemorySegment buffer, long offset, int length) {
        fromDevice.add(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public void close() {
        closed = true;
    }

    /** An IPv4 packet (protocol 253, experimental) with {@code payload}. */
    static byte[] ipv4(String src, String dst, byte[] payload) throws Exception {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = (byte) 253;
        System.arraycopy(java.net.InetAddress.getByName(src).getAddress(), 0, p, 12, 4);
        System.arraycopy(java.net.InetAddress.getByName(dst).getAddress(), 0, p, 16, 4);
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }
}
