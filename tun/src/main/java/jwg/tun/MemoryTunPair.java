package jwg.tun;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Two in-memory TUN devices joined back to back, for tests of the layers above: a packet
 * written to one is read from the other. Like a real TUN, a full queue drops the packet and
 * {@link TunDevice#close()} makes a blocked read return -1. Packets are copied (tests only).
 */
public final class MemoryTunPair {
    private final End a;
    private final End b;

    public MemoryTunPair(String nameA, String nameB, int mtu, int queueCapacity) {
        BlockingQueue<byte[]> ab = new ArrayBlockingQueue<>(queueCapacity);
        BlockingQueue<byte[]> ba = new ArrayBlockingQueue<>(queueCapacity);
        a = new End(nameA, mtu, ba, ab);
        b = new End(nameB, mtu, ab, ba);
    }

    public MemoryTunPair() {
        this("mem0", "mem1", TunConfig.DEFAULT_MTU, 1024);
    }

    public TunDevice a() {
        return a;
    }

    public TunDevice b() {
        return b;
    }

    private static final class End implements TunDevice {
        private static final byte[] CLOSED = new byte[0];
        private final String name;
        private final int mtu;
        private final BlockingQueue<byte[]> in;
        private final BlockingQueue<byte[]> out;
        private volatile boolean closed;

        End(String name, int mtu, BlockingQueue<byte[]> in, BlockingQueue<byte[]> out) {
            this.name = name;
            this.mtu = mtu;
            this.in = in;
            this.out = out;
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
                byte[] p = in.take();
                if (p == CLOSED || closed) {
                    in.offer(CLOSED); // keep waking other readers
                    return -1;
                }
                int n = Math.min(p.length, capacity); // a short buffer truncates, as read(2) on a TUN does
                MemorySegment.copy(p, 0, buffer, ValueLayout.JAVA_BYTE, offset, n);
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public int tryRead(MemorySegment buffer, long offset, int capacity) {
            if (closed) return -1;
            byte[] p = in.poll();
            if (p == null) return 0;
            if (p == CLOSED) {
                in.offer(CLOSED);
                return -1;
            }
            int n = Math.min(p.length, capacity);
            MemorySegment.copy(p, 0, buffer, ValueLayout.JAVA_BYTE, offset, n);
            return n;
        }

        @Override
        public void write(MemorySegment buffer, long offset, int length) {
            if (closed) return;
            out.offer(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE)); // full: dropped
        }

        @Override
        public void close() {
            closed = true;
            in.clear();
            in.offer(CLOSED);
        }
    }
}
