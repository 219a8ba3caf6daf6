package jwg.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A netlink socket (netlink(7)): AF_NETLINK datagrams to and from the kernel. Bound at
 * creation to the network namespace of the creating thread. Extended ACKs are switched on,
 * so kernel error replies carry a human message.
 */
public final class NetlinkSocket implements AutoCloseable {
    private final int fd;
    private final int protocol;
    private final MemorySegment kernel = Arena.ofAuto().allocate(Layouts.SOCKADDR_NL);
    private volatile boolean closed;

    private NetlinkSocket(int fd, int protocol) {
        this.fd = fd;
        this.protocol = protocol;
        kernel.set(JAVA_SHORT, Layouts.NL_FAMILY, (short) Linux.AF_NETLINK);
    }

    /** socket(AF_NETLINK, SOCK_RAW, protocol) bound to {@code groups} (e.g. {@link Linux#RTMGRP_LINK}, or 0). */
    public static NetlinkSocket open(int protocol, int groups) throws ErrnoException {
        int fd = Sockets.socket(Linux.AF_NETLINK, Linux.SOCK_RAW | Linux.SOCK_CLOEXEC, protocol);
        try {
            NetlinkSocket s = new NetlinkSocket(fd, protocol);
            s.configure(groups);
            return s;
        } catch (ErrnoException e) {
            Fds.close(fd);
            throw e;
        }
    }

    /** Wraps a netlink socket received from elsewhere (e.g. over SCM_RIGHTS); it is already bound. */
    public static NetlinkSocket adopt(int fd, int protocol) throws ErrnoException {
        NetlinkSocket s = new NetlinkSocket(fd, protocol);
        try {
            Sockets.setInt(fd, Linux.SOL_NETLINK, Linux.NETLINK_CAP_ACK, 1);
            Sockets.setInt(fd, Linux.SOL_NETLINK, Linux.NETLINK_EXT_ACK, 1);
        } catch (ErrnoException ignored) {
            // older kernels: plain ACKs still work
        }
        return s;
    }

    private void configure(int groups) throws ErrnoException {
        try {
            Sockets.setInt(fd, Linux.SOL_NETLINK, Linux.NETLINK_CAP_ACK, 1);
            Sockets.setInt(fd, Linux.SOL_NETLINK, Linux.NETLINK_EXT_ACK, 1);
        } catch (ErrnoException ignored) {
            // older kernels: plain ACKs still work
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment local = a.allocate(Layouts.SOCKADDR_NL);
            local.set(JAVA_SHORT, Layouts.NL_FAMILY, (short) Linux.AF_NETLINK);
            local.set(JAVA_INT, Layouts.NL_GROUPS, groups);
            Sockets.bind(fd, local, (int) Layouts.SOCKADDR_NL.byteSize(), "netlink socket");
        }
    }

    public int fd() {
        return fd;
    }

    public int protocol() {
        return protocol;
    }

    /** The port id the kernel gave this socket (getsockname). */
    public int portId() throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(Layouts.SOCKADDR_NL);
            Sockets.getsockname(fd, addr);
            return addr.get(JAVA_INT, Layouts.NL_PID);
        }
    }

    /** Sends {@code len} bytes of {@code msg} (one or more netlink messages) to the kernel. */
    public void send(MemorySegment msg, long len, String what) throws ErrnoException {
        long n;
        while ((n = Sockets.trySendto(fd, msg, len, 0, kernel, (int) Layouts.SOCKADDR_NL.byteSize()))
                == -Errno.EINTR) {}
        if (n < 0) throw new ErrnoException(what, (int) -n);
    }

    /** Receives one datagram into {@code buf}: its length, or -errno (-EAGAIN with MSG_DONTWAIT). */
    public long tryReceive(MemorySegment buf, int flags) {
        long n;
        while ((n = Sockets.tryRecvfrom(fd, buf, buf.byteSize(), flags, MemorySegment.NULL, MemorySegment.NULL))
                == -Errno.EINTR) {}
        return n;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        Fds.close(fd);
    }
}
