package jwg.tun;

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
import java.nio.charset.StandardCharsets;

/**
 * A Linux TUN device through the FFM API: /dev/net/tun with TUNSETIFF (IFF_TUN | IFF_NO_PI),
 * non-blocking reads behind poll(2) on the TUN fd and an eventfd that {@link #close()} signals,
 * so a reader never stays stuck. Reads and writes allocate nothing (one errno-capture segment per
 * direction: one reader thread and one writer thread at a time).
 */
public final class LinuxTun implements TunDevice {
    // <linux/if_tun.h>, <linux/if.h>, <linux/sockios.h>, <fcntl.h>, <poll.h>, <sys/eventfd.h>
    static final int O_RDWR = 2, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TUN = 0x0001, IFF_NO_PI = 0x1000;
    static final short IFF_UP = 0x1;
    static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCGIFMTU = 0x8921, SIOCSIFMTU = 0x8922;
    static final int AF_INET = 2, SOCK_DGRAM = 2;
    static final short POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    static final int EAGAIN = 11, EINTR = 4, EBADFD = 77, EIO = 5, EPERM = 1, EBUSY = 16, ENOENT = 2, EACCES = 13;
    public static final int IFNAMSIZ = 16;

    /** struct ifreq: the name, then a union (flags as short, mtu as int) — 40 bytes on x86_64. */
    static final StructLayout IFREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(IFNAMSIZ, ValueLayout.JAVA_BYTE).withName("ifr_name"),
            MemoryLayout.unionLayout(
                    ValueLayout.JAVA_SHORT.withName("ifr_flags"),
                    ValueLayout.JAVA_INT.withName("ifr_mtu"),
                    MemoryLayout.paddingLayout(24)).withName("ifr_ifru"));
    static final VarHandle IFR_FLAGS = IFREQ.varHandle(MemoryLayout.PathElement.groupElement("ifr_ifru"), MemoryLayout.PathElement.groupElement("ifr_flags"));
    static final VarHandle IFR_MTU = IFREQ.varHandle(MemoryLayout.PathElement.groupElement("ifr_ifru"), MemoryLayout.PathElement.groupElement("ifr_mtu"));
    /** struct pollfd { int fd; short events; short revents; }. */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"), ValueLayout.JAVA_SHORT.withName("events"), ValueLayout.JAVA_SHORT.withName("revents"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), ERRNO_OPT);
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = fn("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), ERRNO_OPT);
    private static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), ERRNO_OPT);
    private static final MethodHandle IOCTL = fn("ioctl", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            ERRNO_OPT, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = fn("poll", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), ERRNO_OPT);
    private static final MethodHandle EVENTFD = fn("eventfd", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPT);
    private static final MethodHandle SOCKET = fn("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPT);
    private static final MethodHandle STRERROR = fn("strerror", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private static MethodHandle fn(String name, FunctionDescriptor d, Linker.Option... opts) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), d, opts);
    }

    private final String name;
    private final int fd;
    private final int wakeFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readErrno = arena.allocate(CAPTURE);
    private final MemorySegment writeErrno = arena.allocate(CAPTURE);
    private final MemorySegment pollFds = arena.allocate(POLLFD, 2);
    private final MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
    private volatile boolean closed;

    private LinuxTun(String name, int fd, int wakeFd) {
        this.name = name;
        this.fd = fd;
        this.wakeFd = wakeFd;
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
        pollFds.set(ValueLayout.JAVA_INT, 8, wakeFd);
        pollFds.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    /**
     * Creates (or attaches to) the TUN interface {@code name}. The interface exists while the
     * returned device is open; it is not brought up here.
     */
    public static LinuxTun create(String name) throws IOException {
        byte[] nameBytes = checkName(name);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(err, a.allocateFrom("/dev/net/tun"), O_RDWR | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0) {
                int e = errno(err);
                throw new IOException("open /dev/net/tun: " + strerror(e) + hint(e));
            }
            MemorySegment ifr = a.allocate(IFREQ);
            MemorySegment.copy(nameBytes, 0, ifr, ValueLayout.JAVA_BYTE, 0, nameBytes.length);
            IFR_FLAGS.set(ifr, 0L, (short) (IFF_TUN | IFF_NO_PI));
            if ((int) IOCTL.invokeExact(err, fd, TUNSETIFF, ifr) < 0) {
                int e = errno(err);
                int ignored = (int) CLOSE.invokeExact(fd);
                throw new IOException("create TUN interface " + name + ": " + strerror(e)
                        + (e == EBUSY ? " (the name is taken by another interface)" : hint(e)));
            }
            int wake = (int) EVENTFD.invokeExact(err, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (wake < 0) {
                int e = errno(err);
                int ignored = (int) CLOSE.invokeExact(fd);
                throw new IOException("eventfd: " + strerror(e));
            }
            return new LinuxTun(name, fd, wake);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static byte[] checkName(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '" + name + "' must be 1 to " + (IFNAMSIZ - 1) + " bytes");
        }
        if (name.contains("/") || name.contains(" ") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface name '" + name + "' may not contain '/' or spaces");
        }
        return b;
    }

    private static String hint(int e) {
        return switch (e) {
            case EPERM, EACCES -> " (creating a TUN device needs CAP_NET_ADMIN: run as root, or use the rootless mode)";
            case ENOENT -> " (no /dev/net/tun: load the tun module, or create the node with mknod /dev/net/tun c 10 200)";
            default -> "";
        };
    }

    @Override
    public String name() {
        return name;
    }

    /** The interface MTU as the kernel has it now (wg-quick may change it after creation). */
    @Override
    public int mtu() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a);
            interfaceIoctl(a, SIOCGIFMTU, ifr, "get MTU of");
            return (int) IFR_MTU.get(ifr, 0L);
        } catch (IOException e) {
            return 1420;
        }
    }

    public void setMtu(int mtu) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a);
            IFR_MTU.set(ifr, 0L, mtu);
            interfaceIoctl(a, SIOCSIFMTU, ifr, "set MTU " + mtu + " on");
        }
    }

    /** Brings the interface up (or down). */
    public void setUp(boolean up) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a);
            interfaceIoctl(a, SIOCGIFFLAGS, ifr, "get flags of");
            short flags = (short) IFR_FLAGS.get(ifr, 0L);
            IFR_FLAGS.set(ifr, 0L, (short) (up ? flags | IFF_UP : flags & ~IFF_UP));
            interfaceIoctl(a, SIOCSIFFLAGS, ifr, "set flags of");
        }
    }

    private MemorySegment ifreq(Arena a) {
        MemorySegment ifr = a.allocate(IFREQ);
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, ifr, ValueLayout.JAVA_BYTE, 0, b.length);
        return ifr;
    }

    private void interfaceIoctl(Arena a, long request, MemorySegment ifr, String what) throws IOException {
        try {
            MemorySegment err = a.allocate(CAPTURE);
            int s = (int) SOCKET.invokeExact(err, AF_INET, SOCK_DGRAM | O_CLOEXEC, 0);
            if (s < 0) throw new IOException("socket: " + strerror(errno(err)));
            try {
                if ((int) IOCTL.invokeExact(err, s, request, ifr) < 0) {
                    int e = errno(err);
                    throw new IOException(what + " " + name + ": " + strerror(e) + hint(e));
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(s);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public int read(MemorySegment buffer, long offset, int capacity) throws IOException {
        try {
            while (!closed) {
                long n = (long) READ.invokeExact(readErrno, fd, buffer.asSlice(offset, capacity), (long) capacity);
                if (n >= 0) return (int) n;
                int e = errno(readErrno);
                if (e == EINTR) continue;
                if (e != EAGAIN) {
                    if (closed || e == EBADFD || e == EIO) return -1; // closed, or the interface was deleted
                    throw new IOException("read from " + name + ": " + strerror(e));
                }
                int r = (int) POLL.invokeExact(readErrno, pollFds, 2L, -1);
                if (r < 0 && errno(readErrno) != EINTR) throw new IOException("poll on " + name + ": " + strerror(errno(readErrno)));
                short tunEvents = pollFds.get(ValueLayout.JAVA_SHORT, 6);
                short wakeEvents = pollFds.get(ValueLayout.JAVA_SHORT, 14);
                if (wakeEvents != 0) return -1;
                if ((tunEvents & (POLLERR | POLLHUP | POLLNVAL)) != 0 && (tunEvents & POLLIN) == 0) return -1;
            }
            return -1;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public int tryRead(MemorySegment buffer, long offset, int capacity) throws IOException {
        if (closed) return -1;
        try {
            long n = (long) READ.invokeExact(readErrno, fd, buffer.asSlice(offset, capacity), (long) capacity);
            if (n >= 0) return (int) n;
            int e = errno(readErrno);
            if (e == EAGAIN || e == EINTR) return 0;
            if (closed || e == EBADFD || e == EIO) return -1;
            throw new IOException("read from " + name + ": " + strerror(e));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void write(MemorySegment buffer, long offset, int length) throws IOException {
        try {
            long n = (long) WRITE.invokeExact(writeErrno, fd, buffer.asSlice(offset, length), (long) length);
            if (n < 0) {
                int e = errno(writeErrno);
                if (e == EAGAIN || e == EINTR) return; // the interface's queue is full: drop, as the kernel would
                if (closed) return;
                throw new IOException("write to " + name + ": " + strerror(e));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        try {
            long w = (long) WRITE.invokeExact(writeErrno, wakeFd, one, 8L); // wakes a reader blocked in poll
            Thread.sleep(20);
            int a = (int) CLOSE.invokeExact(fd);
            int b = (int) CLOSE.invokeExact(wakeFd);
        } catch (Throwable t) {
            // closing anyway
        }
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
