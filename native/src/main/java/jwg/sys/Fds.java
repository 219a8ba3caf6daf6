package jwg.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * File-descriptor system calls. The {@code try*} methods are for hot paths where failure is
 * normal (EAGAIN, EINTR): they return the result, or {@code -errno} on failure, and allocate
 * nothing. The others throw {@link ErrnoException} naming the call.
 */
public final class Fds {
    private Fds() {}

    /** open(2); throws "open PATH: reason". */
    public static int open(String path, int flags) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.state();
            int fd = (int) Libc.OPEN.invokeExact(st, a.allocateFrom(path), flags);
            if (fd < 0) throw new ErrnoException("open " + path, Libc.errno(st));
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** close(2); returns 0 or -errno (there is nothing useful to do about a failed close). */
    public static int close(int fd) {
        try {
            MemorySegment st = Libc.state();
            int r = (int) Libc.CLOSE.invokeExact(st, fd);
            return r < 0 ? -Libc.errno(st) : 0;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** read(2) of up to {@code len} bytes into {@code buf}: bytes read, or -errno. */
    public static long tryRead(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Libc.state();
            long n = (long) Libc.READ.invokeExact(st, fd, buf, len);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * read(2) into {@code buf} at {@code offset} (native memory), up to {@code len} bytes: bytes
     * read, or -errno. Allocation-free: no slice, no errno capture unless the call fails.
     */
    public static long tryRead(int fd, MemorySegment buf, long offset, long len) {
        java.util.Objects.checkFromIndexSize(offset, len, buf.byteSize());
        try {
            long n = (long) Libc.READ_AT.invokeExact(fd, buf.address() + offset, len);
            return n >= 0 ? n : tryRead(fd, buf.asSlice(offset, len), len); // failed: again, for errno
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * read(2) into {@code buf} at {@code offset}, without errno: bytes read, or -1 for any failure
     * (usually EAGAIN). For loops that poll on -1 and ask {@link #tryRead} for errno only when a
     * descriptor poll called ready still fails. Never allocates.
     */
    public static long readOrFail(int fd, MemorySegment buf, long offset, long len) {
        java.util.Objects.checkFromIndexSize(offset, len, buf.byteSize());
        try {
            return (long) Libc.READ_AT.invokeExact(fd, buf.address() + offset, len);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** write(2) of {@code len} bytes from {@code buf} at {@code offset} (native memory); allocation-free like {@link #tryRead(int, MemorySegment, long, long)}. */
    public static long tryWrite(int fd, MemorySegment buf, long offset, long len) {
        java.util.Objects.checkFromIndexSize(offset, len, buf.byteSize());
        try {
            long n = (long) Libc.WRITE_AT.invokeExact(fd, buf.address() + offset, len);
            return n >= 0 ? n : tryWrite(fd, buf.asSlice(offset, len), len); // failed: wrote nothing; again, for errno
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** write(2) of {@code len} bytes from {@code buf}: bytes written, or -errno. */
    public static long tryWrite(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Libc.state();
            long n = (long) Libc.WRITE.invokeExact(st, fd, buf, len);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** readv(2) into {@code count} {@link Layouts#IOVEC}s: bytes read, or -errno. */
    public static long tryReadv(int fd, MemorySegment iovecs, int count) {
        try {
            MemorySegment st = Libc.state();
            long n = (long) Libc.READV.invokeExact(st, fd, iovecs, count);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** writev(2) from {@code count} {@link Layouts#IOVEC}s: bytes written, or -errno. */
    public static long tryWritev(int fd, MemorySegment iovecs, int count) {
        try {
            MemorySegment st = Libc.state();
            long n = (long) Libc.WRITEV.invokeExact(st, fd, iovecs, count);
            return n < 0 ? -Libc.errno(st) : n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** read(2) that throws on failure other than EINTR (retried). Returns bytes read (0 at end of file). */
    public static long read(int fd, MemorySegment buf, long len) throws ErrnoException {
        long n;
        while ((n = tryRead(fd, buf, len)) == -Errno.EINTR) {}
        if (n < 0) throw new ErrnoException("read fd " + fd, (int) -n);
        return n;
    }

    /** write(2) that throws on failure other than EINTR (retried). */
    public static long write(int fd, MemorySegment buf, long len) throws ErrnoException {
        long n;
        while ((n = tryWrite(fd, buf, len)) == -Errno.EINTR) {}
        if (n < 0) throw new ErrnoException("write fd " + fd, (int) -n);
        return n;
    }

    /** ioctl(2) with a pointer argument: its result, or -errno. */
    public static int tryIoctl(int fd, long request, MemorySegment arg) {
        try {
            MemorySegment st = Libc.state();
            int r = (int) Libc.IOCTL.invokeExact(st, fd, request, arg);
            return r < 0 ? -Libc.errno(st) : r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** ioctl(2) that throws "{@code what}: reason". */
    public static int ioctl(int fd, long request, MemorySegment arg, String what) throws ErrnoException {
        int r = tryIoctl(fd, request, arg);
        if (r < 0) throw new ErrnoException(what, -r);
        return r;
    }

    /** fcntl(2) with an int argument; throws on failure. */
    public static int fcntl(int fd, int cmd, int arg) throws ErrnoException {
        try {
            MemorySegment st = Libc.state();
            int r = (int) Libc.FCNTL.invokeExact(st, fd, cmd, arg);
            if (r < 0) throw new ErrnoException("fcntl fd " + fd, Libc.errno(st));
            return r;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Sets or clears O_NONBLOCK. */
    public static void setNonBlocking(int fd, boolean on) throws ErrnoException {
        int fl = fcntl(fd, Linux.F_GETFL, 0);
        fcntl(fd, Linux.F_SETFL, on ? fl | Linux.O_NONBLOCK : fl & ~Linux.O_NONBLOCK);
    }

    /** poll(2) on {@code n} {@link Layouts#POLLFD}s: the number ready, or -errno. */
    public static int tryPoll(MemorySegment pollfds, int n, int timeoutMillis) {
        try {
            int fast = (int) Libc.POLL_FAST.invokeExact(pollfds, (long) n, timeoutMillis);
            if (fast >= 0) return fast; // no errno capture on success: no allocation
            MemorySegment st = Libc.state();
            int r = (int) Libc.POLL.invokeExact(st, pollfds, (long) n, timeoutMillis);
            return r < 0 ? -Libc.errno(st) : r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** eventfd(2). */
    public static int eventfd(int initial, int flags) throws ErrnoException {
        try {
            MemorySegment st = Libc.state();
            int fd = (int) Libc.EVENTFD.invokeExact(st, initial, flags);
            if (fd < 0) throw new ErrnoException("eventfd", Libc.errno(st));
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** getpid(2). */
    public static int getpid() {
        try {
            return (int) Libc.GETPID.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * The real user id, as getuid(2) returns it, read from {@code /proc/self/status} without a
     * native call: the CLI's parent process ({@code jwg IFNAME} before it starts the daemon) asks
     * for it, and linking libc's calls would cost it ~0.3 s of its start (docs/benchmarks.md,
     * "Start-up").
     */
    public static int getuid() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:"))
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
            }
        } catch (java.io.IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the user id from /proc/self/status: " + e.getMessage(), e);
        }
        throw new IllegalStateException("/proc/self/status has no Uid line");
    }

    /**
     * Sets the calling thread's nice value (setpriority(2) on its thread id: Linux schedules
     * threads on their own). Returns 0 or -1 (e.g. a lower value without CAP_SYS_NICE).
     */
    public static int niceThisThread(int nice) {
        try {
            int tid = (int) Libc.GETTID.invokeExact();
            return (int) Libc.SETPRIORITY.invokeExact(0 /* PRIO_PROCESS: one thread, by its id */, tid, nice);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
