package jwg.tun;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import jwg.sys.Errno;
import jwg.sys.ErrnoException;
import jwg.sys.Fds;
import jwg.sys.Layouts;
import jwg.sys.Linux;
import jwg.tun.ip.IpPrefix;
import jwg.tun.netlink.Rtnetlink;

/**
 * A Linux TUN interface: /dev/net/tun attached with TUNSETIFF (IFF_TUN|IFF_NO_PI, optionally
 * IFF_VNET_HDR / IFF_MULTI_QUEUE), configured over rtnetlink ({@link Rtnetlink}).
 *
 * <p>The descriptor is non-blocking; {@link #read} waits in poll(2) on it and on an eventfd that
 * {@link #close()} signals, so a reader never stays stuck. When the interface is deleted under
 * us ({@code ip link del}, {@code wg-quick down}) the kernel fails reads with EBADFD and
 * {@link #read} returns -1, as after close; {@link #interfaceGone()} then tells which.
 * Reads and writes allocate nothing. One reader thread at a time; writes from any thread.
 *
 * <p>The interface and its descriptor belong to the network namespace of the thread that
 * created them (see {@link jwg.sys.NetNs#run}); the netlink socket is opened there too, so
 * configuration keeps working from any thread.
 */
public final class LinuxTun implements Tun {
    /** The clone device. */
    public static final String CLONE_DEVICE = "/dev/net/tun";

    private final String name;
    private final int index;
    private final int fd;
    private final int wakeFd;
    private final Rtnetlink netlink;
    private final boolean vnetHeader;
    private volatile int offloads;
    private final MemorySegment pollFds = Arena.ofAuto().allocate(Layouts.POLLFD, 2);
    private final MemorySegment one = Arena.ofAuto().allocate(JAVA_LONG);
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;
    private volatile boolean gone;
    private volatile int lastMtu = TunConfig.DEFAULT_MTU;

    private LinuxTun(String name, int index, int fd, int wakeFd, Rtnetlink netlink, boolean vnetHeader) {
        this.name = name;
        this.vnetHeader = vnetHeader;
        this.index = index;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.netlink = netlink;
        pollFds.set(JAVA_INT, Layouts.POLLFD_FD, fd);
        pollFds.set(JAVA_SHORT, Layouts.POLLFD_EVENTS, Linux.POLLIN);
        pollFds.set(JAVA_INT, Layouts.POLLFD.byteSize() + Layouts.POLLFD_FD, wakeFd);
        pollFds.set(JAVA_SHORT, Layouts.POLLFD.byteSize() + Layouts.POLLFD_EVENTS, Linux.POLLIN);
        one.set(JAVA_LONG, 0, 1L);
    }

    /** Creates (or attaches to) the TUN interface {@code name}, down and unaddressed. */
    public static LinuxTun create(String name) throws IOException {
        return create(name, TunOptions.DEFAULT);
    }

