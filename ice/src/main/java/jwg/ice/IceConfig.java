package jwg.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jwg.dataplane.config.ConfigException;
import jwg.dataplane.config.WgQuickConfig;

/**
 * jwg's connectivity keys in a wg-quick .conf. They are comment lines starting with {@code #!}
 * in [Interface], so plain wg-quick and wg ignore them and the file still works as a static
 * configuration:
 * <pre>
 * #! IceSignal = http://203.0.113.1:8080/      (turns ICE on for every peer without an Endpoint)
 * #! IceStun = 203.0.113.1:3478                (repeatable)
 * #! IceTurn = user:password@203.0.113.1:3478  (repeatable; long-term credentials, UDP)
 * #! IceLazy = on                              (default off)
 * #! IceIdleTimeout = 15m                      (lazy: back to Idle after this long without data; s/m/h)
 * </pre>
 * Peers with an Endpoint stay plain WireGuard. An unknown or malformed key is refused with its
 * name, before anything is brought up.
 */
public record IceConfig(URI signal, IceServers servers, boolean lazy, Duration idleTimeout) {
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(15);
    public static final Duration MIN_IDLE = Duration.ofSeconds(5);
    /** The longest IceIdleTimeout: a year (larger values overflowed the tick arithmetic). */
    public static final Duration MAX_IDLE = Duration.ofDays(365);

    /** The ICE settings in {@code conf}, or null if it has no IceSignal (plain WireGuard). */
    public static IceConfig from(String fileName, WgQuickConfig conf) throws ConfigException {
        URI signal = null;
        List<InetSocketAddress> stun = new ArrayList<>();
        List<IceServers.Turn> turn = new ArrayList<>();
        boolean lazy = false;
        Duration idle = DEFAULT_IDLE;
        boolean any = false;
        for (WgQuickConfig.Extension e : conf.extensions()) {
            String key = e.key().toLowerCase(Locale.ROOT);
            if (!key.startsWith("ice")) continue;
            any = true;
            if (e.peer() >= 0) throw error(fileName, e, "belongs in [Interface]");
            String v = e.value();
            switch (key) {
                case "icesignal" -> signal = signalUri(fileName, e);
                case "icestun" -> stun.add(address(fileName, e, v));
                case "iceturn" -> turn.add(turn(fileName, e));
                case "icelazy" -> lazy = bool(fileName, e);
                case "iceidletimeout" -> idle = duration(fileName, e);
                default ->
                    throw error(
                            fileName, e, "unknown key (known: IceSignal, IceStun, IceTurn, IceLazy, IceIdleTimeout)");
            }
        }
        if (!any) return null;
        if (signal == null) throw new ConfigException(fileName, 0, "ICE keys given but no '#! IceSignal = URL'");
        return new IceConfig(signal, new IceServers(stun, turn), lazy, idle);
    }

    /** The connectivity settings for a device on interface {@code ifname} (its own addresses never become candidates). */
    public Connectivity.Settings settings(String ifname) {
        return new Connectivity.Settings(signal, servers, lazy, idleTimeout, List.of(), Set.of(ifname), false);
    }

    private static URI signalUri(String file, WgQuickConfig.Extension e) throws ConfigException {
        try {
            URI u = new URI(e.value());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null)
                throw error(file, e, "expected an http:// or https:// URL");
            return u;
        } catch (java.net.URISyntaxException x) {
            throw error(file, e, "not a URL");
        }
    }

    private static InetSocketAddress address(String file, WgQuickConfig.Extension e, String v) throws ConfigException {
        int colon = v.lastIndexOf(':');
        if (colon <= 0) throw error(file, e, "expected host:port");
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException x) {
            throw error(file, e, "bad port");
        }
        if (port < 1 || port > 65535) throw error(file, e, "port out of range");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException x) {
            throw error(file, e, "cannot resolve " + host);
        }
    }

    private static IceServers.Turn turn(String file, WgQuickConfig.Extension e) throws ConfigException {
        String v = e.value();
        int at = v.lastIndexOf('@');
        int colon = at < 0 ? -1 : v.indexOf(':');
        if (at < 0 || colon < 0 || colon > at) throw error(file, e, "expected user:password@host:port");
        String user = v.substring(0, colon), password = v.substring(colon + 1, at);
        if (user.isEmpty() || password.isEmpty()) throw error(file, e, "empty user or password");
        return new IceServers.Turn(address(file, e, v.substring(at + 1)), user, password);
    }

    private static boolean bool(String file, WgQuickConfig.Extension e) throws ConfigException {
        return switch (e.value().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default -> throw error(file, e, "expected on or off");
        };
    }

    private static Duration duration(String file, WgQuickConfig.Extension e) throws ConfigException {
        String v = e.value().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) throw error(file, e, "empty");
        char unit = v.charAt(v.length() - 1);
        long n;
        try {
            n = Long.parseLong(Character.isDigit(unit) ? v : v.substring(0, v.length() - 1));
        } catch (NumberFormatException x) {
            throw error(file, e, "expected a number with s, m or h");
        }
        long perUnit = switch (unit) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> {
                if (Character.isDigit(unit)) yield 1;
                throw error(file, e, "unit must be s, m or h");
            }
        };
        if (n > MAX_IDLE.toSeconds() / perUnit) throw error(file, e, "at most " + MAX_IDLE.toDays() + " days");
        Duration d = Duration.ofSeconds(n * perUnit);
        if (d.compareTo(MIN_IDLE) < 0) throw error(file, e, "at least " + MIN_IDLE.toSeconds() + " s");
        return d;
    }

    private static ConfigException error(String file, WgQuickConfig.Extension e, String why) {
        return new ConfigException(
                file,
                0,
                "'#! " + e.key() + " = " + (e.key().equalsIgnoreCase("IceTurn") ? "(redacted)" : e.value()) + "': "
                        + why);
    }

    @Override
    public String toString() {
        return "IceConfig[signal=" + signal + ", " + servers + ", lazy=" + lazy + ", idle=" + idleTimeout + "]";
    }
}
