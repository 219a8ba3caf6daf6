package jwg.sys;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code inside another network namespace. setns(2) with CLONE_NEWNET changes the
 * namespace of the calling thread only, so {@link #run} does it on a fresh thread that ends
 * with the task: the rest of the JVM stays where it was. Sockets, netlink sockets and TUN
 * devices opened by the task stay bound to that namespace after the thread is gone.
 * Needs CAP_SYS_ADMIN (root).
 */
public final class NetNs {
    private NetNs() {}

    /** The file of a named namespace ({@code ip netns add NAME} creates /run/netns/NAME); absolute paths as given. */
    public static Path path(String nameOrPath) {
        return nameOrPath.startsWith("/") ? Path.of(nameOrPath) : Path.of("/run/netns", nameOrPath);
    }

    /** Runs {@code task} on a new thread inside the network namespace {@code nameOrPath} and returns its result. */
    public static <T> T run(String nameOrPath, Callable<T> task) throws Exception {
        Path ns = path(nameOrPath);
        FutureTask<T> f = new FutureTask<>(() -> {
            enter(ns);
            return task.call();
        });
        Thread t =
                Thread.ofPlatform().name("netns-" + ns.getFileName()).daemon().start(f);
        t.join();
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw e;
        }
    }

    /** Moves the calling thread into the network namespace at {@code ns} (setns(2)); for threads you own. */
    public static void enter(Path ns) throws ErrnoException {
        int fd = Fds.open(ns.toString(), Linux.O_RDONLY | Linux.O_CLOEXEC);
        try {
            var st = Libc.state();
            int r = (int) Libc.SETNS.invokeExact(st, fd, Linux.CLONE_NEWNET);
            if (r < 0) {
                int e = Libc.errno(st);
                throw new ErrnoException(
                        "enter network namespace " + ns,
                        e,
                        e == Errno.EPERM ? "entering a network namespace needs CAP_SYS_ADMIN" : null);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            Fds.close(fd);
        }
    }
}
