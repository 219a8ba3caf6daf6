package jwg.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Socket system calls. As in {@link Fds}: {@code try*} methods return the result or
 * {@code -errno} and allocate nothing; the others throw {@link ErrnoException}.
 * Socket addresses are built with {@link SockAddrs}.
 */
public final class Sockets {
    private Sockets() {}

    /** socket(2). */
    public static int socket(int domain, int type, int protocol) throws ErrnoException {
        try {
            MemorySegment st = Libc.state();
            int fd = (int) Libc.SOCKET.invokeExact(st, domain, type, protocol);
            if (fd < 0)
                throw new ErrnoException("socket(" + domain + ", " + type + ", " + protocol + ")", Libc.errno(st));
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** socketpair(2): the two connected ends. */
    public static int[] socketpair(int domain, int type, int protocol) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sv = a.allocate(JAVA_INT, 2);
            MemorySegment st = Libc.state();
            int r = (int) Libc.SOCKETPAIR.invokeExact(st, domain, type, protocol, sv);
            if (r < 0) throw new ErrnoException("socketpair", Libc.errno(st));
            return new int[] {sv.getAtIndex(JAVA_INT, 0), sv.getAtIndex(JAVA_INT, 1)};
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** bind(2); {@code what} names the address in the error. */
    public static void bind(int fd, MemorySegment addr, int addrLen, String what) throws ErrnoException {
        try {
            MemorySegment st = Libc.state();
            if ((int) Libc.BIND.invokeExact(st, fd, addr, addrLen) < 0)
                throw new ErrnoException("bind " + what, Libc.errno(st));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** connect(2). */
    public static void connect(int fd, MemorySegment addr, int addrLen, String what) throws ErrnoException {
        try {
            MemorySegment st = Libc.state();
            int r;
            while ((r = (int) Libc.CONNECT.invokeExact(st, fd, addr, addrLen)) < 0 && Libc.errno(st) == Errno.EINTR) {}
            if (r < 0) throw new ErrnoException("connect to " + what, Libc.errno(st));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** listen(2). */
    public static void listen(int fd, int backlog) throws ErrnoException {
        try {
            MemorySegment st = Libc.state();
            if ((int) Libc.LISTEN.invokeExact(st, fd, backlog) < 0) throw new ErrnoException("listen", Libc.errno(st));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** accept4(2) without the peer address: the connected fd, or -errno. */
    public static int tryAccept(int fd, int flags) {
        try {
            MemorySegment st = Libc.state();
            int r = (int) Libc.ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
            return r < 0 ? -Libc.errno(st) : r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** setsockopt(2) with an int value. */
    public static void setInt(int fd, int level, int option, int value) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocateFrom(JAVA_INT, value);
            setsockopt(fd, level, option, v, 4);
        }
    }

    /** setsockopt(2). */
    public static void setsockopt(int fd, int level, int option, MemorySegment value, int len) throws ErrnoException {
        try {
            MemorySegment st = Libc.state();
            if ((int) Libc.SETSOCKOPT.invokeExact(st, fd, level, option, value, len) < 0) {
                throw new ErrnoException("setsockopt(" + level + ", " + option + ")", Libc.errno(st));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** getsockopt(2) of an int value. */
    public static int getInt(int fd, int level, int option) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            MemorySegment len = a.allocateFrom(JAVA_INT, 4);
            MemorySegment st = Libc.state();
            if ((int) Libc.GETSOCKOPT.invokeExact(st, fd, level, option, v, len) < 0) {
                throw new ErrnoException("getsockopt(" + level + ", " + option + ")", Libc.errno(st));
            }
            return v.get(JAVA_INT, 0);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** getsockname(2) into {@code addr}; returns the address length. */
    public static int getsockname(int fd, MemorySegment addr) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocateFrom(JAVA_INT, (int) addr.byteSize());
            MemorySegment st = Libc.state();
            if ((int) Libc.GETSOCKNAME.invokeExact(st, fd, addr, len) < 0)
                throw new ErrnoException("getsockname", Libc.errno(st));
            return len.get(JAVA_INT, 0);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** sendto(2): bytes sent, or -errno. {@code addr} may be NULL on a connected socket. */
    public static long trySendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try {
            MemorySegment st = Libc.state();
            long n = (long) Libc.SENDTO.invokeExact(st, fd, buf, len, flags, addr, addrLen);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * recvfrom(2): bytes received, or -errno. {@code addr} receives the sender (or NULL);
     * {@code addrLen} is an int segment holding its capacity, updated by the kernel (or NULL).
     */
    public static long tryRecvfrom(
            int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen) {
        try {
            MemorySegment st = Libc.state();
            long n = (long) Libc.RECVFROM.invokeExact(st, fd, buf, len, flags, addr, addrLen);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** sendmsg(2) of a {@link Layouts#MSGHDR}: bytes sent, or -errno. */
    public static long trySendmsg(int fd, MemorySegment msghdr, int flags) {
        try {
            MemorySegment st = Libc.state();
            long n = (long) Libc.SENDMSG.invokeExact(st, fd, msghdr, flags);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** recvmsg(2) into a {@link Layouts#MSGHDR}: bytes received, or -errno. */
    public static long tryRecvmsg(int fd, MemorySegment msghdr, int flags) {
        try {
            MemorySegment st = Libc.state();
            long n = (long) Libc.RECVMSG.invokeExact(st, fd, msghdr, flags);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** sendmmsg(2) of {@code count} {@link Layouts#MMSGHDR}s: messages sent, or -errno. */
    public static int trySendmmsg(int fd, MemorySegment mmsghdrs, int count, int flags) {
        try {
            int fast = (int) Libc.SENDMMSG_FAST.invokeExact(fd, mmsghdrs, count, flags);
            if (fast >= 0) return fast; // -1 means the first message failed: nothing was sent; again, for errno
            MemorySegment st = Libc.state();
            int n = (int) Libc.SENDMMSG.invokeExact(st, fd, mmsghdrs, count, flags);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** recvmmsg(2) without errno: messages received, or -1 for any failure (usually EAGAIN). Never allocates. */
    public static int recvmmsgOrFail(int fd, MemorySegment mmsghdrs, int count, int flags, MemorySegment timeout) {
        try {
            return (int) Libc.RECVMMSG_FAST.invokeExact(fd, mmsghdrs, count, flags, timeout);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * recvmmsg(2) into up to {@code count} {@link Layouts#MMSGHDR}s: messages received, or -errno.
     * Beware: the kernel checks {@code timeout} only after a datagram arrives, so a blocking call
     * with a timeout still blocks forever on a silent socket; use MSG_DONTWAIT behind poll(2)
     * (or SO_RCVTIMEO) instead and pass {@link MemorySegment#NULL}.
     */
    public static int tryRecvmmsg(int fd, MemorySegment mmsghdrs, int count, int flags, MemorySegment timeout) {
        try {
            int fast = (int) Libc.RECVMMSG_FAST.invokeExact(fd, mmsghdrs, count, flags, timeout);
            if (fast >= 0) return fast; // -1: nothing was received; again, for errno
            MemorySegment st = Libc.state();
            int n = (int) Libc.RECVMMSG.invokeExact(st, fd, mmsghdrs, count, flags, timeout);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
