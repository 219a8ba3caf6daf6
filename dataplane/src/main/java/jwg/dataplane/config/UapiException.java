package jwg.dataplane.config;

/**
 * A failed UAPI operation and the errno the reply carries, with wireguard-go's values on Linux
 * (negative, written as e.g. {@code errno=-22}). The message is for logs, never sent to the client.
 */
public final class UapiException extends Exception {
    /** -EIO: the request could not be read (e.g. a line longer than the limit). */
    public static final int EIO = -5;
    /** -EPROTO: a line that is not key=value. */
    public static final int EPROTO = -71;
    /** -EINVAL: an unknown key or a bad value. */
    public static final int EINVAL = -22;
    /** -EADDRINUSE: the listen port (or fwmark) could not be applied to the socket. */
    public static final int EADDRINUSE = -98;
    /** wireguard-go's "other error" code (-ENOANO). */
    public static final int UNKNOWN = -55;

    private final int errno;

    public UapiException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public UapiException(int errno, String message, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The value for the {@code errno=} reply line (negative). */
    public int errno() {
        return errno;
    }
}
