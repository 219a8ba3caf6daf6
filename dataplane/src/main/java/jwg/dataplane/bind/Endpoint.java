package jwg.dataplane.bind;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import jwg.noise.SourceAddress;
import jwg.tun.ip.IpText;

/**
 * A UDP endpoint (IPv4 or IPv6 address and port) held in plain fields, so the receive path
 * can record where each datagram came from without allocating. Mutable: a batch slot owns one
 * and overwrites it; {@link #copyFrom} takes a snapshot (e.g. when a peer roams).
 * IPv4 is kept as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) so comparisons are uniform.
 */
public final class Endpoint {
    private long hi; // bytes 0..7 of the 16-byte address, big-endian
    private long lo; // bytes 8..15
    private int port; // 0 = unset
    private int scopeId;

    private static final long V4_MAPPED_HI = 0L;
    private static final long V4_MAPPED_LO_PREFIX = 0x0000_FFFF_0000_0000L;

    public Endpoint() {}

    public static Endpoint of(InetSocketAddress a) {
        Endpoint e = new Endpoint();
        e.set(a.getAddress(), a.getPort());
        return e;
    }

    public boolean isSet() {
        return port != 0;
    }

    public boolean isIpv4() {
        return hi == V4_MAPPED_HI && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_LO_PREFIX;
    }

    public int port() {
        return port;
    }

    /** The IPv4 address as an int (big-endian); only meaningful if {@link #isIpv4()}. */
    public int ipv4() {
        return (int) lo;
    }

    public long high() {
        return hi;
    }

    public long low() {
        return lo;
    }

    public int scopeId() {
        return scopeId;
    }

    public void setIpv4(int address, int port) {
        this.hi = V4_MAPPED_HI;
        this.lo = V4_MAPPED_LO_PREFIX | (address & 0xFFFF_FFFFL);
        this.port = port;
        this.scopeId = 0;
    }

    /** Copies this address and port into {@code s}, the form the MAC2 and cookie checks take. */
    public void copyTo(SourceAddress s) {
        if (isIpv4()) s.setIpv4(ipv4(), port);
        else s.setIpv6(hi, lo, port);
    }

    public void setIpv6(long high, long low, int port, int scopeId) {
        this.hi = high;
        this.lo = low;
        this.port = port;
        this.scopeId = scopeId;
    }

    public void set(InetAddress address, int port) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            setIpv4(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff), port);
        } else {
            long h = 0, l = 0;
            for (int i = 0; i < 8; i++) h = (h << 8) | (b[i] & 0xff);
            for (int i = 8; i < 16; i++) l = (l << 8) | (b[i] & 0xff);
            int scope = address instanceof Inet6Address a6 ? a6.getScopeId() : 0;
            setIpv6(h, l, port, scope);
            if (isIpv4()) this.scopeId = 0;
        }
    }

    public void copyFrom(Endpoint o) {
        this.hi = o.hi;
        this.lo = o.lo;
        this.port = o.port;
        this.scopeId = o.scopeId;
    }

    public void clear() {
        hi = lo = 0;
        port = scopeId = 0;
    }

    public boolean sameAs(Endpoint o) {
        return hi == o.hi && lo == o.lo && port == o.port && scopeId == o.scopeId;
    }

    /** The address bytes: 4 for IPv4, 16 for IPv6 (allocates; control path only). */
    public byte[] addressBytes() {
        if (isIpv4()) {
            int a = ipv4();
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) b[i] = (byte) (hi >>> (56 - 8 * i));
        for (int i = 0; i < 8; i++) b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        return b;
    }

    /** Allocates; control path only. */
    public InetSocketAddress toSocketAddress() {
        try {
            byte[] b = addressBytes();
            InetAddress a = b.length == 16 && scopeId != 0
                    ? Inet6Address.getByAddress(null, b, scopeId)
                    : InetAddress.getByAddress(b);
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses "a.b.c.d:port" or "[v6]:port" (numeric only; names are resolved by the config layer). */
    public static Endpoint parse(String s) {
        String t = s.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1)
            throw new IllegalArgumentException("endpoint '" + s + "': expected host:port");
        String host = t.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + s + "': bad port");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("endpoint '" + s + "': port out of range");
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.contains(":"))
            throw new IllegalArgumentException("endpoint '" + s + "': IPv6 addresses need brackets");
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint '" + s + "': not a numeric address");
        }
        Endpoint e = new Endpoint();
        e.set(a, port);
        return e;
    }

    /** "a.b.c.d:port" or "[v6]:port", as wg prints endpoints (RFC 5952 text for IPv6). */
    @Override
    public String toString() {
        if (!isSet()) return "(none)";
        if (isIpv4()) return IpText.ipv4(ipv4()) + ":" + port;
        return "[" + IpText.ipv6(hi, lo) + (scopeId != 0 ? "%" + scopeId : "") + "]:" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && sameAs(e);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi * 31 + lo) * 31 + port;
    }
}
