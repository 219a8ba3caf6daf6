package jwg.tun.netlink;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jwg.sys.Errno;
import jwg.sys.ErrnoException;
import jwg.sys.Fds;
import jwg.sys.Layouts;
import jwg.sys.Linux;
import jwg.sys.NetlinkSocket;

/**
 * Link notifications of one network namespace: a NETLINK_ROUTE socket subscribed to
 * RTMGRP_LINK, reporting RTM_NEWLINK (state or MTU changed) and RTM_DELLINK (deleted) for an
 * interface. {@link #next} blocks until an event or {@link #close()}. Open it in the namespace of
 * the interface (see {@link jwg.sys.NetNs#run}). A TUN reader also ends by itself when its
 * interface is deleted; this is for noticing it (and MTU changes) without reading.
 */
public final class LinkMonitor implements AutoCloseable {
    private final NetlinkSocket socket;
    private final int wakeFd;
    private final MemorySegment buf = Arena.ofAuto().allocate(64 * 1024, 8);
    private final MemorySegment pollFds = Arena.ofAuto().allocate(Layouts.POLLFD, 2);
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    /** What happened to a link. */
    public record Event(int index, boolean deleted, int mtu, boolean up) {}

    private LinkMonitor(NetlinkSocket socket, int wakeFd) {
        this.socket = socket;
        this.wakeFd = wakeFd;
        pollFds.set(JAVA_INT, Layouts.POLLFD_FD, socket.fd());
        pollFds.set(JAVA_SHORT, Layouts.POLLFD_EVENTS, Linux.POLLIN);
        pollFds.set(JAVA_INT, Layouts.POLLFD.byteSize() + Layouts.POLLFD_FD, wakeFd);
        pollFds.set(JAVA_SHORT, Layouts.POLLFD.byteSize() + Layouts.POLLFD_EVENTS, Linux.POLLIN);
    }

    /** Subscribes to link events in the calling thread's network namespace. */
    public static LinkMonitor open() throws ErrnoException {
        NetlinkSocket s = NetlinkSocket.open(Linux.NETLINK_ROUTE, Linux.RTMGRP_LINK);
        try {
            return new LinkMonitor(s, Fds.eventfd(0, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK));
        } catch (ErrnoException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Waits for the next event about interface {@code index}; null once closed. If notifications
     * were lost (ENOBUFS: the socket overflowed) an event with the current state cannot be
     * reconstructed here, so the caller gets {@code Event(index, false, 0, false)} and should
     * re-read the link.
     */
    public Event next(int index) throws ErrnoException {
        waiting.incrementAndGet();
        try {
            return await(index);
        } finally {
            waiting.decrementAndGet();
        }
    }

    private Event await(int index) throws ErrnoException {
        while (!closed) {
            long n = socket.tryReceive(buf, Linux.MSG_DONTWAIT);
            if (n == -Errno.EAGAIN) {
                int r = Fds.tryPoll(pollFds, 2, -1);
                if (r < 0 && r != -Errno.EINTR) throw new ErrnoException("poll link events", -r);
                if (pollFds.get(JAVA_SHORT, Layouts.POLLFD.byteSize() + Layouts.POLLFD_REVENTS) != 0) return null;
                continue;
            }
            if (n == -Errno.ENOBUFS) return new Event(index, false, 0, false);
            if (n < 0) {
                if (closed) return null;
                throw new ErrnoException("receive link events", (int) -n);
            }
            for (long at = 0; at + Layouts.NLMSGHDR.byteSize() <= n; ) {
                int len = buf.get(JAVA_INT, at + Layouts.NLMSG_LEN);
                if (len < Layouts.NLMSGHDR.byteSize() || at + len > n) break;
                short type = buf.get(JAVA_SHORT, at + Layouts.NLMSG_TYPE);
                if (type == Linux.RTM_NEWLINK || type == Linux.RTM_DELLINK) {
                    long p = at + Layouts.NLMSGHDR.byteSize();
                    if (buf.get(JAVA_INT, p + Layouts.IFI_INDEX) == index) {
                        int flags = buf.get(JAVA_INT, p + Layouts.IFI_FLAGS);
                        long mtuAt =
                                NlMessage.findAttr(buf, p + Layouts.IFINFOMSG.byteSize(), at + len, Linux.IFLA_MTU);
                        return new Event(
                                index,
                                type == Linux.RTM_DELLINK,
                                mtuAt < 0 || NlMessage.attrPayloadLength(buf, mtuAt) < 4 ? 0 : buf.get(JAVA_INT, mtuAt),
                                (flags & Linux.IFF_UP) != 0);
                    }
                }
                at += Layouts.align4(len);
            }
        }
        return null;
    }

    /** Wakes a thread blocked in {@link #next} (which returns null), waits for it to leave, closes the socket. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        try (Arena a = Arena.ofConfined()) {
            Fds.tryWrite(wakeFd, a.allocateFrom(JAVA_LONG, 1L), 8);
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (waiting.get() > 0 && System.nanoTime() < deadline) Thread.onSpinWait();
        socket.close();
        Fds.close(wakeFd);
    }
}
