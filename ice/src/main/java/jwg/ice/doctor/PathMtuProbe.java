package jwg.ice.doctor;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import jwg.sys.Errno;
import jwg.sys.ErrnoException;
import jwg.sys.Fds;
import jwg.sys.Layouts;
import jwg.sys.Linux;
import jwg.sys.Sockets;

/**
 * The underlay's path MTU toward one address, as the kernel learns it: a UDP socket with the
 * device's fwmark (so it takes the path the tunnel's own packets take, not the tunnel), path MTU
 * discovery on ({@code IP_MTU_DISCOVER = IP_PMTUDISC_DO}: DF set, nothing fragmented locally),
 * connected to the peer; datagrams as large as the current path MTU allows are sent, a router on
 * the way that cannot forward them answers ICMP "fragmentation needed" / "packet too big", the
 * kernel lowers the socket's path MTU ({@code IP_MTU}), and the probe repeats until it holds. The
 * probes carry zeros: a WireGuard peer drops them as malformed (they are counted there, never
 * answered).
 */
final class PathMtuProbe {
    private PathMtuProbe() {}

    /** Rounds of send-and-wait; each waits {@code waitMillis} for an ICMP error to arrive. */
    static final int ROUNDS = 4;

    /** The path MTU toward {@code to}, or -1 if no probe could be sent (no route, no permission). */
    static int probe(InetSocketAddress to, long fwmark, int waitMillis) {
        boolean v4 = to.getAddress() instanceof Inet4Address;
        int fd;
        try {
            fd = Sockets.socket(v4 ? Linux.AF_INET : Linux.AF_INET6, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
        } catch (ErrnoException e) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            if (fwmark != 0) Sockets.setInt(fd, Linux.SOL_SOCKET, Linux.SO_MARK, (int) fwmark);
            if (v4) Sockets.setInt(fd, Linux.SOL_IP, Linux.IP_MTU_DISCOVER, Linux.IP_PMTUDISC_DO);
            else Sockets.setInt(fd, Linux.SOL_IPV6, Linux.IPV6_MTU_DISCOVER, Linux.IPV6_PMTUDISC_DO);
            MemorySegment sa = sockaddr(arena, to, v4);
            Sockets.connect(fd, sa, (int) sa.byteSize(), "connect to " + to);
            MemorySegment buf = arena.allocate(65536);
            int header = v4 ? 28 : 48; // IP + UDP
            int mtu = mtu(fd, v4);
            for (int round = 0; round < ROUNDS; round++) {
                long n = Sockets.trySendto(fd, buf, mtu - header, 0, MemorySegment.NULL, 0);
                if (n == -Errno.EMSGSIZE) { // the kernel already knows a smaller path MTU
                    mtu = mtu(fd, v4);
                    continue;
                }
                Thread.sleep(waitMillis);
                int now = mtu(fd, v4);
                if (now == mtu && n >= 0) return mtu;
                mtu = now;
            }
            return mtu;
        } catch (ErrnoException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            Fds.close(fd);
        }
    }

    private static int mtu(int fd, boolean v4) throws ErrnoException {
        return v4 ? Sockets.getInt(fd, Linux.SOL_IP, Linux.IP_MTU) : Sockets.getInt(fd, Linux.SOL_IPV6, Linux.IPV6_MTU);
    }

    private static MemorySegment sockaddr(Arena arena, InetSocketAddress to, boolean v4) {
        byte[] a = to.getAddress().getAddress();
        MemorySegment sa = arena.allocate(v4 ? Layouts.SOCKADDR_IN : Layouts.SOCKADDR_IN6);
        sa.set(JAVA_SHORT, v4 ? Layouts.SIN_FAMILY : Layouts.SIN6_FAMILY, (short)
                (v4 ? Linux.AF_INET : Linux.AF_INET6));
        long port = v4 ? Layouts.SIN_PORT : Layouts.SIN6_PORT;
        sa.set(JAVA_BYTE, port, (byte) (to.getPort() >> 8));
        sa.set(JAVA_BYTE, port + 1, (byte) to.getPort());
        MemorySegment.copy(a, 0, sa, JAVA_BYTE, v4 ? Layouts.SIN_ADDR : Layouts.SIN6_ADDR, a.length);
        return sa;
    }
}
