package jwg.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jwg.dataplane.config.ConfigException;
import jwg.dataplane.config.PeerEndpoint;
import jwg.dataplane.config.WgQuickConfig;
import jwg.noise.PublicKey;

/**
 * How a node connects: the one ICE configuration, read once from the {@code #!} keys of a
 * wg-quick .conf ({@link #from}) and handed to {@link Connectivity#start}. The keys are comment
 * lines, so plain wg-quick and wg ignore them and the file still works as a static configuration:
 * <pre>
 * [Interface]
 * #! IceSignal = http://203.0.113.1:8080/      (turns ICE on for every peer without an Endpoint)
 * #! IceStun = 203.0.113.1:3478                (repeatable)
 * #! IceTurn = user:password@203.0.113.1:3478  (repeatable; long-term credentials, UDP)
 * #! IceLazy = on                              (default off)
 * #! IceIdleTimeout = 15m                      (lazy: back to Idle after this long without data; s/m/h)
 * #! IceRelay = on                             (on: relay when direct fails; off: direct only; force: relayed only)
 * [Peer]
 * #! IceRelay = off                            (this peer only; overrides [Interface]'s)
 * </pre>
 * Peers with an Endpoint stay plain WireGuard. An unknown or malformed key is refused with its
 * file, line and name, before anything is brought up.
 *
 * @param relay     the relay policy of peers without their own {@code IceRelay}
 * @param peerRelay the peers' own relay policies
 * @param hosts     which local addresses become host candidates
 */
