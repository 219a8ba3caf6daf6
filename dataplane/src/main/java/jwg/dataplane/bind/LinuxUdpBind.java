package jwg.dataplane.bind;

import static jwg.sys.Layouts.IOVEC;
import static jwg.sys.Layouts.MMSGHDR;
import static jwg.sys.Layouts.SOCKADDR_IN6;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
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
 *
 * <p>Offloads, as wireguard-go since 2023 (on by default; {@code -Djwg.offload=false} or
 * {@code new LinuxUdpBind(false)} turns them off):
 * <ul>
 * <li><b>GSO</b> (UDP_SEGMENT): a run of datagrams of one size (the last may be shorter) to one
 * endpoint leaves in one message, the segment size in a control message; the kernel splits it
 * as late as it can (on a veth not at all). Turned off for good when the kernel answers EIO.
 * <li><b>GRO</b> (UDP_GRO): the kernel hands over a run of same-size datagrams from one source
 * as one buffer with the segment size in a control message; {@link #receive} splits it into
 * slots that point into that buffer (no copy).
 * </ul>
 * Steady state allocates nothing: native scratch (mmsghdr arrays, iovecs, sockaddrs, control
 * messages, GRO buffers) is per thread, built once.
 */
public final class LinuxUdpBind implements Bind {
    // not (yet) in jwg.sys.Linux: <netinet/in.h> IPV6_V6ONLY, <asm/socket.h> SO_*BUFFORCE, SO_MARK
    static final int IPV6_V6ONLY = 26, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_MARK = 36;
    // <linux/in.h> IP_TTL, <linux/in6.h> IPV6_HOPLIMIT: as a control message, the TTL of one datagram
    static final int IP_TTL = 2, IPV6_HOPLIMIT = 52;
    /**
     * Non-blocking reads tried before sleeping in poll (-Djwg.spinReads; default 0). Spinning was
     * worth it when every packet was a system call; with offloads (64 KB per read or receive)
     * it only burns the CPU the peer and the applications need on a small machine: measured side
     * by side on 2 cores, 0 instead of 50 took jwg ↔ jwg from 1.14 to 1.57–2.01 Gbit/s and
     * jwg → wireguard-go 0.0.20250522 from 0.72–0.76 to 0.84–0.85, with lower ping RTT
     * (docs/benchmarks.md).
     */
    static final int SPIN_READS = Integer.getInteger("jwg.spinReads", 0);
    /** Whether binds made with the no-argument constructor use GSO/GRO (-Djwg.offload, default true). */
    static final boolean OFFLOAD_DEFAULT = !"false".equals(System.getProperty("jwg.offload"));
    /** UDP_MAX_SEGMENTS: the most datagrams one GSO send carries and one GRO receive holds. */
    static final int MAX_SEGMENTS = 64;
    /** The largest UDP payload of one (GSO) message: 65535 minus the UDP and IPv4 / IPv6 headers. */
    static final int MAX_PAYLOAD_V4 = 65535 - 8 - 20, MAX_PAYLOAD_V6 = 65535 - 8;
    /** Coalesced datagrams received per call (each up to 64 KiB); the batch's slots take their segments. */
    static final int GRO_MESSAGES = 2;

    static final int GRO_BUFFER = 65536;
    /** CMSG_SPACE of the u16 (send) or int (receive) segment size. */
    static final long CONTROL = Layouts.cmsgSpace(4);

    static final long MSG_NAME = Layouts.MMSG_HDR + Layouts.MSG_NAME;
    static final long MSG_NAMELEN = Layouts.MMSG_HDR + Layouts.MSG_NAMELEN;
    static final long MSG_IOV = Layouts.MMSG_HDR + Layouts.MSG_IOV;
    static final long MSG_IOVLEN = Layouts.MMSG_HDR + Layouts.MSG_IOVLEN;
    static final long MSG_CONTROL = Layouts.MMSG_HDR + Layouts.MSG_CONTROL;
    static final long MSG_CONTROLLEN = Layouts.MMSG_HDR + Layouts.MSG_CONTROLLEN;
    static final long MSG_LEN = Layouts.MMSG_LEN;
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final long MMSG = MMSGHDR.byteSize(), IOV = IOVEC.byteSize(), NAME = SOCKADDR_IN6.byteSize();

    /** Native scratch of one thread: mmsghdrs, iovecs, sockaddrs and control messages for a whole batch. */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto(); // shared: crypto workers read the GRO buffers' segments
        final MemorySegment msgs = arena.allocate(MMSGHDR, BATCH);
        final MemorySegment iovs = arena.allocate(IOVEC, BATCH);
        final MemorySegment names = arena.allocate(SOCKADDR_IN6, BATCH);
        final MemorySegment controls = arena.allocate(CONTROL * BATCH, 8);
        final MemorySegment pollFds = arena.allocate(Layouts.POLLFD, 2);
        /** Send: the first slot and the slot count of each message. */
        final int[] msgFirst = new int[BATCH], msgCount = new int[BATCH];
        /** Receive with GRO: the coalesced datagrams, and what is left of one that did not fit the batch. */
        MemorySegment[] gro;

        final int groMessages;
        /** Set by sendPrepared: datagrams sent, and whether the kernel refused segmentation. */
        int sentSlots;

        boolean gsoRefused;
        final Endpoint pendingFrom = new Endpoint();
        MemorySegment pendingBuffer;
        long pendingOffset;
        int pendingLeft, pendingSegment;

        Scratch(int groMessages) {
            this.groMessages = groMessages;
            for (int i = 0; i < BATCH; i++) msgs.set(L, i * MMSG + MSG_NAME, names.address() + i * NAME);
        }

        MemorySegment groBuffer(int i) {
            if (gro == null) {
                gro = new MemorySegment[groMessages];
                for (int k = 0; k < groMessages; k++) gro[k] = arena.allocate(GRO_BUFFER, 16);
            }
            return gro[i];
        }
    }

    private final ThreadLocal<Scratch> scratch;
    private final boolean offload;
    private final int groMessages;
    private volatile int fd = -1;
    private int wakeFd = -1;
    private int port;
    private volatile boolean closed;
    private volatile boolean gso, gro;

    /** A bind with GSO/GRO as {@code -Djwg.offload} says (on unless "false"). */
    public LinuxUdpBind() {
        this(OFFLOAD_DEFAULT);
    }

    /** A bind that asks the kernel for UDP GSO/GRO if {@code offload}, and falls back when refused. */
    public LinuxUdpBind(boolean offload) {
        this(offload, GRO_MESSAGES);
    }

    /**
     * A bind whose GRO receives take up to {@code groMessages} messages per call (each a 64 KiB
     * buffer per receiving thread; a batch needs {@code 64 * groMessages} slots to take them all):
     * more for a server whose sources do not coalesce (jwg relay's listening socket), so that
     * uncoalesced datagrams still come many per system call.
     */
    public LinuxUdpBind(boolean offload, int groMessages) {
        if (groMessages < 1 || groMessages > BATCH) throw new IllegalArgumentException("groMessages " + groMessages);
        this.offload = offload;
        this.groMessages = groMessages;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(groMessages));
    }

    @Override
    public int open(int listenPort) throws IOException {
        return open(null, listenPort);
    }

    /**
     * Binds to {@code address} (null: all addresses; an IPv4 address binds its IPv4-mapped form, so
     * the socket then carries IPv4 alone) and {@code listenPort}; returns the port bound. For a
     * server on one address (jwg relay).
     */
    public synchronized int open(InetAddress address, int listenPort) throws IOException {
        if (fd >= 0) throw new IllegalStateException("already open");
        int sock = Sockets.socket(Linux.AF_INET6, Linux.SOCK_DGRAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            Sockets.setInt(sock, Linux.SOL_IPV6, IPV6_V6ONLY, 0);
            bufferSize(sock, SO_RCVBUFFORCE, Linux.SO_RCVBUF);
            bufferSize(sock, SO_SNDBUFFORCE, Linux.SO_SNDBUF);
            MemorySegment sa = a.allocate(SOCKADDR_IN6);
            sa.set(ValueLayout.JAVA_SHORT, Layouts.SIN6_FAMILY, (short) Linux.AF_INET6);
            sa.set(SHORT_BE, Layouts.SIN6_PORT, (short) listenPort);
            if (address != null) {
                Endpoint e = new Endpoint();
                e.set(address, listenPort);
                sa.set(LONG_BE, Layouts.SIN6_ADDR, e.high());
                sa.set(LONG_BE, Layouts.SIN6_ADDR + 8, e.low());
                sa.set(I, Layouts.SIN6_SCOPE_ID, e.scopeId());
            }
            Sockets.bind(
                    sock,
                    sa,
                    (int) SOCKADDR_IN6.byteSize(),
                    "bind UDP " + (address == null ? "port " : address.getHostAddress() + ":") + listenPort);
            Sockets.getsockname(sock, sa);
            if (offload) enableOffloads(sock);
            wakeFd = Fds.eventfd(0, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK);
            port = Short.toUnsignedInt(sa.get(SHORT_BE, Layouts.SIN6_PORT));
            fd = sock;
            return port;
        } catch (ErrnoException | RuntimeException e) {
            Fds.close(sock);
            throw e;
        }
    }

    /** GSO if the kernel knows UDP_SEGMENT (reading it works), GRO if it takes UDP_GRO; each on its own. */
    private void enableOffloads(int sock) {
        try {
            Sockets.getInt(sock, Linux.SOL_UDP, Linux.UDP_SEGMENT);
            gso = true;
        } catch (ErrnoException e) {
            gso = false;
        }
        try {
            Sockets.setInt(sock, Linux.SOL_UDP, Linux.UDP_GRO, 1);
            gro = true;
        } catch (ErrnoException e) {
            gro = false;
        }
    }

    /** True while sends are coalesced with UDP_SEGMENT. */
    @Override
    public boolean gso() {
        return gso;
    }

    /** True if the socket receives coalesced datagrams (UDP_GRO). */
    @Override
    public boolean gro() {
        return gro;
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
        boolean coalesced = gro;
        // slots: with GRO the batch's whole capacity (segments need no message of their own), else a message each
        int cap = coalesced ? batch.capacity() : Math.min(batch.capacity(), BATCH);
        if (s.pendingLeft > 0) return finish(batch, takePending(s, batch, 0, cap));
        int n = coalesced ? Math.max(1, Math.min(groMessages, cap / MAX_SEGMENTS)) : cap;
        for (int i = 0; i < n; i++) {
            MemorySegment b = coalesced ? s.groBuffer(i) : batch.home(i);
            long m = i * MMSG;
            s.iovs.set(L, i * IOV, b.address());
            s.iovs.set(L, i * IOV + 8, b.byteSize());
            s.msgs.set(L, m + MSG_IOV, s.iovs.address() + i * IOV);
            s.msgs.set(L, m + MSG_IOVLEN, 1L);
            s.msgs.set(I, m + MSG_NAMELEN, (int) NAME);
            s.msgs.set(L, m + MSG_CONTROL, coalesced ? s.controls.address() + i * CONTROL : 0L);
            s.msgs.set(L, m + MSG_CONTROLLEN, coalesced ? CONTROL : 0L);
        }
        int got = receiveBlocking(s, n);
        if (got < 0) return -1;
        if (!coalesced) {
            for (int i = 0; i < got; i++) {
                batch.set(i, batch.home(i), 0, s.msgs.get(I, i * MMSG + MSG_LEN));
                readEndpoint(s.names, i * NAME, batch.endpoint(i));
            }
            return finish(batch, got);
        }
        int w = 0;
        for (int i = 0; i < got; i++) { // split each coalesced datagram into slots pointing into it
            int len = s.msgs.get(I, i * MMSG + MSG_LEN);
            int segment = groSegment(s, i);
            s.pendingBuffer = s.gro[i];
            s.pendingOffset = 0;
            s.pendingLeft = len;
            s.pendingSegment = segment > 0 && segment < len ? segment : len;
            readEndpoint(s.names, i * NAME, s.pendingFrom);
            w = takePending(s, batch, w, cap); // n * MAX_SEGMENTS <= cap unless n == 1: only the last may be left over
        }
        return finish(batch, w);
    }

    private static int finish(Datagrams batch, int count) {
        batch.count(count);
        return count;
    }

    /** Moves segments of the pending coalesced datagram into slots {@code w..cap}; returns the next free slot. */
    private static int takePending(Scratch s, Datagrams batch, int w, int cap) {
        while (s.pendingLeft > 0 && w < cap) {
            int len = Math.min(s.pendingSegment, s.pendingLeft);
            batch.set(w, s.pendingBuffer, s.pendingOffset, len);
            batch.endpoint(w).copyFrom(s.pendingFrom);
            s.pendingOffset += len;
            s.pendingLeft -= len;
            w++;
        }
        return w;
    }

    /** The UDP_GRO segment size in message {@code i}'s control data, or 0 if the kernel sent none. */
    private static int groSegment(Scratch s, int i) {
        long controlLen = s.msgs.get(L, i * MMSG + MSG_CONTROLLEN);
        if (controlLen < Layouts.CMSG_DATA + 4) return 0;
        long c = i * CONTROL;
        if (s.controls.get(I, c + Layouts.CMSG_LEVEL) != Linux.SOL_UDP
                || s.controls.get(I, c + Layouts.CMSG_TYPE) != Linux.UDP_GRO) return 0;
        return s.controls.get(I, c + Layouts.CMSG_DATA);
    }

    /** recvmmsg of the first {@code n} prepared messages, waiting in poll when none is queued; -1 once closed. */
    private int receiveBlocking(Scratch s, int n) throws IOException {
        boolean polled = false;
        int spins = SPIN_READS;
        while (!closed) {
            int sock = fd;
            if (sock < 0) return -1;
            // no errno capture (no allocation) unless poll said ready and it still fails
            int got = polled
                    ? Sockets.tryRecvmmsg(sock, s.msgs, n, Linux.MSG_DONTWAIT, MemorySegment.NULL)
                    : Sockets.recvmmsgOrFail(sock, s.msgs, n, Linux.MSG_DONTWAIT, MemorySegment.NULL);
            if (got > 0) return got;
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
        int next = 0;
        while (next < total) {
            int start = next;
            int m = 0;
            boolean segmenting = gso;
            while (next < total && next - start < BATCH) next = prepareMessage(s, batch, start, next, m++, segmenting);
            int done = sendPrepared(s, m, batch);
            sent += s.sentSlots;
            if (done < m && s.gsoRefused) { // EIO: this kernel path cannot segment; send the rest one by one
                gso = false;
                next = s.msgFirst[done];
            }
        }
        return sent;
    }

    /**
     * Fills message {@code m} with slot {@code first} and, when {@code segmenting}, the slots after
     * it that can ride along in one UDP_SEGMENT send: same endpoint, same length (the last may be
     * shorter), at most {@link #MAX_SEGMENTS} and one maximal UDP payload. Returns the next slot.
     */
    private static int prepareMessage(Scratch s, Datagrams batch, int start, int first, int m, boolean segmenting) {
        int total = batch.count();
        Endpoint to = batch.endpoint(first);
        int size = batch.length(first);
        int limit = to.isIpv4() ? MAX_PAYLOAD_V4 : MAX_PAYLOAD_V6;
        int k = 1;
        int bytes = size;
        if (segmenting) {
            while (first + k < total && first + k - start < BATCH && k < MAX_SEGMENTS) {
                int len = batch.length(first + k);
                if (len > size
                        || bytes + len > limit
                        || !batch.endpoint(first + k).sameAs(to)) break;
                bytes += len;
                k++;
                if (len < size) break; // a shorter datagram ends the run
            }
        }
        for (int j = 0; j < k; j++) {
            int slot = first + j;
            long iov = (slot - start) * IOV;
            s.iovs.set(L, iov, batch.buffer(slot).address() + batch.offset(slot));
            s.iovs.set(L, iov + 8, batch.length(slot));
        }
        long msg = m * MMSG;
        writeEndpoint(s.names, m * NAME, to);
        s.msgs.set(I, msg + MSG_NAMELEN, (int) NAME);
        s.msgs.set(L, msg + MSG_IOV, s.iovs.address() + (first - start) * IOV);
        s.msgs.set(L, msg + MSG_IOVLEN, k);
        if (k > 1) {
            long c = m * CONTROL;
            s.controls.set(L, c + Layouts.CMSG_LEN, Layouts.CMSG_DATA + 2);
            s.controls.set(I, c + Layouts.CMSG_LEVEL, Linux.SOL_UDP);
            s.controls.set(I, c + Layouts.CMSG_TYPE, Linux.UDP_SEGMENT);
            s.controls.set(ValueLayout.JAVA_SHORT, c + Layouts.CMSG_DATA, (short) size);
            s.msgs.set(L, msg + MSG_CONTROL, s.controls.address() + c);
            s.msgs.set(L, msg + MSG_CONTROLLEN, Layouts.cmsgSpace(2));
        } else {
            s.msgs.set(L, msg + MSG_CONTROL, 0L);
            s.msgs.set(L, msg + MSG_CONTROLLEN, 0L);
        }
        s.msgFirst[m] = first;
        s.msgCount[m] = k;
        return first + k;
    }

    @Override
    public void send(MemorySegment buffer, long offset, int length, Endpoint to) throws IOException {
        Scratch s = scratch.get();
        s.iovs.set(L, 0, buffer.address() + offset);
        s.iovs.set(L, 8, length);
        writeEndpoint(s.names, 0, to);
        s.msgs.set(I, MSG_NAMELEN, (int) NAME);
        s.msgs.set(L, MSG_IOV, s.iovs.address());
        s.msgs.set(L, MSG_IOVLEN, 1L);
        s.msgs.set(L, MSG_CONTROL, 0L);
        s.msgs.set(L, MSG_CONTROLLEN, 0L);
        s.msgFirst[0] = 0;
        s.msgCount[0] = 1;
        sendPrepared(s, 1, null);
        if (s.sentSlots == 0) throw new IOException("UDP send buffer full: datagram dropped");
    }

    /**
     * One datagram with its own TTL: the control message IP_TTL (an IPv4, i.e. v4-mapped,
     * destination: the kernel sends it as IPv4 and reads SOL_IP messages) or IPV6_HOPLIMIT, an int
     * of 1..255. The socket's default (setsockopt) is untouched, so data-plane sends racing with
     * this one keep theirs.
     */
    @Override
    public boolean sendWithTtl(MemorySegment buffer, long offset, int length, Endpoint to, int ttl) throws IOException {
        if (ttl < 1 || ttl > 255) throw new IllegalArgumentException("ttl " + ttl);
        Scratch s = scratch.get();
        s.iovs.set(L, 0, buffer.address() + offset);
        s.iovs.set(L, 8, length);
        writeEndpoint(s.names, 0, to);
        s.controls.set(L, Layouts.CMSG_LEN, Layouts.CMSG_DATA + 4);
        s.controls.set(I, Layouts.CMSG_LEVEL, to.isIpv4() ? Linux.SOL_IP : Linux.SOL_IPV6);
        s.controls.set(I, Layouts.CMSG_TYPE, to.isIpv4() ? IP_TTL : IPV6_HOPLIMIT);
        s.controls.set(I, Layouts.CMSG_DATA, ttl);
        s.msgs.set(I, MSG_NAMELEN, (int) NAME);
        s.msgs.set(L, MSG_IOV, s.iovs.address());
        s.msgs.set(L, MSG_IOVLEN, 1L);
        s.msgs.set(L, MSG_CONTROL, s.controls.address());
        s.msgs.set(L, MSG_CONTROLLEN, CONTROL);
        s.msgFirst[0] = 0;
        s.msgCount[0] = 1;
        sendPrepared(s, 1, null);
        if (s.sentSlots == 0) throw new IOException("UDP send buffer full: datagram dropped");
        return true;
    }

    @Override
    public boolean ttlControl() {
        return true;
    }

    /**
     * sendmmsg of the first n prepared messages. What the kernel does not take — the rest after a
     * full socket buffer, or one message it refuses — has its slots marked
     * {@link Datagrams#NOT_SENT} (when {@code batch} is given). Returns how many messages were
     * dealt with (all, unless GSO was refused: then {@code s.gsoRefused} and the index of the
     * refused message); {@code s.sentSlots} says how many datagrams went out.
     */
    private int sendPrepared(Scratch s, int n, Datagrams batch) throws IOException {
        s.sentSlots = 0;
        s.gsoRefused = false;
        int sock = fd;
        if (sock < 0) throw new IOException("bind is closed");
        int done = 0;
        while (done < n) {
            MemorySegment from = done == 0 ? s.msgs : s.msgs.asSlice(done * MMSG);
            int r = Sockets.trySendmmsg(sock, from, n - done, 0);
            if (r >= 0) {
                for (int i = done; i < done + r; i++) s.sentSlots += s.msgCount[i];
                done += r;
                continue;
            }
            if (r == -Errno.EINTR) continue;
            if (r == -Errno.EAGAIN) { // socket buffer full: the rest is dropped, as the network would
                for (int i = done; i < n; i++) notSent(s, batch, i, Datagrams.BUFFER_FULL);
                return n;
            }
            if (r == -Errno.EIO && s.msgCount[done] > 1) { // the kernel cannot segment on this path
                s.gsoRefused = true;
                return done;
            }
            if (n == 1 && batch == null) throw new ErrnoException("sendmmsg from UDP port " + port, -r);
            notSent(s, batch, done, Datagrams.NOT_SENT); // skip the refused one, keep the rest
            done++;
        }
        return done;
    }

    private static void notSent(Scratch s, Datagrams batch, int msg, int why) {
        if (batch == null) return;
        for (int j = 0; j < s.msgCount[msg]; j++) batch.length(s.msgFirst[msg] + j, why);
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
