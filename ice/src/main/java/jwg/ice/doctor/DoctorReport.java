package jwg.ice.doctor;

import java.util.List;
import jwg.ice.JsonWriter;

/**
 * What {@code jwg doctor} prints for one interface: this host's candidate addresses, each STUN
 * server (reachable? mapped address, round trip), each TURN server (allocation ok, or why not),
 * this host's NAT behaviour, and per peer one sentence on why its path is what it is. Plain
 * strings throughout (a presentation model); no secrets in it.
 */
public record DoctorReport(
        String interfaceName,
        List<Host> hosts,
        List<StunServer> stun,
        List<TurnServer> turn,
        Nat nat,
        List<PeerLine> peers) {
    public DoctorReport {
        hosts = List.copyOf(hosts);
        stun = List.copyOf(stun);
        turn = List.copyOf(turn);
        peers = List.copyOf(peers);
    }

    /** A host candidate address. */
    public record Host(String interfaceName, String address) {}

    /** One STUN server's answer: {@code mapped} and {@code rttMillis} when reachable, else {@code error}. */
    public record StunServer(String server, boolean reachable, String mapped, long rttMillis, String error) {}

    /** One TURN server's check: {@code relayed} and {@code lifetimeSeconds} when ok, else {@code problem}. */
    public record TurnServer(
            String server,
            String username,
            boolean ok,
            String relayed,
            long lifetimeSeconds,
            long rttMillis,
            boolean released,
            String problem) {}

    /** The NAT classification (null fields when unknown) and the server it was measured against. */
    public record Nat(String server, String local, String mapped, String mapping, String filtering, String note) {}

    /** One peer: its state and path, and why. */
    public record PeerLine(String publicKey, String state, String path, String explanation) {}

    /** The human view. */
    public String toText() {
        StringBuilder b = new StringBuilder("interface: ").append(interfaceName).append('\n');
        b.append("host addresses:").append(hosts.isEmpty() ? " none (no usable interface)\n" : "\n");
        for (Host h : hosts)
            b.append("  ")
                    .append(h.interfaceName())
                    .append(' ')
                    .append(h.address())
                    .append('\n');
        b.append("stun servers:").append(stun.isEmpty() ? " none configured\n" : "\n");
        for (StunServer s : stun) {
            b.append("  ").append(s.server()).append(": ");
            b.append(
                    s.reachable()
                            ? "reachable, mapped address " + s.mapped() + ", " + s.rttMillis() + " ms"
                            : "unreachable (" + s.error() + ")");
            b.append('\n');
        }
        b.append("turn servers:").append(turn.isEmpty() ? " none configured\n" : "\n");
        for (TurnServer t : turn) {
            b.append("  ")
                    .append(t.server())
                    .append(" (user ")
                    .append(t.username())
                    .append("): ");
            b.append(
                    t.ok()
                            ? "allocation ok, relayed address " + t.relayed() + ", lifetime " + t.lifetimeSeconds()
                                    + " s, " + t.rttMillis() + " ms" + (t.released() ? "" : " (not released)")
                            : "allocation failed: " + t.problem());
            b.append('\n');
        }
        b.append("nat: ");
        if (nat == null) b.append("not classified (no STUN or TURN server configured)\n");
        else {
            b.append(nat.mapping()).append(", ").append(nat.filtering()).append('\n');
            b.append("  measured against ")
                    .append(nat.server())
                    .append(" from ")
                    .append(nat.local())
                    .append(", mapped address ")
                    .append(nat.mapped() == null ? "none" : nat.mapped())
                    .append('\n');
            if (nat.note() != null) b.append("  note: ").append(nat.note()).append('\n');
        }
        b.append("peers:").append(peers.isEmpty() ? " none with ICE\n" : "\n");
        for (PeerLine p : peers) {
            b.append("  ")
                    .append(p.publicKey())
                    .append(" (")
                    .append(p.state())
                    .append(", ")
                    .append(p.path())
                    .append(")\n");
            b.append("    ").append(p.explanation()).append('\n');
        }
        return b.toString();
    }

    /** The {@code --json} view. */
    public String toJson() {
        JsonWriter j = new JsonWriter().open('{').field("interface", interfaceName);
        j.key("hosts").open('[');
        for (Host h : hosts)
            j.open('{')
                    .field("interface", h.interfaceName())
                    .field("address", h.address())
                    .close('}');
        j.close(']').key("stun").open('[');
        for (StunServer s : stun)
            j.open('{')
                    .field("server", s.server())
                    .field("reachable", s.reachable())
                    .field("mapped", s.mapped())
                    .field("rttMillis", s.rttMillis())
                    .field("error", s.error())
                    .close('}');
        j.close(']').key("turn").open('[');
        for (TurnServer t : turn)
            j.open('{')
                    .field("server", t.server())
                    .field("username", t.username())
                    .field("ok", t.ok())
                    .field("relayed", t.relayed())
                    .field("lifetimeSeconds", t.lifetimeSeconds())
                    .field("rttMillis", t.rttMillis())
                    .field("released", t.released())
                    .field("problem", t.problem())
                    .close('}');
        j.close(']');
        if (nat == null) j.key("nat").raw("null");
        else
            j.key("nat")
                    .open('{')
                    .field("server", nat.server())
                    .field("local", nat.local())
                    .field("mapped", nat.mapped())
                    .field("mapping", nat.mapping())
                    .field("filtering", nat.filtering())
                    .field("note", nat.note())
                    .close('}');
        j.key("peers").open('[');
        for (PeerLine p : peers)
            j.open('{')
                    .field("publicKey", p.publicKey())
                    .field("state", p.state())
                    .field("path", p.path())
                    .field("explanation", p.explanation())
                    .close('}');
        return j.close(']').close('}').toString();
    }
}
