package jwg.ice;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.ice4j.ice.Candidate;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.RemoteCandidate;

/**
 * Which remote candidates a relayed local candidate may send checks to: only addresses the TURN
 * server can plausibly reach. coturn deletes an allocation when a relayed send fails ("network
 * unreachable", as on a server without a default route sending to a peer's private host
 * address), and with it every pair on that relay: one check into the void must not cost the
 * relay (issue 13, item 3). So a relay does not check
 *
 * <ul>
 *   <li>a remote host candidate of a narrower scope than the server's own address (loopback &lt;
 *       link-local &lt; private: RFC 1918, CGNAT 100.64/10, ULA fc00::/7 &lt; global): a server on a
 *       public address cannot reach a private one, a server on loopback reaches everything;
 *   <li>a remote host candidate behind a NAT: the peer also offered a server-reflexive candidate of
 *       the same family on another address. Its reflexive candidate (and its relay) are where the
 *       relay reaches it; the host address is its private side.
 * </ul>
 *
 * Reflexive, peer-reflexive and relayed remote candidates are always checked. Direct pairs are not
 * affected: this decides only pairs whose local side is a relay.
 */
final class RelayReach {
    private RelayReach() {}

    /** {@link #mayCheck(InetAddress, CandidateType, InetAddress, Collection)} for an ice4j remote candidate. */
    static boolean mayCheck(InetAddress server, Candidate<?> remote) {
        List<InetAddress> reflexive = new ArrayList<>();
        Component component = remote.getParentComponent();
        if (component != null) {
            for (RemoteCandidate c : component.getRemoteCandidates()) {
                if (c.getType() == CandidateType.SERVER_REFLEXIVE_CANDIDATE)
                    reflexive.add(c.getTransportAddress().getAddress());
            }
        }
        return mayCheck(server, remote.getType(), remote.getTransportAddress().getAddress(), reflexive);
    }

    static boolean mayCheck(
            InetAddress server, CandidateType remoteType, InetAddress remote, Collection<InetAddress> remoteReflexive) {
        if (remoteType != CandidateType.HOST_CANDIDATE) return true;
        if (scope(remote) < scope(server)) return false;
        for (InetAddress r : remoteReflexive) {
            if (r.getClass() == remote.getClass() && !r.equals(remote)) return false;
        }
        return true;
    }

    /** 0 loopback, 1 link-local, 2 private, 3 global. */
    static int scope(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) return 0;
        if (a.isLinkLocalAddress()) return 1;
        if (a.isSiteLocalAddress()) return 2;
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) return 2; // 100.64.0.0/10
        if (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) return 2; // fc00::/7
        return 3;
    }
}
