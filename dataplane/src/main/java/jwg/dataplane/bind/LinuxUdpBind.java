package jwg.dataplane.bind;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A {@link Bind} on one dual-stack UDP socket through the FFM API, moving batches with
 * recvmmsg(2)/sendmmsg(2): one system call per batch instead of per datagram. The socket is
 * non-blocking; an empty receive waits in poll(2) on the socket and an eventfd that
 * {@link #close()} signals (a blocking recvmmsg would ignore its timeout, see DESIGN.md).
 * Linux x86_64. Steady state allocates nothing: native scratch (mmsghdr arrays, iovecs,
 * sockaddrs) is per thread, built once.
 */
public final class LinuxUdpBind implements Bind {
    // <sys/socket.h>, <netinet/in.h>, <poll.h>, <sys/eventfd.h>
    static final int AF_INET6 = 10, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_RCVBUF = 8, SO_SNDBUF = 7, SO_RCVBUFFORCE = 33, SO_SNDBUFFORCE = 32, SO_MARK = 36;
    static final int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    static final int MSG_DONTWAIT = 0x40;
    static final short POLLIN = 0x1;
    static final int EAGAIN = 11, EINTR = 4, EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    /** struct sockaddr_in6 (28 bytes): family, port (big-endian), flowinfo, address, scope id. */
    static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin6_family"), ValueLayout.JAVA_SHORT.withName("sin6_port"),
            ValueLayout.JAVA_INT.withName("sin6_flowinfo"), MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("sin6_addr"),
            ValueLayout.JAVA_INT.withName("sin6_scope_id"));
    /** struct iovec { void *iov_base; size_t iov_len; }. */
    static final StructLayout IOVEC = MemoryLayout.structLayout(ValueLayout.JAVA_LONG.withName("iov_base"), ValueLayout.JAVA_LONG.withName("iov_len"));
    /** struct msghdr (56 bytes on x86_64). */
    static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("msg_name"), ValueLayout.JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_LONG.withName("msg_iov"), ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.JAVA_LONG.withName("msg_control"), ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    /** struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; } (64 bytes). */
    static final StructLayout MMSGHDR = MemoryLayout.structLayout(MSGHDR.withName("msg_hdr"), ValueLayout.JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));

    static final long MSG_NAME = MMSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_hdr"), MemoryLayout.PathElement.groupElement("msg_name"));
    static final long MSG_NAMELEN = MMSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_hdr"), MemoryLayout.PathElement.groupElement("msg_namelen"));
    static final long MSG_IOV = MMSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_hdr"), MemoryLayout.PathElement.groupElement("msg_iov"));
    static final long MSG_IOVLEN = MMSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_hdr"), MemoryLayout.PathElement.groupElement("msg_iovlen"));
    static final long MSG_LEN = MMSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_len"));
    static final long SIN6_PORT = SOCKADDR_IN6.byteOffset(MemoryLayout.PathElement.groupElement("sin6_port"));
    static final long SIN6_ADDR = SOCKADDR_IN6.byteOffset(MemoryLayout.PathElement.groupElement("sin6_addr"));
    static final long SIN6_SCOPE = SOCKADDR_IN6.byteOffset(MemoryLayout.PathElement.groupElement("sin6_scope_id"));
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option E = Linker.Option.captureCallState("errno");
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final ValueLayout A = ValueLayout.ADDRESS;
    private static final MethodHandle SOCKET = fn("socket", FunctionDescriptor.of(I, I, I, I), E);
    private static final MethodHandle SETSOCKOPT = fn("setsockopt", FunctionDescriptor.of(I, I, I, I, A, I), E);
    private static final MethodHandle BIND = fn("bind", FunctionDescriptor.of(I, I, A, I), E);
    private static final MethodHandle GETSOCKNAME = fn("getsockname", FunctionDescriptor.of(I, I, A, A), E);
    private static final MethodHandle RECVMMSG = fn("recvmmsg", FunctionDescriptor.of(I, I, A, I, I, A), E);
    private static final MethodHandle SENDMMSG = fn("sendmmsg", FunctionDescriptor.of(I, I, A, I, I), E);
    private static final MethodHandle POLL = fn("poll", FunctionDescriptor.of(I, A, L, I), E);
    private static final MethodHandle EVENTFD = fn("eventfd", FunctionDescriptor.of(I, I, I), E);
    private static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(L, I, A, L), E);
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(I, I));
    private static final MethodHandle STRERROR = fn("strerror", FunctionDescriptor.of(A, I));

    private static MethodHandle fn(String name, FunctionDescriptor d, Linker.Option... o) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), d, o);
    }

    /** Native scratch of one thread: mmsghdrs, iovecs and sockaddrs for a whole batch. */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment msgs = arena.allocate(MMSGHDR, BATCH);
        final MemorySegment iovs = arena.allocate(IOVEC, BATCH);
        final MemorySegment names = arena.allocate(SOCKADDR_IN6, BATCH);
        final MemorySegment errno = arena.allocate(CAPTURE);
        final MemorySegment pollFds = arena.allocate(16);

        Scratch() {
            for (int i = 0; i < BATCH; i++) {
                long m = i * MMSGHDR.byteSize();
                msgs.set(L, m + MSG_NAME, names.address() + i * SOCKADDR_IN6.byteSize());
                msgs.set(L, m + MSG_IOV, iovs.address() + i * IOVEC.byteSize());
                msgs.set(L, m + MSG_IOVLEN, 1L);
            }
        }
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private volatile int fd = -1;
    private int wakeFd = -1;
    private int port;
    private volatile boolean closed;

    @Override
    public synchronized int open(int listenPort) throws IOException {
        if (fd >= 0) throw new IllegalStateException("already open");
        Scratch s = scratch.get();
        try (Arena a = Arena.ofConfined()) {
            int sock = (int) SOCKET.invokeExact(s.errno, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (sock < 0) throw new IOException("socket: " + strerror(errno(s.errno)));
            try {
                MemorySegment v = a.allocateFrom(I, 0);
                check((int) SETSOCKOPT.invokeExact(s.errno, sock, IPPROTO_IPV6, IPV6_V6ONLY, v, 4), s, "IPV6_V6ONLY");
                v.set(I, 0, 7 << 20); // 7 MiB, as wireguard-go; the FORCE variants pass rmem_max as root
                if ((int) SETSOCKOPT.invokeExact(s.errno, sock, SOL_SOCKET, SO_RCVBUFFORCE, v, 4) < 0) {
                    int ignored = (int) SETSOCKOPT.invokeExact(s.errno, sock, SOL_SOCKET, SO_RCVBUF, v, 4);
                }
                if ((int) SETSOCKOPT.invokeExact(s.errno, sock, SOL_SOCKET, SO_SNDBUFFORCE, v, 4) < 0) {
                    int ignored = (int) SETSOCKOPT.invokeExact(s.errno, sock, SOL_SOCKET, SO_SNDBUF, v, 4);
                }
                MemorySegment sa = a.allocate(SOCKADDR_IN6);
                sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
                sa.set(SHORT_BE, SIN6_PORT, (short) listenPort);
                if ((int) BIND.invokeExact(s.errno, sock, sa, (int) SOCKADDR_IN6.byteSize()) < 0) {
                    throw new IOException("bind UDP port " + listenPort + ": " + strerror(errno(s.errno)));
                }
                MemorySegment len = a.allocateFrom(I, (int) SOCKADDR_IN6.byteSize());
                check((int) GETSOCKNAME.invokeExact(s.errno, sock, sa, len), s, "getsockname");
                int wake = (int) EVENTFD.invokeExact(s.errno, 0, EFD_CLOEXEC | EFD_NONBLOCK);
                if (wake < 0) throw new IOException("eventfd: " + strerror(errno(s.errno)));
                port = Short.toUnsignedInt(sa.get(SHORT_BE, SIN6_PORT));
                wakeFd = wake;
                fd = sock;
                return port;
            } catch (IOException | RuntimeException e) {
                int ignored = (int) CLOSE.invokeExact(sock);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(int r, Scratch s, String what) throws IOException {
        if (r < 0) throw new IOException(what + ": " + strerror(errno(s.errno)));
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public int receive(Datagrams batch) throws IOException {
        Scratch s = scratch.get();
        int n = Math.min(batch.capacity(), BATCH);
        for (int i = 0; i < n; i++) {
            MemorySegment b = batch.buffer(i);
            long iov = i * IOVEC.byteSize();
            s.iovs.set(L, iov, b.address());
            s.iovs.set(L, iov + 8, b.byteSize());
            s.msgs.set(I, i * MMSGHDR.byteSize() + MSG_NAMELEN, (int) SOCKADDR_IN6.byteSize());
        }
        try {
            while (!closed) {
                int sock = fd;
                if (sock < 0) return -1;
                int got = (int) RECVMMSG.invokeExact(s.errno, sock, s.msgs, n, MSG_DONTWAIT, MemorySegment.NULL);
                if (got > 0) {
                    for (int i = 0; i < got; i++) {
                        batch.offset(i, 0);
                        batch.length(i, s.msgs.get(I, i * MMSGHDR.byteSize() + MSG_LEN));
                        readEndpoint(s.names, i * SOCKADDR_IN6.byteSize(), batch.endpoint(i));
                    }
                    batch.count(got);
                    return got;
                }
                int e = errno(s.errno);
                if (got < 0 && e != EAGAIN && e != EINTR) {
                    if (closed) return -1;
                    throw new IOException("recvmmsg: " + strerror(e));
                }
                // nothing queued: wait for the socket or for close()
                s.pollFds.set(I, 0, sock);
                s.pollFds.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
                s.pollFds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                s.pollFds.set(I, 8, wakeFd);
                s.pollFds.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
                s.pollFds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
                int r = (int) POLL.invokeExact(s.errno, s.pollFds, 2L, -1);
                if (r > 0 && s.pollFds.get(ValueLayout.JAVA_SHORT, 14) != 0) return -1;
            }
            return -1;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void readEndpoint(MemorySegment names, long off, Endpoint e) {
        int port = Short.toUnsignedInt(names.get(SHORT_BE, off + SIN6_PORT));
        long hi = names.get(LONG_BE, off + SIN6_ADDR);
        long lo = names.get(LONG_BE, off + SIN6_ADDR + 8);
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) e.setIpv4((int) lo, port);
        else e.setIpv6(hi, lo, port, names.get(I, off + SIN6_SCOPE));
    }

    private static void writeEndpoint(MemorySegment names, long off, Endpoint e) {
        names.set(ValueLayout.JAVA_SHORT, off, (short) AF_INET6);
        names.set(SHORT_BE, off + SIN6_PORT, (short) e.port());
        names.set(I, off + 4, 0);
        names.set(LONG_BE, off + SIN6_ADDR, e.high());
        names.set(LONG_BE, off + SIN6_ADDR + 8, e.low());
        names.set(I, off + SIN6_SCOPE, e.scopeId());
    }

    @Override
    public void send(Datagrams batch) throws IOException {
        Scratch s = scratch.get();
        int total = batch.count();
        for (int start = 0; start < total; start += BATCH) {
            int n = Math.min(BATCH, total - start);
            for (int i = 0; i < n; i++) {
                int j = start + i;
                long iov = i * IOVEC.byteSize();
                s.iovs.set(L, iov, batch.buffer(j).address() + batch.offset(j));
                s.iovs.set(L, iov + 8, batch.length(j));
                writeEndpoint(s.names, i * SOCKADDR_IN6.byteSize(), batch.endpoint(j));
                s.msgs.set(I, i * MMSGHDR.byteSize() + MSG_NAMELEN, (int) SOCKADDR_IN6.byteSize());
            }
            sendPrepared(s, n);
        }
    }

    @Override
    public void send(MemorySegment buffer, long offset, int length, Endpoint to) throws IOException {
        Scratch s = scratch.get();
        s.iovs.set(L, 0, buffer.address() + offset);
        s.iovs.set(L, 8, length);
        writeEndpoint(s.names, 0, to);
        s.msgs.set(I, MSG_NAMELEN, (int) SOCKADDR_IN6.byteSize());
        sendPrepared(s, 1);
    }

    /** sendmmsg of the first n prepared messages; a full socket buffer drops the rest (UDP). */
    private void sendPrepared(Scratch s, int n) throws IOException {
        int sock = fd;
        if (sock < 0) throw new IOException("bind is closed");
        try {
            int done = 0;
            while (done < n) {
                MemorySegment from = done == 0 ? s.msgs : s.msgs.asSlice(done * MMSGHDR.byteSize());
                int r = (int) SENDMMSG.invokeExact(s.errno, sock, from, n - done, 0);
                if (r < 0) {
                    int e = errno(s.errno);
                    if (e == EINTR) continue;
                    if (e == EAGAIN) return; // socket buffer full: drop, as the network would
                    if (done + 1 < n) { // skip the failing message (e.g. unreachable), keep the rest
                        done++;
                        continue;
                    }
                    throw new IOException("sendmmsg: " + strerror(e));
                }
                done += r;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void setMark(int mark) throws IOException {
        Scratch s = scratch.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocateFrom(I, mark);
            check((int) SETSOCKOPT.invokeExact(s.errno, fd, SOL_SOCKET, SO_MARK, v, 4), s, "SO_MARK");
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        int sock = fd;
        fd = -1;
        if (sock < 0) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocateFrom(L, 1L);
            long w = (long) WRITE.invokeExact(scratch.get().errno, wakeFd, one, 8L);
            Thread.sleep(10); // let a receiver blocked in poll see the wake-up before the fds go
            int r1 = (int) CLOSE.invokeExact(sock);
            int r2 = (int) CLOSE.invokeExact(wakeFd);
        } catch (Throwable ignored) {
            // closing anyway
        }
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
