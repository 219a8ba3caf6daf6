package jwg.tun;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address with a prefix length, as in "192.0.2.1/24" or "fd00::1/64": an interface
 * address, or (through {@link #network()}) a route such as a peer's AllowedIPs.
 */
public record Cidr(InetAddress address, int prefixLength) {
    public Cidr {
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException(
                    "prefix length " + prefixLength + " out of range 0.." + max + " for " + address.getHostAddress());
        }
    }

    /** Parses "ADDRESS/LEN" or a bare address (a host prefix, /32 or /128). Literal addresses only, no DNS. */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.isEmpty()
                || !(addr.indexOf(':') >= 0 || addr.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("not an IP address: '" + text + "'");
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(addr); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + text + "'");
        }
        int len;
        try {
            len = slash < 0 ? (ip instanceof Inet4Address ? 32 : 128) : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        return new Cidr(ip, len);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The address bytes (4 or 16). */
    public byte[] bytes() {
        return address.getAddress();
    }

    /** The same prefix with the host bits cleared: what a route's destination must be. */
    public Cidr network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return new Cidr(InetAddress.getByAddress(b), prefixLength);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        String a = address.getHostAddress();
        int pct = a.indexOf('%');
        if (pct >= 0) a = a.substring(0, pct);
        if (!isIpv4()) a = compress(a);
        return a + "/" + prefixLength;
    }

    /** RFC 5952 form: the longest run of two or more zero groups becomes "::". */
    private static String compress(String full) {
        String[] g = full.split(":");
        int bestAt = -1, bestLen = 1;
        for (int i = 0; i < g.length; ) {
            int j = i;
            while (j < g.length && g[j].equals("0")) j++;
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestAt < 0) return full;
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestAt));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestAt + bestLen, g.length));
        return head + "::" + tail;
    }
}
