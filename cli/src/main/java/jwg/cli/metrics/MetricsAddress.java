package jwg.cli.metrics;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import jwg.dataplane.config.ConfigException;
import jwg.dataplane.config.WgQuickConfig;
import jwg.tun.ip.IpText;

/**
 * Where the metrics endpoint listens: {@code #! Metrics = ADDRESS} in a .conf's [Interface] (for
 * {@code jwg up}), or {@code JWG_METRICS=ADDRESS} in the environment (for wg-quick mode, which
 * strips comments before jwg sees the file; {@code jwg up} uses it when the file has no key).
 * ADDRESS is {@code PORT} (on 127.0.0.1), {@code IP:PORT} or {@code [IPv6]:PORT}; IP literals only,
 * no host names. Any address is allowed since it was written down on purpose, but one that is not
 * loopback is logged: whoever reaches it sees peer public keys and traffic counters (never a
 * private or preshared key).
 */
public final class MetricsAddress {
    /** The environment variable for wg-quick mode. */
    public static final String ENV = "JWG_METRICS";
    /** The .conf key, {@code #! Metrics = ...} in [Interface]. */
    public static final String KEY = "Metrics";

    private MetricsAddress() {}

    /** The address in {@code conf}'s {@code #! Metrics} key, else in $JWG_METRICS, else null (no endpoint). */
    public static InetSocketAddress from(String fileName, WgQuickConfig conf) throws ConfigException {
        InetSocketAddress found = null;
        for (WgQuickConfig.Extension e : conf.extensions()) {
            if (!e.key().equalsIgnoreCase(KEY)) continue;
            String where = "'#! " + e.key() + " = " + e.value() + "': ";
            if (e.peer() >= 0) throw new ConfigException(fileName, 0, where + "belongs in [Interface]");
            if (found != null) throw new ConfigException(fileName, 0, where + "given twice");
            try {
                found = parse(e.value());
            } catch (IllegalArgumentException x) {
                throw new ConfigException(fileName, 0, where + x.getMessage());
            }
        }
        return found != null ? found : fromEnvironment();
    }

    /** The address in $JWG_METRICS, or null when it is unset or empty. */
    public static InetSocketAddress fromEnvironment() {
        String v = System.getenv(ENV);
        if (v == null || v.isBlank()) return null;
        try {
            return parse(v.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV + "='" + v + "': " + e.getMessage());
        }
    }

    /** {@code PORT}, {@code IP:PORT} or {@code [IPv6]:PORT}. */
    public static InetSocketAddress parse(String v) {
        String host = "127.0.0.1", port = v;
        int colon = v.lastIndexOf(':');
        if (colon >= 0) {
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            else if (host.contains(":"))
                throw new IllegalArgumentException("write an IPv6 address in brackets: [::1]:9586");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected PORT, IP:PORT or [IPv6]:PORT");
        }
        if (p < 1 || p > 65535) throw new IllegalArgumentException("port " + p + " out of range 1..65535");
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address (host names are not looked up)");
        }
        return new InetSocketAddress(a, p);
    }

    /** How the address reads in messages. */
    public static String text(InetSocketAddress a) {
        return IpText.hostPort(a);
    }
}
