package jwg.ice;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jwg.dataplane.config.UapiDevice;
import jwg.ice.signal.SignalClient;
import jwg.tun.ip.IpText;
import org.ice4j.ice.CandidateType;

/**
 * What {@code jwg status} shows: per peer its connection state, path type, the selected pair's
 * local and remote candidates, relay, last handshake, bytes, RTT and the time since the path last
 * changed; then the signaling server and the relays. {@link #toJson()} is the {@code --json} form.
 */
public record ConnectivityStatus(
        List<Peer> peers, Signal signal, List<Relay> relays, StunMux.Stats stun, boolean ready) {

    public record Peer(
            String publicKey,
            ConnectionState state,
            PathType path,
            String localType,
            String local,
            String remoteType,
            String remote,
            String relay,
            long lastHandshakeEpochSeconds,
            long rxBytes,
            long txBytes,
            double rttMillis,
            long sinceLastPathChangeMillis,
            String lastEvent,
            List<String> localCandidateTypes,
            List<String> remoteCandidateTypes,
            int sessionsStarted,
            int sessionsConnected,
            int sessionsFailed,
            int pathChanges,
            int guardRetries,
            int pathsKept,
            RelayPolicy relayPolicy,
            NatMapping natMapping,
            NatMapping peerNatMapping,
            String punchRole,
            int punchAttempts,
            int punches,
            String lastPunch) {}

    public record Signal(String server, boolean connected, String since, String lastError, long sent, long received) {}

    public record Relay(String server, String username) {}

    static ConnectivityStatus of(
            Connectivity c, List<PeerConnection> peers, SignalClient.Status s, StunMux.Stats stun) {
        List<Peer> out = new ArrayList<>();
        long nowMillis = System.currentTimeMillis();
        for (PeerConnection p : peers) {
            UapiDevice.PeerStats st = c.device.stats(p.key);
            PeerAgent.Selected sel = p.selected;
            String relay = null;
            if (sel != null
                    && sel.localType() == CandidateType.RELAYED_CANDIDATE
                    && !c.config.servers().turn().isEmpty())
                relay = text(c.config.servers().turn().get(0).address());
            else if (sel != null && sel.remoteType() == CandidateType.RELAYED_CANDIDATE)
                relay = "peer's relay " + text(sel.remote());
            BirthdayPath punched = p.punch.path();
            if (punched != null) relay = null; // the relay stays as the fallback, unused
            out.add(new Peer(
                    p.key.toBase64(),
                    p.state,
                    p.path,
                    punched != null
                            ? "birthday"
                            : sel == null ? null : sel.localType().toString(),
                    punched != null ? punched.local() : sel == null ? null : text(sel.local()),
                    punched != null
                            ? "birthday"
                            : sel == null ? null : sel.remoteType().toString(),
                    punched != null ? text(punched.remote()) : sel == null ? null : text(sel.remote()),
                    relay,
                    st == null ? 0 : st.lastHandshakeEpochNanos() / 1_000_000_000L,
                    st == null ? 0 : st.rxBytes(),
                    st == null ? 0 : st.txBytes(),
                    p.rttMillis(),
                    p.lastPathChangeMillis == 0 ? -1 : nowMillis - p.lastPathChangeMillis,
                    p.lastEvent,
                    p.localTypes.stream().map(CandidateType::toString).toList(),
                    List.copyOf(p.remoteTypes),
                    p.sessionsStarted,
                    p.sessionsConnected,
                    p.sessionsFailed,
                    p.pathChanges,
                    p.guardRetries,
                    p.pathsKept,
                    p.relay,
                    c.mapping,
                    p.peerMapping,
                    p.punchRole().map(r -> r.name().toLowerCase()).orElse(null),
                    p.punch.attempts,
                    p.punch.punched,
                    p.punch.last));
        }
        List<Relay> relays = c.config.servers().turn().stream()
                .map(t -> new Relay(text(t.address()), t.username()))
                .toList();
        Signal sig = new Signal(
                s.server().toString(),
                s.connected(),
                s.since() == null ? null : s.since().toString(),
                s.lastError(),
                s.sent(),
                s.received());
        return new ConnectivityStatus(out, sig, relays, stun, c.warm);
    }

    static String text(InetSocketAddress a) {
        return a == null ? null : IpText.hostPort(a);
    }

    /** The human view ({@code jwg status}, {@code -d} adds candidates and counters). */
    public String toText(boolean detailed) {
        StringBuilder b = new StringBuilder();
        b.append("signaling: ")
                .append(signal.server())
                .append(
                        signal.connected()
                                ? " (connected)"
                                : " (disconnected" + (signal.lastError() == null ? "" : ": " + signal.lastError())
                                        + ")")
                .append('\n');
        b.append("relays: ")
                .append(
                        relays.isEmpty()
                                ? "none configured"
                                : String.join(
                                        ", ", relays.stream().map(Relay::server).toList()))
                .append('\n');
        for (Peer p : peers) {
            b.append("\npeer: ").append(p.publicKey()).append('\n');
            b.append("  state: ").append(p.state());
            if (p.state() == ConnectionState.CONNECTED)
                b.append(", ")
                        .append(p.path().p2p() ? "P2P" : "Relayed")
                        .append(" (")
                        .append(p.path())
                        .append(')');
            b.append('\n');
            if (p.relayPolicy() != RelayPolicy.ON)
                b.append("  relay policy: ")
                        .append(p.relayPolicy() == RelayPolicy.OFF ? "off (direct only)" : "force (relayed only)")
                        .append('\n');
            if (p.state() == ConnectionState.CONNECTING && !detailed)
                b.append("  last event: ").append(p.lastEvent()).append('\n');
            if (p.local() != null) {
                b.append("  local candidate: ")
                        .append(p.localType())
                        .append(' ')
                        .append(p.local())
                        .append('\n');
                b.append("  remote candidate: ")
                        .append(p.remoteType())
                        .append(' ')
                        .append(p.remote())
                        .append('\n');
            }
            if (p.relay() != null) b.append("  relay: ").append(p.relay()).append('\n');
            b.append("  last handshake: ")
                    .append(
                            p.lastHandshakeEpochSeconds() == 0
                                    ? "never"
                                    : Instant.ofEpochSecond(p.lastHandshakeEpochSeconds())
                                            .toString())
                    .append('\n');
            b.append("  transfer: ")
                    .append(p.rxBytes())
                    .append(" B received, ")
                    .append(p.txBytes())
                    .append(" B sent\n");
            if (p.rttMillis() >= 0) b.append(String.format("  latency: %.2f ms%n", p.rttMillis()));
            if (p.sinceLastPathChangeMillis() >= 0)
                b.append("  path changed: ")
                        .append(p.sinceLastPathChangeMillis() / 1000)
                        .append(" s ago\n");
            if (detailed) {
                b.append("  last event: ").append(p.lastEvent()).append('\n');
                b.append("  candidates: local ")
                        .append(p.localCandidateTypes())
                        .append(", remote ")
                        .append(p.remoteCandidateTypes())
                        .append('\n');
                b.append("  sessions: ")
                        .append(p.sessionsStarted())
                        .append(" started, ")
                        .append(p.sessionsConnected())
                        .append(" connected, ")
                        .append(p.sessionsFailed())
                        .append(" failed; path changes ")
                        .append(p.pathChanges())
                        .append("; guard retries ")
                        .append(p.guardRetries())
                        .append("; sessions that kept the current path ")
                        .append(p.pathsKept())
                        .append('\n');
                b.append("  NAT mapping: ours ")
                        .append(p.natMapping().wire)
                        .append(", the peer's ")
                        .append(p.peerNatMapping().wire)
                        .append("; birthday punch: ")
                        .append(p.punchRole() == null ? "no" : p.punchRole() + " side")
                        .append('\n');
                if (p.punchAttempts() > 0)
                    b.append("  birthday punches: ")
                            .append(p.punchAttempts())
                            .append(" started, ")
                            .append(p.punches())
                            .append(" punched; last: ")
                            .append(p.lastPunch())
                            .append('\n');
            }
        }
        if (detailed) b.append("\nstun: ").append(stun).append('\n');
        return b.toString();
    }

    /** The {@code --json} view. */
    public String toJson() {
        JsonWriter j = new JsonWriter();
        j.open('{');
        j.field("ready", ready);
        j.key("peers").open('[');
        for (Peer p : peers) {
            j.open('{');
            j.field("publicKey", p.publicKey())
                    .field("state", p.state().name())
                    .field("path", p.path().name())
                    .field(
                            "connectionType",
                            p.state() != ConnectionState.CONNECTED
                                    ? null
                                    : p.path().p2p() ? "P2P" : "Relayed")
                    .field("localCandidateType", p.localType())
                    .field("localEndpoint", p.local())
                    .field("remoteCandidateType", p.remoteType())
                    .field("remoteEndpoint", p.remote())
                    .field("relay", p.relay())
                    .field("lastHandshake", p.lastHandshakeEpochSeconds())
                    .field("rxBytes", p.rxBytes())
                    .field("txBytes", p.txBytes())
                    .field("rttMillis", p.rttMillis())
                    .field("sinceLastPathChangeMillis", p.sinceLastPathChangeMillis())
                    .field("lastEvent", p.lastEvent())
                    .strings("localCandidateTypes", p.localCandidateTypes())
                    .strings("remoteCandidateTypes", p.remoteCandidateTypes())
                    .field("sessionsStarted", p.sessionsStarted())
                    .field("sessionsConnected", p.sessionsConnected())
                    .field("sessionsFailed", p.sessionsFailed())
                    .field("pathChanges", p.pathChanges())
                    .field("guardRetries", p.guardRetries())
                    .field("pathsKept", p.pathsKept())
                    .field("relayPolicy", p.relayPolicy().text())
                    .field("natMapping", p.natMapping().wire)
                    .field("peerNatMapping", p.peerNatMapping().wire)
                    .field("punchRole", p.punchRole())
                    .field("punchAttempts", p.punchAttempts())
                    .field("punches", p.punches())
                    .field("lastPunch", p.lastPunch());
            j.close('}');
        }
        j.close(']');
        j.key("signal")
                .open('{')
                .field("server", signal.server())
                .field("connected", signal.connected())
                .field("since", signal.since())
                .field("lastError", signal.lastError())
                .field("sent", signal.sent())
                .field("received", signal.received())
                .close('}');
        j.key("relays").open('[');
        for (Relay r : relays)
            j.open('{')
                    .field("server", r.server())
                    .field("username", r.username())
                    .close('}');
        j.close(']');
        j.key("stun")
                .open('{')
                .field("received", stun.received())
                .field("sent", stun.sent())
                .field("unroutable", stun.unroutable())
                .field("queueFull", stun.queueFull())
                .close('}');
        j.close('}');
        return j.toString();
    }
}
