package jwg.tun.rootless;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import jwg.sys.Errno;
import jwg.sys.FdPassing;
import jwg.sys.Fds;
import jwg.sys.Linux;
import jwg.sys.SockAddrs;
import jwg.sys.Sockets;
import jwg.tun.LinuxTun;
import jwg.tun.TunOptions;
import jwg.tun.netlink.Rtnetlink;

/**
 * The helper process of the rootless mode, started by {@link RootlessTun} inside a new user +
 * network namespace ({@code unshare --user --map-root-user --net}). There it is root: it brings
 * up loopback, creates the TUN interface, connects to the parent's Unix socket and sends the
 * TUN descriptor and a NETLINK_ROUTE socket of the namespace (SCM_RIGHTS). Then it waits until
 * the parent closes the connection (or dies), which ends the namespace with it.
 *
 * <p>Arguments: SOCKET_PATH IFNAME VNET_HDR(0|1) MULTI_QUEUE(0|1).
 */
public final class RootlessChild {
    private RootlessChild() {}

    public static void main(String[] args) throws Exception {
        String socketPath = args[0];
        String name = args[1];
        TunOptions options = new TunOptions("1".equals(args[2]), "1".equals(args[3]));
        int conn = connect(socketPath);
        LinuxTun tun;
        try {
            try (Rtnetlink nl = Rtnetlink.open()) {
                nl.setUp(nl.index("lo"), "lo", true);
            }
            tun = LinuxTun.create(name, options);
        } catch (Exception | LinkageError e) {
            String msg = "ERR " + (e.getMessage() == null ? e.toString() : e.getMessage());
            FdPassing.send(conn, msg.getBytes(StandardCharsets.UTF_8));
            System.exit(1);
            return;
        }
        FdPassing.send(
                conn,
                ("OK " + tun.name()).getBytes(StandardCharsets.UTF_8),
                tun.fd(),
                tun.netlink().fd());
        // Hold the namespace until the parent goes away: its end of the connection closes.
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(64);
            long n;
            do {
                n = Fds.tryRead(conn, b, 64);
            } while (n > 0 || n == -Errno.EINTR);
        }
        System.exit(0);
    }

    private static int connect(String path) throws Exception {
        int s = Sockets.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SockAddrs.MAX_SIZE);
            int len = SockAddrs.writeUnix(addr, path);
            Sockets.connect(s, addr, len, path);
        }
        return s;
    }
}
