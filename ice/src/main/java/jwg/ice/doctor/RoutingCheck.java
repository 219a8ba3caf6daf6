package jwg.ice.doctor;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jwg.sys.ErrnoException;
import jwg.tun.netlink.Rtnetlink;

/**
 * The doctor's routing checks, what broke full tunnels before: for every address the interface's
 * own traffic goes to (the peers' endpoints, the STUN/TURN servers) it asks the kernel where a
 * packet carrying the device's fwmark is routed ({@code ip route get ADDR mark M}), and where one
 * without it is; it reads the policy rules, the underlay's rp_filter, and probes the underlay's path
 * MTU toward each peer with DF set. {@link #findings} decides from these facts alone (unit-tested);
 * {@link #gather} collects them. Each finding carries the command that fixes it.
 */
public final class RoutingCheck {
    private RoutingCheck() {}

    /** Outer headers a WireGuard data packet adds: IPv4 20 + UDP 8 + WireGuard 32; IPv6 40 + 8 + 32. */
    static final int OVERHEAD_V4 = 60, OVERHEAD_V6 = 80;

    /**
     * What the interface sends to: a peer's endpoint (MTU-probed) or a server; {@code marked}: its
     * packets carry the device's fwmark (the device's socket: peers, STUN, its TURN allocation;
     * the TURN fallback's sockets and the doctor's own lookups are {@code MarkedSocket}s).
     */
    public record Target(String what, InetSocketAddress address, boolean peer, boolean marked) {}

    /**
     * Where the kernel routes one target: the interface a packet with the device's fwmark leaves by
     * ({@code null}: no route), the one an unmarked packet leaves by (and from which table), the
     * underlay's effective rp_filter (max of all and the interface; -1 unknown) and the path MTU
     * probed with DF (-1: not probed).
     */
    public record Observation(
            Target target, String marked, String unmarked, int unmarkedTable, int rpFilter, int pathMtu) {}

    /** The interface, its MTU and fwmark, its rules, and what was observed per target. */
    public record Facts(
            String interfaceName, int mtu, long fwmark, List<Rtnetlink.Rule> rules, List<Observation> targets) {}

    /** One problem and the command that fixes it. */
    public record Finding(String kind, String subject, String problem, String fix) {
        @Override
        public String toString() {
            return kind + ": " + subject + ": " + problem + "\n    fix: " + fix;
        }
    }

    /** The decision: every finding the facts show, in target order. */
    public static List<Finding> findings(Facts f) {
        List<Finding> out = new ArrayList<>();
        String itf = f.interfaceName();
        for (Observation o : f.targets()) {
            Target t = o.target();
            String addr = t.address().getAddress().getHostAddress();
            boolean v4 = t.address().getAddress() instanceof Inet4Address;
            String host = addr + (v4 ? "/32" : "/128");
            if (itf.equals(o.marked())) {
                Rtnetlink.Rule exempting = exemptingRule(f, o);
                if (exempting != null) {
                    out.add(new Finding(
                            "fwmark",
                            t.what() + " " + addr,
                            "routed into " + itf + " itself (a loop): the rule '" + exempting + "' exempts fwmark 0x"
                                    + Long.toHexString(exempting.fwmark()) + ", but " + itf + "'s sockets carry "
                                    + (f.fwmark() == 0 ? "no fwmark" : "0x" + Long.toHexString(f.fwmark())),
                            "wg set " + itf + " fwmark " + exempting.fwmark() + "   (or FwMark = " + exempting.fwmark()
                                    + " in [Interface])"));
                } else {
                    out.add(
                            new Finding(
                                    "loop",
                                    t.what() + " " + addr,
                                    "routed into " + itf + " itself (a loop): the tunnel's own packets to it would be"
                                            + " encrypted and sent into the tunnel again",
                                    "ip " + (v4 ? "" : "-6 ") + "route add " + host + " via GATEWAY dev UNDERLAY"
                                            + "   (or take it out of AllowedIPs; with a default route: Table = auto and a FwMark)"));
                }
            }
            if (v4 && o.rpFilter() == 1 && itf.equals(o.unmarked()) && o.marked() != null && !itf.equals(o.marked())) {
                out.add(new Finding(
                        "rp_filter",
                        t.what() + " " + addr,
                        "strict rp_filter on " + o.marked() + ": replies from " + addr + " arrive there without a"
                                + " mark, their reverse route leads into " + itf + ", so the kernel drops them",
                        "sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf." + o.marked() + ".rp_filter=2"));
            }
            if (t.peer() && o.pathMtu() > 0) {
                int fits = o.pathMtu() - (v4 ? OVERHEAD_V4 : OVERHEAD_V6);
                if (fits < f.mtu()) {
                    out.add(new Finding(
                            "mtu",
                            t.what() + " " + addr,
                            "the underlay's path MTU toward it is " + o.pathMtu() + " (probed with DF), which carries"
                                    + " tunnel packets of at most " + fits + " bytes, but " + itf + "'s MTU is "
                                    + f.mtu() + ": larger packets are lost",
                            "ip link set dev " + itf + " mtu " + fits + "   (or MTU = " + fits + " in [Interface])"));
                }
            }
        }
        return out;
    }

    /** An inverted fwmark rule of the target's family that sends unmarked packets to the table the target was routed through, with another mark than ours. */
    private static Rtnetlink.Rule exemptingRule(Facts f, Observation o) {
        boolean v6 = !(o.target().address().getAddress() instanceof Inet4Address);
        for (Rtnetlink.Rule r : f.rules()) {
            if (r.ipv6() == v6
                    && r.invert()
                    && r.fwmark() > 0
                    && r.table() == o.unmarkedTable()
                    && r.fwmark() != f.fwmark()) return r;
        }
        return null;
    }

    /** Collects the facts: route lookups, rules, rp_filter, and (for peers) a path MTU probe each. */
    public static Facts gather(String interfaceName, long fwmark, List<Target> targets) throws ErrnoException {
        try (Rtnetlink nl = Rtnetlink.open()) {
            Rtnetlink.Link link = nl.link(interfaceName);
            List<Rtnetlink.Rule> rules = new ArrayList<>(nl.rules(false));
            rules.addAll(nl.rules(true));
            List<Observation> obs = new ArrayList<>();
            for (Target t : targets) {
                String marked = null, unmarked = null;
                int table = 0;
                try {
                    marked = nl.link(nl.route(t.address().getAddress(), (int) fwmark)
                                    .oif())
                            .name();
                    Rtnetlink.Lookup u = nl.route(t.address().getAddress(), 0);
                    unmarked = nl.link(u.oif()).name();
                    table = u.table();
                } catch (ErrnoException e) {
                    // no route: nothing to say about loops
                }
                int rp = marked == null ? -1 : Math.max(rp("all"), rp(marked));
                boolean probe = t.peer() && marked != null && !marked.equals(interfaceName);
                obs.add(new Observation(
                        t, marked, unmarked, table, rp, probe ? PathMtuProbe.probe(t.address(), fwmark, 300) : -1));
            }
            return new Facts(interfaceName, link.mtu(), fwmark, rules, obs);
        }
    }

    private static int rp(String itf) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/conf", itf, "rp_filter"))
                    .strip());
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
    }
}
