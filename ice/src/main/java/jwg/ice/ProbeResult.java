package jwg.ice;

import java.util.List;
import java.util.Locale;
import jwg.noise.PublicKey;

/**
 * What {@code jwg probe} prints: the pair that worked (or why none did), its round trip, both
 * sides' NAT types and the check list — every pair ICE formed and how its checks ended.
 *
 * @param rttMillis the last connectivity-check round trip on the selected pair, -1 if not measured
 *                  (a pair through our relay: its checks go through ice4j's TURN socket)
 * @param peerNat   the peer's NAT type as it reported it, null if its report did not arrive
 * @param peerOutcome the peer's own verdict, null if its report did not arrive
 * @param punch     what birthday probing did after ICE ended relayed or failed between a cone and a
 *                  symmetric NAT, null if it did not run
 */
public record ProbeResult(
        String self,
        String peer,
        boolean controlling,
        RelayPolicy relay,
        boolean connected,
        PathType path,
        Pair selected,
        double rttMillis,
        long millis,
        String failure,
        String ourNat,
        String peerNat,
        String peerOutcome,
        List<Pair> pairs,
        String punch) {

    /** One candidate pair: types, addresses, ice4j's check state, and what that state means. */
    public record Pair(
            String localType, String local, String remoteType, String remote, String state, boolean selected) {
        /** Why a pair that was not selected ended as it did. */
        public String why() {
            if (selected) return "selected";
            return switch (state) {
                case "Succeeded" -> "answered, not nominated (a better pair won)";
                case "Failed" -> "no answer to the connectivity checks (filtered by a NAT or firewall, or unroutable)";
                case "In-Progress" -> "checks still in flight when ICE finished";
                case "Waiting", "Frozen" -> "not checked: ICE finished first";
                default -> state;
            };
        }
    }

    static ProbeResult of(
            PublicKey self,
            PublicKey peer,
            boolean controlling,
            RelayPolicy relay,
            PeerAgent.Selected s,
            double rtt,
            long millis,
            List<PeerAgent.Check> checks,
            String failure,
            String ourNat,
            List<String> peerReport,
            ProbePunch.Outcome punch,
            long punchedMillis) {
        List<Pair> pairs = checks.stream()
                .map(c -> new Pair(
                        c.localType().toString(),
                        ConnectivityStatus.text(c.local()),
                        c.remoteType().toString(),
                        ConnectivityStatus.text(c.remote()),
                        c.state(),
                        c.nominated()))
                .toList();
        Pair sel = s == null
                ? null
                : new Pair(
                        s.localType().toString(),
                        ConnectivityStatus.text(s.local()),
                        s.remoteType().toString(),
                        ConnectivityStatus.text(s.remote()),
                        "Succeeded",
                        true);
        boolean punched = punch != null && punch.punched();
        if (punched) sel = new Pair("birthday", punch.local(), "birthday", punch.remote(), "Succeeded", true);
        return new ProbeResult(
                self.toBase64(),
                peer.toBase64(),
                controlling,
                relay,
                s != null || punched,
                punched ? PathType.P2P_BIRTHDAY : s == null ? PathType.NONE : PathType.of(s),
                sel,
                punched ? -1 : rtt,
                punched ? punchedMillis : millis,
                punched ? null : failure,
                ourNat,
                line(peerReport, "nat="),
                line(peerReport, "outcome="),
                pairs,
                punch == null ? null : punch.text());
    }

    static String line(List<String> report, String prefix) {
        if (report == null) return null;
        for (String l : report) if (l.startsWith(prefix)) return l.substring(prefix.length());
        return null;
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("peer: ")
                .append(peer)
                .append(controlling ? " (we are ICE-controlling)" : "")
                .append('\n');
        if (relay != RelayPolicy.ON)
            b.append("relay policy: ").append(relay.text()).append('\n');
        if (connected) {
            b.append("result: connected, ")
                    .append(path.p2p() ? "P2P" : "Relayed")
                    .append(" (")
                    .append(path == PathType.P2P_BIRTHDAY ? "P2P_BIRTHDAY: birthday probe" : path.name())
                    .append(") in ")
                    .append(millis)
                    .append(" ms\n");
            b.append("pair: ")
                    .append(selected.localType())
                    .append(' ')
                    .append(selected.local())
                    .append(" -> ")
                    .append(selected.remoteType())
                    .append(' ')
                    .append(selected.remote())
                    .append('\n');
            b.append("rtt: ")
                    .append(
                            path == PathType.P2P_BIRTHDAY
                                    ? "not measured (birthday probe)"
                                    : rttMillis < 0
                                            ? "not measured (the checks went through the relay's socket)"
                                            : String.format(Locale.ROOT, "%.2f ms", rttMillis))
                    .append('\n');
        } else {
            b.append("result: not connected: ").append(failure).append('\n');
        }
        b.append("our NAT: ").append(ourNat == null ? "unknown" : ourNat).append('\n');
        b.append("peer's NAT: ")
                .append(peerNat == null ? "unknown (no report from the peer)" : peerNat)
                .append('\n');
        if (peerOutcome != null) b.append("peer's result: ").append(peerOutcome).append('\n');
        if (punch != null) b.append("birthday probe: ").append(punch).append('\n');
        b.append("pairs (").append(pairs.size()).append("):\n");
        for (Pair p : pairs)
            b.append("  ")
                    .append(p.localType())
                    .append(' ')
                    .append(p.local())
                    .append(" -> ")
                    .append(p.remoteType())
                    .append(' ')
                    .append(p.remote())
                    .append(": ")
                    .append(p.state())
                    .append(" — ")
                    .append(p.why())
                    .append('\n');
        return b.toString();
    }

    public String toJson() {
        JsonWriter j = new JsonWriter();
        j.open('{')
                .field("self", self)
                .field("peer", peer)
                .field("controlling", controlling)
                .field("relayPolicy", relay.text())
                .field("connected", connected)
                .field("path", path.name())
                .field("connectionType", connected ? (path.p2p() ? "P2P" : "Relayed") : null)
                .field("millis", millis)
                .field("rttMillis", rttMillis)
                .field("failure", failure)
                .field("ourNat", ourNat)
                .field("peerNat", peerNat)
                .field("peerOutcome", peerOutcome)
                .field("punch", punch);
        if (selected != null) pair(j.key("selected"), selected);
        j.key("pairs").open('[');
        for (Pair p : pairs) pair(j, p);
        j.close(']');
        j.close('}');
        return j.toString();
    }

    private static void pair(JsonWriter j, Pair p) {
        j.open('{')
                .field("localType", p.localType())
                .field("local", p.local())
                .field("remoteType", p.remoteType())
                .field("remote", p.remote())
                .field("state", p.state())
                .field("why", p.why())
                .close('}');
    }
}
