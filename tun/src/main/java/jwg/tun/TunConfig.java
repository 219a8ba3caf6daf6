package jwg.tun;

import java.util.List;

/**
 * What {@link LinuxTun#open(TunConfig)} sets up in one go: the interface, its MTU, its
 * addresses and the routes through it (e.g. the peers' AllowedIPs), then brings it up.
 */
public record TunConfig(String name, int mtu, List<Cidr> addresses, List<Cidr> routes, TunOptions options) {
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

    /** Adds addresses, e.g. "192.0.2.1/24", "fd00::1/64". */
    public TunConfig withAddresses(String... cidrs) {
        var l = new java.util.ArrayList<>(addresses);
        for (String c : cidrs) l.add(Cidr.parse(c));
        return new TunConfig(name, mtu, l, routes, options);
    }

    /** Adds routes, e.g. the AllowedIPs "198.51.100.0/24". */
    public TunConfig withRoutes(String... cidrs) {
        var l = new java.util.ArrayList<>(routes);
        for (String c : cidrs) l.add(Cidr.parse(c));
        return new TunConfig(name, mtu, addresses, l, options);
    }

    public TunConfig withOptions(TunOptions o) {
        return new TunConfig(name, mtu, addresses, routes, o);
    }
}
