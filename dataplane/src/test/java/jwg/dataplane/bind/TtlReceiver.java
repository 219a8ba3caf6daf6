package jwg.dataplane.bind;

import static jwg.sys.Layouts.SOCKADDR_IN6;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jwg.sys.Errno;
import jwg.sys.ErrnoException;
import jwg.sys.Fds;
import jwg.sys.Layouts;
import jwg.sys.Linux;
import jwg.sys.Sockets;

/**
 * A loopback UDP receiver (dual-stack) that reports the IP TTL / IPv6 hop limit each datagram
 * arrived with (IP_RECVTTL, IPV6_RECVHOPLIMIT): what a test reads to see the TTL on the wire.
 */
public final class TtlReceiver implements AutoCloseable {
    // <linux/in.h>, <linux/in6.h>
    private static final int IP_RECVTTL = 12, IP_TTL = 2, IPV6_RECVHOPLIMIT = 51, IPV6_HOPLIMIT = 52;
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** One datagram: its bytes and the TTL (hop limit) it came with, -1 if the kernel said none. */
    public record Received(byte[] data, int ttl, boolean ipv4) {}

    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(65536);
    private final MemorySegment iov = arena.allocate(Layouts.IOVEC);
    private final MemorySegment control = arena.allocate(256, 8);
    private final MemorySegment msg = arena.allocate(Layouts.MSGHDR);
    private final int fd;
    private final int port;

    private TtlReceiver(int fd, int port) {
        this.fd = fd;
        this.port = port;
    }

    /** Opens a receiver on a free port of every address (loopback tests send to 127.0.0.1 or ::1). */
    public static TtlReceiver open() throws IOException {
        int fd = Sockets.socket(Linux.AF_INET6, Linux.SOCK_DGRAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            Sockets.setInt(fd, Linux.SOL_IPV6, LinuxUdpBind.IPV6_V6ONLY, 0);
            Sockets.setInt(fd, Linux.SOL_IP, IP_RECVTTL, 1);
            Sockets.setInt(fd, Linux.SOL_IPV6, IPV6_RECVHOPLIMIT, 1);
            MemorySegment sa = a.allocate(SOCKADDR_IN6);
            sa.set(ValueLayout.JAVA_SHORT, Layouts.SIN6_FAMILY, (short) Linux.AF_INET6);
            Sockets.bind(fd, sa, (int) SOCKADDR_IN6.byteSize(), "bind the TTL receiver");
            Sockets.getsockname(fd, sa);
            return new TtlReceiver(fd, Short.toUnsignedInt(sa.get(SHORT_BE, Layouts.SIN6_PORT)));
        } catch (ErrnoException | RuntimeException e) {
            Fds.close(fd);
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** Sends {@code data} from this receiver's port to {@code to} (so a peer hears from this address). */
    public synchronized void sendTo(byte[] data, Endpoint to) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(SOCKADDR_IN6);
            sa.set(ValueLayout.JAVA_SHORT, Layouts.SIN6_FAMILY, (short) Linux.AF_INET6);
            sa.set(SHORT_BE, Layouts.SIN6_PORT, (short) to.port());
            sa.set(LONG_BE, Layouts.SIN6_ADDR, to.high());
            sa.set(LONG_BE, Layouts.SIN6_ADDR + 8, to.low());
            long n = Sockets.trySendto(
                    fd, a.allocateFrom(ValueLayout.JAVA_BYTE, data), data.length, 0, sa, (int) SOCKADDR_IN6.byteSize());
            if (n < 0) throw new ErrnoException("sendto", (int) -n);
        }
    }

    /** The next datagram, waiting at most {@code millis}; null if none came. */
    public synchronized Received receive(long millis) throws IOException, InterruptedException {
        iov.set(ValueLayout.JAVA_LONG, 0, buf.address());
        iov.set(ValueLayout.JAVA_LONG, 8, buf.byteSize());
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            msg.fill((byte) 0);
            msg.set(ValueLayout.JAVA_LONG, Layouts.MSG_IOV, iov.address());
            msg.set(ValueLayout.JAVA_LONG, Layouts.MSG_IOVLEN, 1L);
            msg.set(ValueLayout.JAVA_LONG, Layouts.MSG_CONTROL, control.address());
            msg.set(ValueLayout.JAVA_LONG, Layouts.MSG_CONTROLLEN, control.byteSize());
            long n = Sockets.tryRecvmsg(fd, msg, 0);
            if (n >= 0) {
                int v4 = cmsg(Linux.SOL_IP, IP_TTL), v6 = cmsg(Linux.SOL_IPV6, IPV6_HOPLIMIT);
                return new Received(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), v4 >= 0 ? v4 : v6, v4 >= 0);
            }
            if (n != -Errno.EAGAIN && n != -Errno.EINTR) throw new ErrnoException("recvmsg", (int) -n);
            if (System.nanoTime() > deadline) return null;
            Thread.sleep(5);
        }
    }

    /** The int of the control message {@code level}/{@code type} of the last datagram, or -1. */
    private int cmsg(int level, int type) {
        long len = msg.get(ValueLayout.JAVA_LONG, Layouts.MSG_CONTROLLEN);
        long off = 0;
        while (off + Layouts.CMSG_DATA + 4 <= len) {
            long cl = control.get(ValueLayout.JAVA_LONG, off + Layouts.CMSG_LEN);
            if (control.get(ValueLayout.JAVA_INT, off + Layouts.CMSG_LEVEL) == level
                    && control.get(ValueLayout.JAVA_INT, off + Layouts.CMSG_TYPE) == type)
                return control.get(ValueLayout.JAVA_INT, off + Layouts.CMSG_DATA);
            if (cl < Layouts.CMSG_DATA) break;
            off += (cl + 7) & ~7L;
        }
        return -1;
    }

    @Override
    public synchronized void close() {
        Fds.close(fd);
        arena.close();
    }
}
