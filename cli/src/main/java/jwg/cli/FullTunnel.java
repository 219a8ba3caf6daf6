package jwg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jwg.dataplane.config.PeerConfig;
import jwg.dataplane.config.WgQuickConfig;
import jwg.sys.ErrnoException;
import jwg.tun.LinuxTun;
import jwg.tun.ip.IpPrefix;
import jwg.tun.netlink.Rtnetlink;

/**
 * wg-quick's policy routing for a default route (its {@code add_default}), over rtnetlink: when
 * {@code Table} is auto and some peer's AllowedIPs hold 0.0.0.0/0 or ::/0, the default route goes
 * into a table of its own — the FwMark if the .conf sets one, else the first of 51820, 51821, …
 * that holds no route, which then also becomes the FwMark — and per family two rules send
 * everything there except what carries that fwmark (the device's own UDP socket), while {@code
 * table main suppress_prefixlength 0} still lets the main table's more specific routes (the LAN,
 * the peer's endpoint if routed explicitly) win:
 *
 * <pre>
 * ip route add 0.0.0.0/0 dev IFNAME table T
 * ip rule add not fwmark T table T
 * ip rule add table main suppress_prefixlength 0
 * sysctl net.ipv4.conf.all.src_valid_mark=1          (IPv4 only)
 * </pre>
 *
 * {@link #undo} deletes the rules again (the route goes with the interface), as wg-quick's {@code
 * del_if}; a failure half-way undoes the rules already added. Not done, unlike wg-quick: its
 * nftables rules (the connmark that lets strict rp_filter accept the tunnel's replies and the
 * anti-spoofing drop of packets to the tunnel's addresses from other interfaces); {@code jwg
 * doctor} reports a strict rp_filter on the underlay instead.
 */
final class FullTunnel {
    /** wg-quick's first candidate table (and fwmark). */
    static final int FIRST_TABLE = 51820;

    private static final Path SRC_VALID_MARK = Path.of("/proc/sys/net/ipv4/conf/all/src_valid_mark");

    private final int table;
    private final boolean ipv4, ipv6;
    private final List<Runnable> added = new ArrayList<>();

    private FullTunnel(int table, boolean ipv4, boolean ipv6) {
        this.table = table;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /** The policy routing {@code conf} asks for, or null when it needs none (no /0, or Table is not auto). */
    static FullTunnel plan(WgQuickConfig conf, RouteTable routes, Set<Integer> tablesInUse) {
        if (!routes.auto()) return null;
        boolean v4 = false, v6 = false;
        for (PeerConfig p : conf.device().peers()) {
            for (IpPrefix ip : p.allowedIps()) {
                if (ip.length() != 0) continue;
                if (ip.isIpv4()) v4 = true;
                else v6 = true;
            }
        }
        if (!v4 && !v6) return null;
        return new FullTunnel(table(conf.device().fwmark(), tablesInUse), v4, v6);
    }

    /** wg-quick's choice: the FwMark if set, else the first table from 51820 up that holds no route. */
    static int table(long fwmark, Set<Integer> tablesInUse) {
        if (fwmark != 0) return (int) fwmark;
        int t = FIRST_TABLE;
        while (tablesInUse.contains(t)) t++;
        return t;
    }

    /** The table (and the device's fwmark). */
    int table() {
        return table;
    }

    /** The AllowedIPs that go into the main table: all but the default routes this class takes. */
    static boolean inMainTable(IpPrefix ip) {
        return ip.length() != 0;
    }

    /** Adds the default routes to the table, the rules and src_valid_mark; on a failure undoes what it added and throws. */
    void apply(LinuxTun tun) throws IOException {
        Rtnetlink nl = tun.netlink();
        try {
            if (ipv4) family(tun, nl, false);
            if (ipv6) family(tun, nl, true);
            if (ipv4 && !"1".equals(read(SRC_VALID_MARK))) {
                Files.writeString(SRC_VALID_MARK, "1\n");
            }
        } catch (IOException | RuntimeException e) {
            undo(null);
            throw e;
        }
    }

    private void family(LinuxTun tun, Rtnetlink nl, boolean v6) throws IOException {
        tun.addRoute(v6 ? IpPrefix.ofIpv6(0, 0, 0) : IpPrefix.ofIpv4(0, 0), table); // goes with the interface
        nl.addRule(v6, table, Integer.toUnsignedLong(table), true, -1);
        added.add(() -> delete(nl, v6, table, Integer.toUnsignedLong(table), true, -1));
        nl.addRule(v6, RouteTable.MAIN, -1, false, 0);
        added.add(() -> delete(nl, v6, RouteTable.MAIN, -1, false, 0));
    }

    private static void delete(Rtnetlink nl, boolean v6, int table, long mark, boolean invert, int suppress) {
        try {
            nl.deleteRule(v6, table, mark, invert, suppress);
        } catch (ErrnoException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Deletes the rules this added, newest first; reports (does not throw) a rule it could not delete. */
    void undo(java.io.PrintStream err) {
        for (int i = added.size() - 1; i >= 0; i--) {
            try {
                added.get(i).run();
            } catch (RuntimeException e) {
                if (err != null) err.println("jwg: " + e.getMessage());
            }
        }
        added.clear();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