public record IceConfig(
        URI signal,
        IceServers servers,
        boolean lazy,
        Duration idleTimeout,
        RelayPolicy relay,
        Map<PublicKey, RelayPolicy> peerRelay,
        HostCandidates hosts) {
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(15);
    public static final Duration MIN_IDLE = Duration.ofSeconds(5);
    /** The longest IceIdleTimeout: a year (larger values overflowed the tick arithmetic). */
    public static final Duration MAX_IDLE = Duration.ofDays(365);

    private static final String KNOWN = "IceSignal, IceStun, IceTurn, IceLazy, IceIdleTimeout, IceRelay";

    public IceConfig {
        peerRelay = Map.copyOf(peerRelay);
        if (idleTimeout.isNegative() || idleTimeout.isZero())
            throw new IllegalArgumentException("idle timeout must be positive");
    }

    /** {@code signal} and {@code servers} with the defaults of everything else (not lazy, relay on, every interface). */
    public static IceConfig of(URI signal, IceServers servers) {
        return new IceConfig(signal, servers, false, DEFAULT_IDLE, RelayPolicy.ON, Map.of(), HostCandidates.ANY);
    }

    /**
     * Which local addresses become host candidates: {@code addresses} if not empty, else every up
     * interface's except {@code excludedInterfaces} (the WireGuard interface) and loopback unless
     * {@code loopback}.
     */
    public record HostCandidates(List<InetAddress> addresses, Set<String> excludedInterfaces, boolean loopback) {
        public static final HostCandidates ANY = new HostCandidates(List.of(), Set.of(), false);

        public HostCandidates {
            addresses = List.copyOf(addresses);
            excludedInterfaces = Set.copyOf(excludedInterfaces);
        }
    }

    /** The relay policy for {@code peer}: its own, else the interface's. */
    public RelayPolicy relayFor(PublicKey peer) {
        return peerRelay.getOrDefault(peer, relay);
    }

    public IceConfig withLazy(boolean lazy, Duration idleTimeout) {
        return new IceConfig(signal, servers, lazy, idleTimeout, relay, peerRelay, hosts);
    }

    public IceConfig withRelay(RelayPolicy relay, Map<PublicKey, RelayPolicy> peerRelay) {
        return new IceConfig(signal, servers, lazy, idleTimeout, relay, peerRelay, hosts);
    }

    public IceConfig withHosts(HostCandidates hosts) {
        return new IceConfig(signal, servers, lazy, idleTimeout, relay, peerRelay, hosts);
    }

    /** The environment variable that overrides every {@code IceRelay} (a debugging switch, as Netbird's NB_FORCE_RELAY). */
    public static final String RELAY_ENV = "JWG_ICE_RELAY";

    /**
     * With {@code $JWG_ICE_RELAY}'s policy for every peer when {@code value} (the variable's
     * value) is set and not blank; a value that is not on, off or force is refused naming it.
     */
    public IceConfig withRelayOverride(String value) throws ConfigException {
        if (value == null || value.isBlank()) return this;
        RelayPolicy p = RelayPolicy.parse(value);
        if (p == null) throw new ConfigException(RELAY_ENV, 0, "'" + value + "': expected on, off or force");
        return withRelay(p, Map.of());
    }

    /** For a device on interface {@code ifname}: its own addresses never become candidates. */
    public IceConfig forInterface(String ifname) {
        Set<String> excluded = new java.util.HashSet<>(hosts.excludedInterfaces());
        excluded.add(ifname);
        return withHosts(new HostCandidates(hosts.addresses(), excluded, hosts.loopback()));
    }

    /** The ICE settings in {@code conf}, or null if it has no IceSignal (plain WireGuard). */
    public static IceConfig from(String fileName, WgQuickConfig conf) throws ConfigException {
        URI signal = null;
        List<InetSocketAddress> stun = new ArrayList<>();
        List<IceServers.Turn> turn = new ArrayList<>();
        boolean lazy = false;
        Duration idle = DEFAULT_IDLE;
        RelayPolicy relay = RelayPolicy.ON;
        Map<PublicKey, RelayPolicy> peerRelay = new HashMap<>();
        boolean any = false;
        for (WgQuickConfig.Extension e : conf.extensions()) {
            String key = e.key().toLowerCase(Locale.ROOT);
            if (!key.startsWith("ice")) continue;
            any = true;
            if (e.peer() >= 0) {
                if (!key.equals("icerelay"))
                    throw e.error(fileName, "belongs in [Interface] (only IceRelay may be in [Peer])");
                peerRelay.put(conf.device().peers().get(e.peer()).publicKey(), relay(fileName, e));
                continue;
            }
            switch (key) {
                case "icesignal" -> signal = signalUri(fileName, e);
                case "icestun" -> stun.add(address(fileName, e, e.value()));
                case "iceturn" -> turn.add(turn(fileName, e));
                case "icelazy" -> lazy = bool(fileName, e);
                case "iceidletimeout" -> idle = duration(fileName, e);
                case "icerelay" -> relay = relay(fileName, e);
                default -> throw e.error(fileName, "unknown key (known: " + KNOWN + ")");
            }
        }
        if (!any) return null;
        if (signal == null) throw new ConfigException(fileName, 0, "ICE keys given but no '#! IceSignal = URL'");
        return new IceConfig(signal, new IceServers(stun, turn), lazy, idle, relay, peerRelay, HostCandidates.ANY);
    }

    private static URI signalUri(String file, WgQuickConfig.Extension e) throws ConfigException {
        try {
            URI u = new URI(e.value());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null)
                throw e.error(file, "expected an http:// or https:// URL");
            return u;
        } catch (java.net.URISyntaxException x) {
            throw e.error(file, "not a URL");
        }
    }

    /** host:port or [v6]:port, in the Endpoint key's syntax (its parser), resolved now. */
    private static InetSocketAddress address(String file, WgQuickConfig.Extension e, String v) throws ConfigException {
        PeerEndpoint p;
        try {
            p = PeerEndpoint.parse(v);
        } catch (IllegalArgumentException x) {
            throw e.error(file, x.getMessage() + " (expected host:port)");
        }
        try {
            return p.resolve();
        } catch (UnknownHostException x) {
            throw e.error(file, "cannot resolve " + p.host());
        }
    }

    private static IceServers.Turn turn(String file, WgQuickConfig.Extension e) throws ConfigException {
        String v = e.value();
        int at = v.lastIndexOf('@');
        int colon = at < 0 ? -1 : v.indexOf(':');
        if (at < 0 || colon < 0 || colon > at) throw e.error(file, "expected user:password@host:port");
        String user = v.substring(0, colon), password = v.substring(colon + 1, at);
        if (user.isEmpty() || password.isEmpty()) throw e.error(file, "empty user or password");
        // address()'s errors go through Extension.error, which never quotes an IceTurn value
        return new IceServers.Turn(address(file, e, v.substring(at + 1)), user, password);
    }

    private static boolean bool(String file, WgQuickConfig.Extension e) throws ConfigException {
        return switch (e.value().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default -> throw e.error(file, "expected on or off");
        };
    }

    private static RelayPolicy relay(String file, WgQuickConfig.Extension e) throws ConfigException {
        RelayPolicy p = RelayPolicy.parse(e.value());
        if (p == null) throw e.error(file, "expected on, off or force");
        return p;
    }

    private static Duration duration(String file, WgQuickConfig.Extension e) throws ConfigException {
        String v = e.value().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) throw e.error(file, "empty");
        char unit = v.charAt(v.length() - 1);
        long n;
        try {
            n = Long.parseLong(Character.isDigit(unit) ? v : v.substring(0, v.length() - 1));
        } catch (NumberFormatException x) {
            throw e.error(file, "expected a number with s, m or h");
        }
        long perUnit = switch (unit) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> {
                if (Character.isDigit(unit)) yield 1;
                throw e.error(file, "unit must be s, m or h");
            }
        };
        if (n > MAX_IDLE.toSeconds() / perUnit) throw e.error(file, "at most " + MAX_IDLE.toDays() + " days");
        Duration d = Duration.ofSeconds(n * perUnit);
        if (d.compareTo(MIN_IDLE) < 0) throw e.error(file, "at least " + MIN_IDLE.toSeconds() + " s");
        return d;
    }

    @Override
    public String toString() {
        return "IceConfig[signal=" + signal + ", " + servers + ", lazy=" + lazy + ", idle=" + idleTimeout + ", relay="
                + relay + (peerRelay.isEmpty() ? "" : ", peerRelay=" + peerRelay) + ", " + hosts + "]";
    }
}
