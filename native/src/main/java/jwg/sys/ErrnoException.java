package jwg.sys;

import java.io.IOException;

/**
 * A failed system call: the operation in words, the errno and strerror(3) text,
 * e.g. {@code "add address 192.0.2.1/24 to jwg0: File exists"}. An optional hint tells
 * the user what to do about it.
 */
public class ErrnoException extends IOException {
    private final int errno;
    private final String operation;

    public ErrnoException(String operation, int errno) {
        this(operation, errno, null);
    }

    public ErrnoException(String operation, int errno, String hint) {
        super(operation + ": " + Errno.strerror(errno) + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")"));
        this.errno = errno;
        this.operation = operation;
    }

    /** The errno value, e.g. {@link Errno#EEXIST}. */
    public int errno() {
        return errno;
    }

    /** What was being done, e.g. "open /dev/net/tun". */
    public String operation() {
        return operation;
    }
}
