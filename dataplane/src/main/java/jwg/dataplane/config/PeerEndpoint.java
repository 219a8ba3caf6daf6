package jwg.dataplane.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import jwg.tun.ip.IpText;
import jwg.tun.ip.UntrustedText;

/**
 * A peer's endpoint as configured: a host (numeric IPv4/IPv6, or a DNS name in a wg-quick file)
 * and a UDP port. Numeric hosts are kept in canonical form (RFC 5952 for IPv6), so equal
 * addresses compare equal. Text form: "host:port", "[v6]:port".
 */
public record PeerEndpoint(String host, int port) {
    private static final int MAX_HOST = 253;

    public PeerEndpoint {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("endpoint port must be 1..65535, got " + port);
        if (IpText.isAddress(host)) host = IpText.format(IpText.parse(host));
        else if (!isHostName(host))
            throw new IllegalArgumentException(UntrustedText.quote(host) + " is neither an IP address nor a host name");
    }

    /** Parses "host:port" or "[ipv6]:port"; the host may be a DNS name (resolved later, as wg does). */
    public static PeerEndpoint parse(String text) {
        String host, port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) throw new IllegalArgumentException(UntrustedText.quote(text) + ": no matching ']'");
            if (close + 1 >= text.length() || text.charAt(close + 1) != ':')
                throw new IllegalArgumentException(UntrustedText.quote(text) + ": no port after ']'");
            host = text.substring(1, close);
            if (!host.contains(":") || !IpText.isAddress(host))
                throw new IllegalArgumentException(
                        UntrustedText.quote(text) + ": " + UntrustedText.quote(host) + " is not an IPv6 address");
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) throw new IllegalArgumentException(UntrustedText.quote(text) + ": expected host:port");
            host = text.substring(0, colon);
            if (host.contains(":"))
                throw new IllegalArgumentException(
                        UntrustedText.quote(text) + ": an IPv6 endpoint needs brackets, as [addr]:port");
            port = text.substring(colon + 1);
        }
        if (host.isEmpty()) throw new IllegalArgumentException(UntrustedText.quote(text) + ": no host");
        return new PeerEndpoint(host, parsePort(text, port));
    }

    /** As {@link #parse}, but the host must be a numeric address (UAPI endpoints are never names). */
    public static PeerEndpoint parseNumeric(String text) {
        PeerEndpoint e = parse(text);
        if (!e.isNumeric())
            throw new IllegalArgumentException(UntrustedText.quote(text) + ": the host must be a numeric IP address");
        return e;
    }

    public static PeerEndpoint of(InetSocketAddress a) {
        return new PeerEndpoint(IpText.format(a.getAddress().getAddress()), a.getPort());
    }

    private static int parsePort(String text, String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(UntrustedText.quote(text) + ": the port must be a number 1..65535");
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535)
            throw new IllegalArgumentException(UntrustedText.quote(text) + ": the port must be a number 1..65535");
        return p;
    }

    static boolean isHostName(String h) {
        if (h.isEmpty() || h.length() > MAX_HOST || h.startsWith(".") || h.startsWith("-")) return false;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_';
            if (!ok) return false;
        }
        return !h.contains("..");
    }

    /** True if the host is an IP address (no DNS needed). */
    public boolean isNumeric() {
        return IpText.isAddress(host);
    }

    /** The socket address; a host name is resolved with the system resolver (blocking). */
    public InetSocketAddress resolve() throws UnknownHostException {
        InetAddress a = isNumeric() ? InetAddress.getByAddress(IpText.parse(host)) : InetAddress.getByName(host);
        return new InetSocketAddress(a, port);
    }

    @Override
    public String toString() {
        return IpText.hostPort(host, port);
    }
}
