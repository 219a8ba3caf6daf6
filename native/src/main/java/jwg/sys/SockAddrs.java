package jwg.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** Writes and reads sockaddr_in / sockaddr_in6 / sockaddr_un in caller-owned segments. */
public final class SockAddrs {
    private SockAddrs() {}

    /** Room for any address jwg uses (sockaddr_un is the largest). */
    public static final long MAX_SIZE = Layouts.SOCKADDR_UN.byteSize();

    /** Writes {@code a} at the start of {@code seg}; returns the address length to pass to the kernel. */
    public static int write(MemorySegment seg, InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        if (ip instanceof Inet4Address) {
            seg.asSlice(0, Layouts.SOCKADDR_IN.byteSize()).fill((byte) 0);
            seg.set(JAVA_SHORT, Layouts.SIN_FAMILY, (short) Linux.AF_INET);
            seg.set(Layouts.NET_SHORT, Layouts.SIN_PORT, (short) a.getPort());
            MemorySegment.copy(ip.getAddress(), 0, seg, JAVA_BYTE, Layouts.SIN_ADDR, 4);
            return (int) Layouts.SOCKADDR_IN.byteSize();
        }
        seg.asSlice(0, Layouts.SOCKADDR_IN6.byteSize()).fill((byte) 0);
        seg.set(JAVA_SHORT, Layouts.SIN6_FAMILY, (short) Linux.AF_INET6);
        seg.set(Layouts.NET_SHORT, Layouts.SIN6_PORT, (short) a.getPort());
        MemorySegment.copy(ip.getAddress(), 0, seg, JAVA_BYTE, Layouts.SIN6_ADDR, 16);
        if (ip instanceof Inet6Address v6)
            seg.set(java.lang.foreign.ValueLayout.JAVA_INT, Layouts.SIN6_SCOPE_ID, v6.getScopeId());
        return (int) Layouts.SOCKADDR_IN6.byteSize();
    }

    /** Reads a sockaddr_in or sockaddr_in6 (allocates: not for hot paths). */
    public static InetSocketAddress read(MemorySegment seg) {
        short family = seg.get(JAVA_SHORT, 0);
        try {
            if (family == Linux.AF_INET) {
                byte[] b = seg.asSlice(Layouts.SIN_ADDR, 4).toArray(JAVA_BYTE);
                return new InetSocketAddress(
                        InetAddress.getByAddress(b), Short.toUnsignedInt(seg.get(Layouts.NET_SHORT, Layouts.SIN_PORT)));
            }
            if (family == Linux.AF_INET6) {
                byte[] b = seg.asSlice(Layouts.SIN6_ADDR, 16).toArray(JAVA_BYTE);
                return new InetSocketAddress(
                        InetAddress.getByAddress(b),
                        Short.toUnsignedInt(seg.get(Layouts.NET_SHORT, Layouts.SIN6_PORT)));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("not an IP socket address: family " + family);
    }

    /** Writes a sockaddr_un for a filesystem path; returns its length. */
    public static int writeUnix(MemorySegment seg, String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= 108) throw new IllegalArgumentException("Unix socket path longer than 107 bytes: " + path);
        seg.asSlice(0, Layouts.SOCKADDR_UN.byteSize()).fill((byte) 0);
        seg.set(JAVA_SHORT, Layouts.SUN_FAMILY, (short) Linux.AF_UNIX);
        MemorySegment.copy(p, 0, seg, JAVA_BYTE, Layouts.SUN_PATH, p.length);
        return (int) (Layouts.SUN_PATH + p.length + 1);
    }
}
