package jwg.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The downcall handles to libc, each capturing errno (Linker.Option.captureCallState) into a
 * per-thread segment, so a call allocates nothing. The typed wrappers are in {@link Fds},
 * {@link Sockets}, {@link FdPassing}, {@link NetlinkSocket} and {@link NetNs}.
 */
final class Libc {
    private Libc() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option E = Linker.Option.captureCallState("errno");

    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    /** This thread's errno capture segment (allocated once per thread). */
    static MemorySegment state() {
        return STATE.get();
    }

    /** The errno the last captured call on this thread left. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static MethodHandle fn(String name, FunctionDescriptor d, Linker.Option... opts) {
        MemorySegment sym = LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(sym, d, opts);
    }

    private static FunctionDescriptor ints(int n) {
        var args = new java.lang.foreign.MemoryLayout[n];
        java.util.Arrays.fill(args, JAVA_INT);
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    // int open(const char *path, int flags, ...)  (variadic mode omitted: we never create files)
    static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), E);
    static final MethodHandle CLOSE = fn("close", ints(1), E);
    // ssize_t read/write(int, void*, size_t)
    static final MethodHandle READ = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), E);
    static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), E);
    // ssize_t readv/writev(int, const struct iovec*, int)
    static final MethodHandle READV = fn("readv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), E);
    static final MethodHandle WRITEV = fn("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), E);
    // int ioctl(int, unsigned long, ...) — variadic after the request
    static final MethodHandle IOCTL = fn(
            "ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            E,
            Linker.Option.firstVariadicArg(2));
    // int fcntl(int, int, ...) — variadic after the command
    static final MethodHandle FCNTL = fn("fcntl", ints(3), E, Linker.Option.firstVariadicArg(2));
    // int poll(struct pollfd*, nfds_t, int)
    static final MethodHandle POLL = fn("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), E);
    static final MethodHandle EVENTFD = fn("eventfd", ints(2), E);
    static final MethodHandle SETNS = fn("setns", ints(2), E);
    static final MethodHandle GETPID = fn("getpid", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle GETTID = fn("gettid", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle SETPRIORITY = fn("setpriority", ints(3));

    static final MethodHandle SOCKET = fn("socket", ints(3), E);
    static final MethodHandle SOCKETPAIR =
            fn("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), E);
    static final MethodHandle BIND = fn("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), E);
    static final MethodHandle CONNECT = fn("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), E);
    static final MethodHandle LISTEN = fn("listen", ints(2), E);
    static final MethodHandle ACCEPT4 =
            fn("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), E);
    static final MethodHandle SETSOCKOPT =
            fn("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), E);
    static final MethodHandle GETSOCKOPT =
            fn("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), E);
    static final MethodHandle GETSOCKNAME =
            fn("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), E);
    // ssize_t sendto(int, const void*, size_t, int, const struct sockaddr*, socklen_t)
    static final MethodHandle SENDTO = fn(
            "sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), E);
    // ssize_t recvfrom(int, void*, size_t, int, struct sockaddr*, socklen_t*)
    static final MethodHandle RECVFROM = fn(
            "recvfrom", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), E);
    static final MethodHandle SENDMSG = fn("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), E);
    static final MethodHandle RECVMSG = fn("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), E);
    // int sendmmsg(int, struct mmsghdr*, unsigned int, int); int recvmmsg(..., struct timespec*)
    static final MethodHandle SENDMMSG =
            fn("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), E);
    static final MethodHandle RECVMMSG =
            fn("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), E);

    // Fast variants without errno capture, for the data path: a downcall that captures errno goes
    // through SharedUtils.checkCaptureSegment, whose asSlice C2 does not always eliminate (an
    // allocation per call). Callers use these first and repeat a FAILED call with the capturing
    // handle to learn errno — safe, because a failed read/write/recvmmsg/sendmmsg/poll consumed
    // or sent nothing. Buffers are passed as raw addresses (x86_64/aarch64 pass pointers and
    // longs alike), so no slice of the caller's segment is made either.
    static final MethodHandle READ_AT = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle WRITE_AT = fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle POLL_FAST = fn("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle SENDMMSG_FAST =
            fn("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    static final MethodHandle RECVMMSG_FAST =
            fn("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    private static final MethodHandle STRERROR_R =
            fn("__xpg_strerror_r", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));

    /** strerror_r(3), the XSI variant (thread-safe). */
    static String strerror(int errno) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            int r = (int) STRERROR_R.invokeExact(errno, buf, 256L);
            return r == 0 ? buf.getString(0) : "errno " + errno;
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Turns a Throwable from invokeExact (which only ever wraps programming errors) into an unchecked one. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
