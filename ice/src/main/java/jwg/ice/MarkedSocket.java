package jwg.ice;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.LockSupport;
import jwg.sys.Errno;
import jwg.sys.ErrnoException;
import jwg.sys.Fds;
import jwg.sys.Layouts;
import jwg.sys.Linux;
import jwg.sys.SockAddrs;
import jwg.sys.Sockets;

/**
 * A UDP socket of its own that carries the device's fwmark, for ice4j: the TURN fallback's
 * allocation socket ({@link RelayHarvester}) and the doctor's STUN and TURN lookups. A JDK socket
 * cannot take SO_MARK, so this is a native socket that ice4j sees as a {@link DatagramSocket}.
 * With wg-quick's policy routing (a full tunnel: every unmarked packet goes into the tunnel) the
 * device's own socket is exempt by its mark; a TURN server reached from an unmarked socket would be
 * routed into the tunnel it is meant to carry — a loop. With mark 0 no mark is set (and no
 * CAP_NET_ADMIN needed), so the socket is an ordinary one.
 *
 * <p>Control traffic only (STUN, TURN, and the fallback's relayed datagrams): {@code receive}
 * waits in slices so that {@link #close} is noticed, without pinning a virtual thread's carrier
 * (see {@code awaitReadable}), and copies through a buffer of its own, as the JDK does.
 */
public final class MarkedSocket extends PlaceholderSocket {
    static final int SLICE_MILLIS = 100;
    static final int VIRTUAL_PARK_MAX_MILLIS = 8;
    private static final int MAX_DATAGRAM = 65536, RECEIVE_BUFFER = 1 << 20;

    private final int fd;
    private final int mark;
    private final Arena arena = Arena.ofShared();
    private final Buffers rx = new Buffers(arena), tx = new Buffers(arena);
    private final MemorySegment pollFd = arena.allocate(Layouts.POLLFD);

    /** One direction's datagram, address and address length; used under that direction's lock. */
    private record Buffers(MemorySegment data, MemorySegment address, MemorySegment addressLength) {
        Buffers(Arena arena) {
            this(arena.allocate(MAX_DATAGRAM), arena.allocate(SockAddrs.MAX_SIZE), arena.allocate(JAVA_INT));
        }
    }

    private MarkedSocket(int fd, int mark, InetSocketAddress local) throws SocketException {
        super(local);
        this.fd = fd;
        this.mark = mark;
    }

    /**
     * A socket bound to {@code address} (port 0: any) whose packets carry {@code mark}: with a
     * mark, one of these (setting it needs CAP_NET_ADMIN, as for the device's own socket); without
     * one, the JDK's own {@link DatagramSocket}, as before there were marks.
     */
    public static DatagramSocket open(InetSocketAddress address, int mark) throws SocketException {
        return mark == 0 ? new DatagramSocket(address) : openNative(address, mark);
    }

    /** Always the native socket (mark 0: none set); {@link #open} is the entry point. */
    static MarkedSocket openNative(InetSocketAddress address, int mark) throws SocketException {
        int fd;
        try {
            fd = udpSocket(address.getAddress(), mark);
        } catch (ErrnoException e) {
            throw socketException(e);
        }
        try (Arena a = Arena.ofConfined()) {
            Sockets.setInt(fd, Linux.SOL_SOCKET, Linux.SO_RCVBUF, RECEIVE_BUFFER);
            MemorySegment sa = a.allocate(SockAddrs.MAX_SIZE);
            int len = SockAddrs.write(sa, address);
            Sockets.bind(fd, sa, len, "bind to " + address);
            Sockets.getsockname(fd, sa);
            return new MarkedSocket(fd, mark, SockAddrs.read(sa));
        } catch (ErrnoException e) {
            Fds.close(fd);
            throw socketException(e);
        } catch (RuntimeException e) {
            Fds.close(fd);
            throw e;
        }
    }

