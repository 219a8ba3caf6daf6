package jwg.ice;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * This host's candidate addresses, for the host harvester and the doctor alike: the
 * configured addresses if any; else every address of an up interface, except the excluded (the
 * WireGuard interface itself), loopback unless asked for, and IPv6 link-local and site-local.
 */
public final class HostAddresses {
    /** One address and the interface it is on ("configured" when fixed by the settings). */
    public record HostAddress(String interfaceName, InetAddress address) {}

    private HostAddresses() {}

    /** The addresses {@code hosts} selects. */
    public static List<HostAddress> of(IceConfig.HostCandidates hosts) {
        return of(hosts.addresses(), hosts.excludedInterfaces(), hosts.loopback());
    }

    public static List<HostAddress> of(List<InetAddress> fixed, Set<String> excludedInterfaces, boolean loopback) {
        if (!fixed.isEmpty())
            return fixed.stream().map(a -> new HostAddress("configured", a)).toList();
        List<HostAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
                if (!nif.isUp() || excludedInterfaces.contains(nif.getName())) continue;
                if (nif.isLoopback() && !loopback) continue;
                for (InetAddress a : nif.inetAddresses().toList()) {
                    if (usable(a, loopback)) out.add(new HostAddress(nif.getName(), a));
                }
            }
        } catch (IOException e) {
            // no interfaces listed: an empty answer says as much
        }
        return out;
    }

    public static boolean usable(InetAddress a, boolean loopback) {
        if (a instanceof Inet6Address && (a.isLinkLocalAddress() || a.isSiteLocalAddress())) return false;
        return loopback || !a.isLoopbackAddress();
    }
}
