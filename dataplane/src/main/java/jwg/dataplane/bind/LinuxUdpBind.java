package jwg.dataplane.bind;

import static jwg.sys.Layouts.IOVEC;
import static jwg.sys.Layouts.MMSGHDR;
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
 * A {@link Bind} on one dual-stack UDP socket, moving batches with recvmmsg(2)/sendmmsg(2)
 * (through {@code jwg.sys}): one system call per batch instead of per datagram. The socket is
 * non-blocking; an empty receive waits in poll(2) on the socket and an eventfd that
 * {@link #close()} signals: a blocking recvmmsg would wait for a first datagram however long
 * that takes, since the kernel checks its timeout only after one (docs/design-notes.md).
 * Steady state allocates nothing: native scratch (mmsghdr arrays, iovecs, sockaddrs) is per
 * thread, built once.
 */
public final class LinuxUdpBind implements Bind {
    // not (yet) in jwg.sys.Linux: <netinet/in.h> IPV6_V6ONLY, <asm/socket.h> SO_*BUFFORCE, SO_MARK
    static final int IPV6_V6ONLY = 26, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_MARK = 36;
    /**
     * Non-blocking reads tried before sleeping in poll (-Djwg.spinReads; default 50, about 20 µs):
     * under load the next packet usually arrives within microseconds, and waking from poll costs
     * more. Measured side by side in docs/benchmarks.md.
     */
    static final int SPIN_READS = Integer.getInteger("jwg.spinReads", 50);

    static final long MSG_NAME = Layouts.MMSG_HDR + Layouts.MSG_NAME;
    static final long MSG_NAMELEN = Layouts.MMSG_HDR + Layouts.MSG_NAMELEN;
    static final long MSG_IOV = Layouts.MMSG_HDR + Layouts.MSG_IOV;
    static final long MSG_IOVLEN = Layouts.MMSG_HDR + Layouts.MSG_IOVLEN;
    static final long MSG_LEN = Layouts.MMSG_LEN;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;

    /** Native scratch of one thread: mmsghdrs, iovecs and sockaddrs for a whole batch. */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment msgs = arena.allocate(MMSGHDR, BATCH);
        final MemorySegment iovs = arena.allocate(IOVEC, BATCH);
        final MemorySegment names = arena.allocate(SOCKADDR_IN6, BATCH);
        final MemorySegment pollFds = arena.allocate(Layouts.POLLFD, 2);

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
        int sock = Sockets.socket(Linux.AF_INET6, Linux.SOCK_DGRAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            Sockets.setInt(sock, Linux.SOL_IPV6, IPV6_V6ONLY, 0);
            bufferSize(sock, SO_RCVBUFFORCE, Linux.SO_RCVBUF);
            bufferSize(sock, SO_SNDBUFFORCE, Linux.SO_SNDBUF);
            MemorySegment sa = a.allocate(SOCKADDR_IN6);
            sa.set(ValueLayout.JAVA_SHORT, Layouts.SIN6_FAMILY, (short) Linux.AF_INET6);
            sa.set(SHORT_BE, Layouts.SIN6_PORT, (short) listenPort);
            Sockets.bind(sock, sa, (int) SOCKADDR_IN6.byteSize(), "bind UDP port " + listenPort);
            Sockets.getsockname(sock, sa);
            wakeFd = Fds.eventfd(0, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK);
            port = Short.toUnsignedInt(sa.get(SHORT_BE, Layouts.SIN6_PORT));
            fd = sock;
            return port;
        } catch (ErrnoException | RuntimeException e) {
            Fds.close(sock);
            throw e;
        }
    }

    /** 7 MiB socket buffers; the FORCE option passes rmem_max/wmem_max when we may (root). */
    private static void bufferSize(int sock, int force, int plain) throws ErrnoException {
        try {
            Sockets.setInt(sock, Linux.SOL_SOCKET, force, SOCKET_BUFFER);
        } catch (ErrnoException e) {
            Sockets.setInt(sock, Linux.SOL_SOCKET, plain, SOCKET_BUFFER);
        }
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
        boolean polled = false;
        int spins = SPIN_READS;
        while (!closed) {
            int sock = fd;
            if (sock < 0) return -1;
            // no errno capture (no allocation) unless poll said ready and it still fails
            int got = polled ? Sockets.tryRecvmmsg(sock, s.msgs, n, Linux.MSG_DONTWAIT, MemorySegment.NULL)
                    : Sockets.recvmmsgOrFail(sock, s.msgs, n, Linux.MSG_DONTWAIT, MemorySegment.NULL);
            if (got > 0) {
                for (int i = 0; i < got; i++) {
                    batch.offset(i, 0);
                    batch.length(i, s.msgs.get(I, i * MMSGHDR.byteSize() + MSG_LEN));
                    readEndpoint(s.names, i * SOCKADDR_IN6.byteSize(), batch.endpoint(i));
                }
                batch.count(got);
                return got;
            }
            if (polled && got < 0 && got != -Errno.EAGAIN && got != -Errno.EINTR) {
                if (closed) return -1;
                throw new ErrnoException("recvmmsg on UDP port " + port, -got);
            }
            if (spins-- > 0) { // a datagram often follows within microseconds: cheaper than sleeping in poll
                Thread.onSpinWait();
                continue;
            }
            // nothing queued: wait for the socket or for close()
            long pfd = Layouts.POLLFD.byteSize();
            s.pollFds.set(I, Layouts.POLLFD_FD, sock);
            s.pollFds.set(ValueLayout.JAVA_SHORT, Layouts.POLLFD_EVENTS, Linux.POLLIN);
            s.pollFds.set(ValueLayout.JAVA_SHORT, Layouts.POLLFD_REVENTS, (short) 0);
            s.pollFds.set(I, pfd + Layouts.POLLFD_FD, wakeFd);
            s.pollFds.set(ValueLayout.JAVA_SHORT, pfd + Layouts.POLLFD_EVENTS, Linux.POLLIN);
            s.pollFds.set(ValueLayout.JAVA_SHORT, pfd + Layouts.POLLFD_REVENTS, (short) 0);
            int r = Fds.tryPoll(s.pollFds, 2, -1);
            if (r > 0 && s.pollFds.get(ValueLayout.JAVA_SHORT, pfd + Layouts.POLLFD_REVENTS) != 0) return -1;
            polled = r > 0;
        }
        return -1;
    }

    private static void readEndpoint(MemorySegment names, long off, Endpoint e) {
        int port = Short.toUnsignedInt(names.get(SHORT_BE, off + Layouts.SIN6_PORT));
        long hi = names.get(LONG_BE, off + Layouts.SIN6_ADDR);
        long lo = names.get(LONG_BE, off + Layouts.SIN6_ADDR + 8);
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) e.setIpv4((int) lo, port);
        else e.setIpv6(hi, lo, port, names.get(I, off + Layouts.SIN6_SCOPE_ID));
    }

    private static void writeEndpoint(MemorySegment names, long off, Endpoint e) {
        names.set(ValueLayout.JAVA_SHORT, off + Layouts.SIN6_FAMILY, (short) Linux.AF_INET6);
        names.set(SHORT_BE, off + Layouts.SIN6_PORT, (short) e.port());
        names.set(I, off + 4, 0);
        names.set(LONG_BE, off + Layouts.SIN6_ADDR, e.high());
        names.set(LONG_BE, off + Layouts.SIN6_ADDR + 8, e.low());
        names.set(I, off + Layouts.SIN6_SCOPE_ID, e.scopeId());
    }

    @Override
    public int send(Datagrams batch) throws IOException {
        Scratch s = scratch.get();
        int total = batch.count();
        int sent = 0;
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
            sent += sendPrepared(s, n, batch, start);
        }
        return sent;
    }

    @Override
    public void send(MemorySegment buffer, long offset, int length, Endpoint to) throws IOException {
        Scratch s = scratch.get();
        s.iovs.set(L, 0, buffer.address() + offset);
        s.iovs.set(L, 8, length);
        writeEndpoint(s.names, 0, to);
        s.msgs.set(I, MSG_NAMELEN, (int) SOCKADDR_IN6.byteSize());
        if (sendPrepared(s, 1, null, 0) == 0) throw new IOException("UDP send buffer full: datagram dropped");
    }

    /**
     * sendmmsg of the first n prepared messages (slots {@code start..start+n} of {@code batch}, if
     * given). What the kernel does not take — the rest after a full socket buffer, or one message
     * it refuses — is marked {@link Datagrams#NOT_SENT}. Returns how many were sent.
     */
    private int sendPrepared(Scratch s, int n, Datagrams batch, int start) throws IOException {
        int sock = fd;
        if (sock < 0) throw new IOException("bind is closed");
        int done = 0, sent = 0;
        while (done < n) {
            MemorySegment from = done == 0 ? s.msgs : s.msgs.asSlice(done * MMSGHDR.byteSize());
            int r = Sockets.trySendmmsg(sock, from, n - done, 0);
            if (r >= 0) {
                done += r;
                sent += r;
                continue;
            }
            if (r == -Errno.EINTR) continue;
            if (r == -Errno.EAGAIN) { // socket buffer full: the rest is dropped, as the network would
                if (batch != null) for (int i = done; i < n; i++) batch.length(start + i, Datagrams.NOT_SENT);
                return sent;
            }
            if (n == 1) throw new ErrnoException("sendmmsg from UDP port " + port, -r);
            if (batch != null) batch.length(start + done, Datagrams.NOT_SENT); // skip the refused one, keep the rest
            done++;
        }
        return sent;
    }

    @Override
    public void setMark(int mark) throws IOException {
        Sockets.setInt(fd, Linux.SOL_SOCKET, SO_MARK, mark);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        int sock = fd;
        fd = -1;
        if (sock < 0) return;
        try (Arena a = Arena.ofConfined()) {
            Fds.tryWrite(wakeFd, a.allocateFrom(L, 1L), 8); // wakes a receiver blocked in poll
            Thread.sleep(10); // let it see the wake-up before the descriptors go
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Fds.close(sock);
        Fds.close(wakeFd);
    }
}