    /**
     * The local address the kernel would use to reach {@code to} from a socket with {@code mark}
     * (policy routing may send marked packets another way than unmarked ones), or null if there is
     * no route or the mark cannot be set. A UDP connect: no packet is sent.
     */
    public static InetAddress routeSource(InetSocketAddress to, int mark) {
        int fd;
        try {
            fd = udpSocket(to.getAddress(), mark);
        } catch (ErrnoException e) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(SockAddrs.MAX_SIZE);
            Sockets.connect(fd, sa, SockAddrs.write(sa, to), "connect to " + to);
            Sockets.getsockname(fd, sa);
            InetAddress source = SockAddrs.read(sa).getAddress();
            return source.isAnyLocalAddress() ? null : source;
        } catch (ErrnoException | RuntimeException e) {
            return null;
        } finally {
            Fds.close(fd);
        }
    }

    /** A UDP socket of {@code address}'s family whose packets carry {@code mark} (0: none); closed again if the mark is refused. */
    private static int udpSocket(InetAddress address, int mark) throws ErrnoException {
        int fd = Sockets.socket(
                address instanceof Inet4Address ? Linux.AF_INET : Linux.AF_INET6,
                Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC,
                0);
        try {
            if (mark != 0) Sockets.setInt(fd, Linux.SOL_SOCKET, Linux.SO_MARK, mark);
            return fd;
        } catch (ErrnoException e) {
            Fds.close(fd);
            throw e;
        }
    }

    private static SocketException socketException(ErrnoException e) {
        SocketException s = new SocketException(e.getMessage());
        s.initCause(e);
        return s;
    }

    /** The fwmark this socket's packets carry (0: none). */
    public int mark() {
        return mark;
    }

    @Override
    public void receive(DatagramPacket p) throws IOException {
        synchronized (rx) {
            awaitReadable();
            rx.addressLength.set(JAVA_INT, 0, (int) SockAddrs.MAX_SIZE);
            long n = Sockets.tryRecvfrom(fd, rx.data, MAX_DATAGRAM, 0, rx.address, rx.addressLength);
            if (n < 0) throw new SocketException("recvfrom: " + Errno.strerror((int) -n));
            int room = p.getData().length - p.getOffset();
            int len =
                    (int) Math.min(n, room); // the rest of a datagram too large for the packet is lost, as with the JDK
            MemorySegment.copy(rx.data, JAVA_BYTE, 0, p.getData(), p.getOffset(), len);
            p.setLength(len);
            p.setSocketAddress(SockAddrs.read(rx.address));
        }
    }

    /**
     * Waits until a datagram is there, honouring SO_TIMEOUT and noticing a close. A platform thread
     * blocks in poll(2) for slices of {@value #SLICE_MILLIS} ms; a virtual thread must not (a
     * native call pins its carrier, and the doctor runs its lookups on virtual threads), so it
     * polls without waiting and parks between polls, 1 ms at first, at most {@value
     * #VIRTUAL_PARK_MAX_MILLIS} ms.
     */
    private void awaitReadable() throws IOException {
        long timeoutNanos = getSoTimeout() * 1_000_000L;
        long start = System.nanoTime();
        boolean virtual = Thread.currentThread().isVirtual();
        long park = 1_000_000L;
        while (true) {
            if (isClosed()) throw new SocketException("Socket closed");
            long left = timeoutNanos > 0 ? timeoutNanos - (System.nanoTime() - start) : Long.MAX_VALUE;
            if (left <= 0) throw new SocketTimeoutException("Receive timed out");
            int wait = virtual ? 0 : (int) Math.max(1, Math.min(SLICE_MILLIS, left / 1_000_000L));
            pollFd.set(JAVA_INT, Layouts.POLLFD_FD, fd);
            pollFd.set(JAVA_SHORT, Layouts.POLLFD_EVENTS, Linux.POLLIN);
            pollFd.set(JAVA_SHORT, Layouts.POLLFD_REVENTS, (short) 0);
            int r = Fds.tryPoll(pollFd, 1, wait);
            if (r > 0) return;
            if (r < 0 && r != -Errno.EINTR) throw new SocketException("poll: " + Errno.strerror(-r));
            if (virtual) {
                LockSupport.parkNanos(Math.min(park, left));
                park = Math.min(park * 2, VIRTUAL_PARK_MAX_MILLIS * 1_000_000L);
            }
        }
    }

    @Override
    public void send(DatagramPacket p) throws IOException {
        InetSocketAddress to = (InetSocketAddress) p.getSocketAddress();
        if (p.getLength() > MAX_DATAGRAM) throw new SocketException("datagram of " + p.getLength() + " bytes");
        synchronized (tx) {
            if (isClosed()) throw new SocketException("Socket closed");
            MemorySegment.copy(p.getData(), p.getOffset(), tx.data, JAVA_BYTE, 0, p.getLength());
            int len = SockAddrs.write(tx.address, to);
            long n = Sockets.trySendto(fd, tx.data, p.getLength(), 0, tx.address, len);
            if (n < 0) throw new SocketException("sendto " + to + ": " + Errno.strerror((int) -n));
        }
    }

    /** Closes the socket; a receive in progress ends within one poll slice. */
    @Override
    public void close() {
        if (!markClosed()) return;
        synchronized (rx) {
            synchronized (tx) {
                Fds.close(fd); // no receive or send is using it now, so its number cannot be reused under one
                arena.close();
            }
        }
        super.close();
    }
}