    /**
     * Creates the TUN interface {@code name} in the calling thread's network namespace. It exists
     * while the device is open. Errors say what to do: name taken, no permission, no /dev/net/tun.
     */
    public static LinuxTun create(String name, TunOptions options) throws IOException {
        InterfaceName.check(name);
        int fd = openClone(CLONE_DEVICE, name);
        try {
            String actual = attach(fd, name, options);
            Rtnetlink nl = Rtnetlink.open();
            try {
                return adopt(fd, actual, nl, options.vnetHeader());
            } catch (IOException | RuntimeException e) {
                nl.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            Fds.close(fd); // the interface is not persistent: it goes away with its last descriptor
            throw e;
        }
    }

    /**
     * Creates, configures and brings up an interface as {@code config} says (MTU, addresses,
     * routes). If any step fails nothing is left behind: the interface is removed again.
     */
    public static LinuxTun open(TunConfig config) throws IOException {
        LinuxTun tun = create(config.name(), config.options());
        try {
            tun.configure(config);
            return tun;
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    /** Applies MTU, addresses and routes of {@code config} to this interface and brings it up. */
    public void configure(TunConfig config) throws IOException {
        setMtu(config.mtu());
        for (IpPrefix a : config.addresses()) addAddress(a);
        setUp(true);
        for (IpPrefix r : config.routes()) addRoute(r); // routes need the link up
    }

    /**
     * Wraps an attached TUN descriptor that came from elsewhere (the rootless helper) together
     * with a NETLINK_ROUTE socket of the same namespace; takes ownership of both.
     */
    public static LinuxTun adopt(int tunFd, Rtnetlink netlink) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = a.allocate(Layouts.IFREQ);
            Fds.ioctl(tunFd, Linux.TUNGETIFF, ifr, "TUNGETIFF on fd " + tunFd);
            Fds.setNonBlocking(tunFd, true);
            boolean vnet = (ifr.get(JAVA_SHORT, Layouts.IFR_FLAGS) & Linux.IFF_VNET_HDR) != 0;
            return adopt(tunFd, ifr.asSlice(Layouts.IFR_NAME).getString(0), netlink, vnet);
        }
    }

    private static LinuxTun adopt(int fd, String name, Rtnetlink netlink, boolean vnetHeader) throws IOException {
        int index = netlink.index(name);
        int wake = Fds.eventfd(0, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK);
        return new LinuxTun(name, index, fd, wake, netlink, vnetHeader);
    }

    static int openClone(String device, String name) throws ErrnoException {
        try {
            return Fds.open(device, Linux.O_RDWR | Linux.O_NONBLOCK | Linux.O_CLOEXEC);
        } catch (ErrnoException e) {
            String hint = switch (e.errno()) {
                case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO ->
                    "the kernel has no TUN support here: load the tun module"
                            + " (modprobe tun) or create the node (mknod /dev/net/tun c 10 200)";
                case Errno.EPERM, Errno.EACCES -> needsCapNetAdmin();
                default -> null;
            };
            throw new ErrnoException("create TUN interface " + name + ": open " + device, e.errno(), hint);
        }
    }

    /** TUNSETIFF; returns the name the kernel gave (a pattern like "jwg%d" gets a number). */
    static String attach(int fd, String name, TunOptions options) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = a.allocate(Layouts.IFREQ);
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(b, 0, ifr, JAVA_BYTE, Layouts.IFR_NAME, b.length);
            ifr.set(JAVA_SHORT, Layouts.IFR_FLAGS, options.flags());
            int r = Fds.tryIoctl(fd, Linux.TUNSETIFF, ifr);
            if (r < 0) {
                int e = -r;
                String hint = switch (e) {
                    case Errno.EBUSY -> "the name is taken by another TUN interface that is in use";
                    case Errno.EINVAL ->
                        "an interface named " + name + " may already exist and not be a TUN device"
                                + (options.multiQueue() ? ", or it exists without IFF_MULTI_QUEUE" : "");
                    case Errno.EPERM, Errno.EACCES -> needsCapNetAdmin();
                    default -> null;
                };
                throw new ErrnoException("create TUN interface " + name, e, hint);
            }
            return ifr.asSlice(Layouts.IFR_NAME).getString(0);
        }
    }

    static String needsCapNetAdmin() {
        return "creating a TUN interface needs CAP_NET_ADMIN: run as root, or use the rootless mode"
                + " (a user + network namespace, see docs/tun.md)";
    }

    @Override
    public String name() {
        return name;
    }

    /** TUN_F_* offload flags (include/uapi/linux/if_tun.h), for TUNSETOFFLOAD. */
    public static final int TUN_F_CSUM = 0x01,
            TUN_F_TSO4 = 0x02,
            TUN_F_TSO6 = 0x04,
            TUN_F_TSO_ECN = 0x08,
            TUN_F_UFO = 0x10,
            TUN_F_USO4 = 0x20,
            TUN_F_USO6 = 0x40;

    /**
     * Lets the kernel hand over (and take) TCP super-packets: TUNSETOFFLOAD with
     * TUN_F_CSUM|TUN_F_TSO4|TUN_F_TSO6, plus TUN_F_USO4|TUN_F_USO6 for UDP when {@code udp} (kernel
     * 6.2 and later); if the kernel refuses USO it is asked again without, and if it refuses
     * everything no offload is in force. Returns the TUN_F_* flags in force (also
     * {@link #offloads()}). Needs IFF_VNET_HDR ({@link TunOptions#vnetHeader()}); either way every
     * read and write of such a device carries a virtio_net_hdr.
     */
    public int enableOffloads(boolean udp) throws IOException {
        if (!vnetHeader)
            throw new IllegalStateException(name + " was opened without IFF_VNET_HDR: offloads need the virtio header");
        int tcp = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
        int[] tries = udp ? new int[] {tcp | TUN_F_USO4 | TUN_F_USO6, tcp} : new int[] {tcp};
        for (int flags : tries) {
            // TUNSETOFFLOAD takes the flags by value in the argument register, not through a pointer
            int r = Fds.tryIoctl(fd, Linux.TUNSETOFFLOAD, MemorySegment.ofAddress(flags));
            if (r == 0) return offloads = flags;
            if (r != -Errno.EINVAL) throw new ErrnoException("TUNSETOFFLOAD on " + name, -r);
        }
        Fds.tryIoctl(fd, Linux.TUNSETOFFLOAD, MemorySegment.NULL); // refused: make sure none is half on
        return offloads = 0;
    }

    @Override
    public int offloads() {
        return offloads;
    }

    @Override
    public boolean vnetHeader() {
        return vnetHeader;
    }

    /** The kernel's interface index. */
    public int index() {
        return index;
    }

    /** The netlink socket (same namespace as the interface), for further configuration. */
    public Rtnetlink netlink() {
        return netlink;
    }

    /** The TUN descriptor (for benchmarks and fd passing; do not close it). */
    public int fd() {
        return fd;
    }

    /** The MTU as the kernel has it now (wg-quick may change it after creation). */
    @Override
    public int mtu() {
        if (closed || gone) return lastMtu;
        try {
            return lastMtu = netlink.link(index).mtu();
        } catch (IOException e) {
            return lastMtu;
        }
    }

    public void setMtu(int mtu) throws IOException {
        netlink.setMtu(index, name, mtu);
        lastMtu = mtu;
    }

    /** Brings the interface up (or down). */
    public void setUp(boolean up) throws IOException {
        netlink.setUp(index, name, up);
    }

    public void addAddress(IpPrefix address) throws IOException {
        netlink.addAddress(index, name, address);
    }

    public void deleteAddress(IpPrefix address) throws IOException {
        netlink.deleteAddress(index, name, address);
    }

    /** A route through this interface, e.g. a peer's AllowedIPs (the link must be up). */
    public void addRoute(IpPrefix destination) throws IOException {
        netlink.addRoute(index, name, destination);
    }

    /** {@link #addRoute(IpPrefix)} into routing table {@code table} (wg-quick's Table = N; 254 is main). */
    public void addRoute(IpPrefix destination, int table) throws IOException {
        netlink.addRoute(index, name, destination, table);
    }

    public void deleteRoute(IpPrefix destination) throws IOException {
        netlink.deleteRoute(index, name, destination);
    }

    /**
     * Non-blocking reads tried before sleeping in poll (-Djwg.spinReads; default 0). Spinning was
     * worth it when every packet was a system call; with offloads (64 KB per read or receive)
     * it only burns the CPU the peer and the applications need on a small machine: measured side
     * by side on 2 cores, 0 instead of 50 took jwg ↔ jwg from 1.14 to 1.57–2.01 Gbit/s and
     * jwg → wireguard-go 0.0.20250522 from 0.72–0.76 to 0.84–0.85, with lower ping RTT
     * (docs/benchmarks.md).
     */
    static final int SPIN_READS = Integer.getInteger("jwg.spinReads", 0);

    /** True once a read saw that the interface was deleted underneath us. */
    public boolean interfaceGone() {
        return gone;
    }

    @Override
    public int read(MemorySegment buffer, long offset, int capacity) throws IOException {
        if (!enter()) return -1;
        try {
            boolean polled = false;
            int spins = SPIN_READS;
            while (!closed) {
                long n = Fds.readOrFail(fd, buffer, offset, capacity); // no errno capture: no allocation
                if (n >= 0) return (int) n;
                if (spins-- > 0) { // a packet often follows within microseconds: cheaper than sleeping in poll
                    Thread.onSpinWait();
                    continue;
                }
                if (polled) { // poll said ready, yet the read failed: now learn why
                    n = Fds.tryRead(fd, buffer, offset, capacity);
                    if (n >= 0) return (int) n;
                    int e = (int) -n;
                    if (e == Errno.EBADFD || e == Errno.EIO || e == Errno.ENXIO) {
                        gone = true; // the interface was deleted: end like a close
                        return -1;
                    }
                    if (e != Errno.EAGAIN && e != Errno.EINTR) throw new ErrnoException("read from " + name, e);
                }
                int r = Fds.tryPoll(pollFds, 2, -1);
                if (r < 0 && r != -Errno.EINTR) throw new ErrnoException("poll on " + name, -r);
                if (pollFds.get(JAVA_SHORT, Layouts.POLLFD.byteSize() + Layouts.POLLFD_REVENTS) != 0) return -1;
                polled = r > 0;
            }
            return -1;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Reads one packet only if one is queued (no poll): its length, 0 if none, -1 once closed or
     * the interface is gone. The sender uses it to gather a batch after a blocking {@link #read}.
     */
    @Override
    public int tryRead(MemorySegment buffer, long offset, int capacity) throws IOException {
        if (!enter()) return -1;
        try {
            long n = Fds.readOrFail(fd, buffer, offset, capacity);
            // -1 is almost always EAGAIN (queue empty); a real error shows up in the next blocking read
            return n >= 0 ? (int) n : 0;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Writes one packet; a full interface queue (EAGAIN) drops it, as the kernel would. */
    @Override
    public void write(MemorySegment buffer, long offset, int length) throws IOException {
        if (!enter()) return;
        try {
            long n = Fds.tryWrite(fd, buffer, offset, length);
            if (n < 0) {
                int e = (int) -n;
                if (e == Errno.EAGAIN || e == Errno.EINTR || e == Errno.ENOBUFS) return;
                if (e == Errno.EBADFD || e == Errno.EIO) {
                    gone = true;
                    return;
                }
                throw new ErrnoException("write to " + name, e);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * writev(2) of {@code count} iovecs from {@code iovecs[start]} (struct iovec, 16 bytes each),
     * e.g. a merged group of {@link jwg.tun.offload.Coalescer}: bytes written, 0 when the device
     * is closed or the interface gone, or -errno (a full queue, -EAGAIN or -ENOBUFS, means the
     * packet was dropped: count it). Allocates nothing.
     */
    @Override
    public long writev(MemorySegment iovecs, int start, int count) {
        if (!enter()) return 0;
        try {
            long n = Fds.tryWritev(fd, iovecs.asSlice(start * IOVEC_SIZE, count * IOVEC_SIZE), count);
            if (n >= 0) return n;
            int e = (int) -n;
            if (e == Errno.EBADFD || e == Errno.EIO) {
                gone = true;
                return 0;
            }
            return n; // -EAGAIN / -ENOBUFS: the queue was full and the packet is dropped; the caller counts it
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static final long IOVEC_SIZE = Layouts.IOVEC.byteSize();

    private boolean enter() {
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Wakes a blocked reader, waits for reads and writes in progress to leave, then closes the
     * descriptors: the interface disappears (it is not persistent).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        Fds.tryWrite(wakeFd, one, 8);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.onSpinWait();
        Fds.close(fd);
        Fds.close(wakeFd);
        netlink.close();
    }
}
