package jwg.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Passing file descriptors over a Unix socket: sendmsg(2)/recvmsg(2) with an SCM_RIGHTS
 * control message (unix(7)). The receiver gets new descriptors (close-on-exec) for the
 * same open files.
 */
public final class FdPassing {
    private FdPassing() {}

    /** What {@link #receive} got: the bytes sent alongside and the descriptors. */
    public record Received(byte[] data, int[] fds) {}

    /** Sends {@code data} (at least one byte) with {@code fds} attached. */
    public static void send(int socket, byte[] data, int... fds) throws ErrnoException {
        if (data.length == 0) throw new IllegalArgumentException("SCM_RIGHTS needs at least one data byte");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocateFrom(JAVA_BYTE, data);
            MemorySegment iov = a.allocate(Layouts.IOVEC);
            iov.set(ADDRESS, Layouts.IOV_BASE, buf);
            iov.set(JAVA_LONG, Layouts.IOV_LEN, data.length);
            long payload = 4L * fds.length;
            MemorySegment control = fds.length == 0 ? MemorySegment.NULL : a.allocate(Layouts.cmsgSpace(payload), 8);
            if (fds.length > 0) {
                control.set(JAVA_LONG, Layouts.CMSG_LEN, Layouts.CMSG_DATA + payload);
                control.set(JAVA_INT, Layouts.CMSG_LEVEL, Linux.SOL_SOCKET);
                control.set(JAVA_INT, Layouts.CMSG_TYPE, Linux.SCM_RIGHTS);
                for (int i = 0; i < fds.length; i++) control.set(JAVA_INT, Layouts.CMSG_DATA + 4L * i, fds[i]);
            }
            MemorySegment msg = a.allocate(Layouts.MSGHDR);
            msg.set(ADDRESS, Layouts.MSG_IOV, iov);
            msg.set(JAVA_LONG, Layouts.MSG_IOVLEN, 1);
            msg.set(ADDRESS, Layouts.MSG_CONTROL, control);
            msg.set(JAVA_LONG, Layouts.MSG_CONTROLLEN, fds.length == 0 ? 0 : control.byteSize());
            long n;
            while ((n = Sockets.trySendmsg(socket, msg, 0)) == -Errno.EINTR) {}
            if (n < 0) throw new ErrnoException("send file descriptors (SCM_RIGHTS)", (int) -n);
        }
    }

    /**
     * Receives one message of up to {@code maxData} bytes and up to {@code maxFds} descriptors,
     * blocking. An empty {@code data} means the peer closed the connection.
     */
    public static Received receive(int socket, int maxData, int maxFds) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.max(1, maxData));
            MemorySegment iov = a.allocate(Layouts.IOVEC);
            iov.set(ADDRESS, Layouts.IOV_BASE, buf);
            iov.set(JAVA_LONG, Layouts.IOV_LEN, buf.byteSize());
            MemorySegment control = a.allocate(Layouts.cmsgSpace(4L * maxFds), 8);
            MemorySegment msg = a.allocate(Layouts.MSGHDR);
            msg.set(ADDRESS, Layouts.MSG_IOV, iov);
            msg.set(JAVA_LONG, Layouts.MSG_IOVLEN, 1);
            msg.set(ADDRESS, Layouts.MSG_CONTROL, control);
            msg.set(JAVA_LONG, Layouts.MSG_CONTROLLEN, control.byteSize());
            long n;
            while ((n = Sockets.tryRecvmsg(socket, msg, Linux.MSG_CMSG_CLOEXEC)) == -Errno.EINTR) {}
            if (n < 0) throw new ErrnoException("receive file descriptors (SCM_RIGHTS)", (int) -n);
            int[] fds = new int[0];
            long controlLen = msg.get(JAVA_LONG, Layouts.MSG_CONTROLLEN);
            if (controlLen >= Layouts.CMSG_DATA
                    && control.get(JAVA_INT, Layouts.CMSG_LEVEL) == Linux.SOL_SOCKET
                    && control.get(JAVA_INT, Layouts.CMSG_TYPE) == Linux.SCM_RIGHTS) {
                int count = (int) ((control.get(JAVA_LONG, Layouts.CMSG_LEN) - Layouts.CMSG_DATA) / 4);
                fds = new int[count];
                for (int i = 0; i < count; i++) fds[i] = control.get(JAVA_INT, Layouts.CMSG_DATA + 4L * i);
            }
            return new Received(buf.asSlice(0, n).toArray(JAVA_BYTE), fds);
        }
    }
}
