package jwg.tun;

import java.util.ArrayList;
import java.util.List;
import jwg.tun.ip.IpPrefix;

/**
 * What {@link LinuxTun#open(TunConfig)} sets up in one go: the interface, its MTU, its
 * addresses and the routes through it (e.g. the peers' AllowedIPs), then brings it up.
 */
public record TunConfig(String name, int mtu, List<IpPrefix> addresses, List<IpPrefix> routes, TunOptions options) {
    public static final int DEFAULT_MTU = 1420;

    public TunConfig {
        InterfaceName.check(name);
        if (mtu < 68 || mtu > 65535) throw new IllegalArgumentException("MTU " + mtu + " out of range 68..65535");
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        if (options == null) options = TunOptions.DEFAULT;
    }

    public static TunConfig of(String name) {
        return new TunConfig(name, DEFAULT_MTU, List.of(), List.of(), TunOptions.DEFAULT);
    }

    public TunConfig withMtu(int m) {
        return new TunConfig(name, m, addresses, routes, options);
    }

    /** Adds addresses (host bits kept: the interface's own address and its on-link prefix). */
    public TunConfig withAddresses(List<IpPrefix> more) {
        List<IpPrefix> l = new ArrayList<>(addresses);
        l.addAll(more);
        return new TunConfig(name, mtu, l, routes, options);
    }

    /** Adds addresses written as text, e.g. "192.0.2.1/24", "fd00::1/64". */
    public TunConfig withAddresses(String... texts) {
        return withAddresses(parse(texts));
    }

    /** Adds routes, e.g. a peer's AllowedIPs (host bits are cleared when the route is added). */
    public TunConfig withRoutes(List<IpPrefix> more) {
        List<IpPrefix> l = new ArrayList<>(routes);
        l.addAll(more);
        return new TunConfig(name, mtu, addresses, l, options);
    }

    /** Adds routes written as text, e.g. "198.51.100.0/24". */
    public TunConfig withRoutes(String... texts) {
        return withRoutes(parse(texts));
    }

    private static List<IpPrefix> parse(String... texts) {
        List<IpPrefix> l = new ArrayList<>();
        for (String t : texts) l.add(IpPrefix.parse(t));
        return l;
    }

    public TunConfig withOptions(TunOptions o) {
        return new TunConfig(name, mtu, addresses, routes, o);
    }
}
