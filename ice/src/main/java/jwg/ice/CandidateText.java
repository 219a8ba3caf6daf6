package jwg.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Candidate;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.RemoteCandidate;

/**
 * One ICE candidate as text in signaling messages, in the shape of SDP's a=candidate
 * (RFC 8839 §5.1) for UDP component 1: {@code foundation priority address port typ type
 * [raddr address rport port]}. Parsing is strict and numeric (no names are resolved).
 */
record CandidateText(
        String foundation, long priority, InetSocketAddress address, CandidateType type, InetSocketAddress related) {

    static CandidateText of(Candidate<?> c) {
        TransportAddress r = c.getRelatedAddress();
        return new CandidateText(
                c.getFoundation(),
                c.getPriority(),
                sock(c.getTransportAddress()),
                c.getType(),
                r == null ? null : sock(r));
    }

    private static InetSocketAddress sock(TransportAddress t) {
        return new InetSocketAddress(t.getAddress(), t.getPort());
    }

    String format() {
        String s = foundation + " " + priority + " " + address.getAddress().getHostAddress() + " " + address.getPort()
                + " typ " + type;
        if (related != null) s += " raddr " + related.getAddress().getHostAddress() + " rport " + related.getPort();
        return s;
    }

    /**
     * The distinct server-reflexive addresses among {@code candidates} (signaling text), in their
     * order: a peer's public address as its STUN server saw it. Text that does not parse is skipped
     * (the agent reports it when the candidates are set).
     */
    static List<InetSocketAddress> reflexive(List<String> candidates) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String text : candidates) {
            try {
                CandidateText c = parse(text);
                if (c.type() == CandidateType.SERVER_REFLEXIVE_CANDIDATE && !out.contains(c.address()))
                    out.add(c.address());
            } catch (IllegalArgumentException e) {
                // skipped, see above
            }
        }
        return out;
    }

    /** Parses {@link #format()}'s text; throws IllegalArgumentException naming what is wrong. */
    static CandidateText parse(String text) {
        String[] f = text.trim().split(" +");
        if (f.length != 6 && f.length != 10)
            throw new IllegalArgumentException("candidate '" + text + "': expected 6 or 10 fields");
        if (!f[4].equals("typ")) throw new IllegalArgumentException("candidate '" + text + "': expected 'typ'");
        CandidateType type;
        try {
            type = CandidateType.parse(f[5]);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || type == CandidateType.LOCAL_CANDIDATE || type == CandidateType.STUN_CANDIDATE)
            throw new IllegalArgumentException("candidate '" + text + "': unknown type " + f[5]);
        long priority;
        try {
            priority = Long.parseLong(f[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("candidate '" + text + "': bad priority");
        }
        if (priority < 0 || priority > 0xFFFF_FFFFL)
            throw new IllegalArgumentException("candidate '" + text + "': priority out of range");
        InetSocketAddress related = null;
        if (f.length == 10) {
            if (!f[6].equals("raddr") || !f[8].equals("rport"))
                throw new IllegalArgumentException("candidate '" + text + "': expected raddr/rport");
            related = address(f[7], f[9], text);
        }
        if (f[0].isEmpty() || f[0].length() > 32)
            throw new IllegalArgumentException("candidate '" + text + "': bad foundation");
        return new CandidateText(f[0], priority, address(f[2], f[3], text), type, related);
    }

    private static InetSocketAddress address(String host, String port, String text) {
        InetAddress a;
        int p;
        try {
            a = InetAddress.ofLiteral(host);
            p = Integer.parseInt(port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("candidate '" + text + "': bad address " + host + " " + port);
        }
        if (p < 1 || p > 65535) throw new IllegalArgumentException("candidate '" + text + "': port out of range");
        return new InetSocketAddress(a, p);
    }

    RemoteCandidate toRemote(Component component) {
        RemoteCandidate rel = related == null
                ? null
                : new RemoteCandidate(
                        new TransportAddress(related.getAddress(), related.getPort(), Transport.UDP),
                        component,
                        CandidateType.HOST_CANDIDATE,
                        foundation,
                        priority,
                        null);
        return new RemoteCandidate(
                new TransportAddress(address.getAddress(), address.getPort(), Transport.UDP),
                component,
                type,
                foundation,
                priority,
                rel);
    }
}
