package jwg.tun.ip;

/**
 * Strict numeric IP address text, both ways, without DNS and without {@link java.net.InetAddress}'s
 * leniencies: IPv4 is exactly four decimal octets without leading zeros (as inet_pton), IPv6 is
 * RFC 4291 text (one "::", an optional trailing dotted quad, no zone). Printing follows RFC 5952.
 * An IPv4-mapped IPv6 address stays IPv6 (16 bytes) — it is not silently turned into IPv4.
 */
public final class IpText {
    private IpText() {}

    /** The 4 or 16 address bytes of {@code text}; throws with the reason if it is not an address. */
    public static byte[] parse(String text) {
        byte[] b = text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
        if (b == null) throw new IllegalArgumentException(UntrustedText.quote(text) + " is not an IP address");
        return b;
    }

    /** True if {@code text} is a numeric IPv4 or IPv6 address. */
    public static boolean isAddress(String text) {
        return (text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text)) != null;
    }

    static byte[] parseIpv4(String s) {
        byte[] out = new byte[4];
        int n = s.length(), part = 0, i = 0;
        while (part < 4) {
            int start = i, v = 0;
            while (i < n && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9')
                v = v * 10 + (s.charAt(i++) - '0');
            int len = i - start;
            if (len == 0 || v > 255 || (len > 1 && s.charAt(start) == '0')) return null;
            out[part++] = (byte) v;
            if (part < 4) {
                if (i >= n || s.charAt(i) != '.') return null;
                i++;
            }
        }
        return i == n ? out : null;
    }

    static byte[] parseIpv6(String s) {
        int n = s.length();
        if (n < 2 || n > 45) return null;
        int[] groups = new int[8];
        int count = 0, gap = -1, i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) return new byte[16];
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (count == 8) return null;
            int start = i, v = 0;
            while (i < n && i - start < 5) {
                int d = Character.digit(s.charAt(i), 16);
                if (d < 0) break;
                v = (v << 4) | d;
                i++;
            }
            int len = i - start;
            if (i < n && s.charAt(i) == '.') { // trailing dotted quad
                if (count > 6) return null;
                byte[] v4 = parseIpv4(s.substring(start));
                if (v4 == null) return null;
                groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                i = n;
                break;
            }
            if (len == 0 || len > 4) return null;
            groups[count++] = v;
            if (i == n) break;
            if (s.charAt(i) != ':') return null;
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) return null;
                gap = count;
                i++;
                if (i == n) break;
            } else if (i == n) {
                return null; // trailing single ':'
            }
        }
        if (gap < 0 ? count != 8 : count > 7) return null;
        byte[] out = new byte[16];
        int tail = gap < 0 ? 0 : count - gap;
        for (int g = 0; g < count; g++) {
            int pos = (gap >= 0 && g >= gap) ? 8 - tail + (g - gap) : g;
            out[2 * pos] = (byte) (groups[g] >>> 8);
            out[2 * pos + 1] = (byte) groups[g];
        }
        return out;
    }

    /** Dotted quad for 4 bytes, RFC 5952 for 16 (IPv4-mapped as ::ffff:a.b.c.d, as Go and glibc print it). */
    public static String format(byte[] a) {
        if (a.length == 4)
            return ipv4(((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff));
        if (a.length != 16) throw new IllegalArgumentException("an IP address is 4 or 16 bytes");
        long hi = 0, lo = 0;
        for (int i = 0; i < 8; i++) hi = (hi << 8) | (a[i] & 0xff);
        for (int i = 8; i < 16; i++) lo = (lo << 8) | (a[i] & 0xff);
        return ipv6(hi, lo);
    }

    /**
     * "host:port", or "[host]:port" when the host is IPv6 text (it has a colon): how wg, Go's
     * netip.AddrPort and URLs write an endpoint. The host is written as given (an address or a name).
     */
    public static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@link #hostPort} of a socket address, the address in RFC 5952 text ("[fd00::1]:51820"). */
    public static String hostPort(java.net.InetSocketAddress a) {
        return hostPort(format(a.getAddress().getAddress()), a.getPort());
    }

    public static String ipv4(int a) {
        return ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    public static String ipv6(long hi, long lo) {
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) return "::ffff:" + ipv4((int) lo);
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
        for (int i = 0; i < 4; i++) g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
