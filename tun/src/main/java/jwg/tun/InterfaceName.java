package jwg.tun;

import java.nio.charset.StandardCharsets;
import jwg.sys.Linux;

/**
 * The rule for a network interface's name, as the kernel and wg-quick apply it: 1 to 15 bytes, no
 * '/', ':', whitespace or NUL, not "." or "..". Kept apart from {@link LinuxTun} so that a caller
 * that only checks a name (the CLI before it names a file after it, the parent process of a
 * daemon start) does not link the TUN's native calls.
 */
public final class InterfaceName {
    private InterfaceName() {}

    /** Checks {@code name} and returns its bytes; throws IllegalArgumentException saying what is wrong. */
    public static byte[] check(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("the interface name is empty");
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length >= Linux.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '" + name + "' is " + b.length
                    + " bytes long; Linux allows at most " + (Linux.IFNAMSIZ - 1));
        }
        if (name.equals(".")
                || name.equals("..")
                || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c == 0)) {
            throw new IllegalArgumentException("interface name '" + name + "' may not contain '/', ':' or spaces");
        }
        return b;
    }
}
