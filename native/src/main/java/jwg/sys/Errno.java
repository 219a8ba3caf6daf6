package jwg.sys;

/** errno values (from {@code <asm-generic/errno-base.h>} and {@code <asm-generic/errno.h>}) and strerror(3). */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1,
            ENOENT = 2,
            ESRCH = 3,
            EINTR = 4,
            EIO = 5,
            ENXIO = 6,
            EBADF = 9,
            EAGAIN = 11,
            ENOMEM = 12,
            EACCES = 13,
            EBUSY = 16,
            EEXIST = 17,
            ENODEV = 19,
            EINVAL = 22,
            ENFILE = 23,
            EMFILE = 24,
            ENOSPC = 28,
            ERANGE = 34,
            ENAMETOOLONG = 36,
            ENOSYS = 38,
            EBADFD = 77,
            EMSGSIZE = 90,
            EOPNOTSUPP = 95,
            EADDRINUSE = 98,
            EADDRNOTAVAIL = 99,
            ENETUNREACH = 101,
            ENOBUFS = 105,
            ECONNREFUSED = 111,
            EHOSTUNREACH = 113;

    /** The C library's text for {@code errno} (strerror(3)), e.g. "File exists". */
    public static String strerror(int errno) {
        return Libc.strerror(errno);
    }
}
