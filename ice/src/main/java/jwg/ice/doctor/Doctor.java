package jwg.ice.doctor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jwg.ice.ConnectionState;
import jwg.ice.ConnectivityStatus;
import jwg.ice.DoctorInput;
import jwg.ice.IceServers;
import jwg.ice.NatMapping;
import jwg.ice.PathType;
import jwg.ice.doctor.NatDiscovery.Mapping;
import jwg.ice.doctor.StunClient.Reply;
import jwg.tun.ip.IpText;

/**
 * {@code jwg doctor}: probes this host's STUN and TURN servers and its NAT over sockets of its own
 * (never the device's, never the ICE control thread: everything runs on the calling thread and
 * virtual threads it starts; about 1.5 s behind a NAT, 4.5 s at most), then explains each peer's
 * path from the NAT classification and the peer's status.
 */
public final class Doctor {
    private Doctor() {}

    /** Examines the interface that {@code input} describes (servers, host addresses, status snapshot). */
    public static DoctorReport examine(DoctorInput input) {
        IceServers servers = input.servers();
        int mark = (int) input.fwmark();
        InetSocketAddress natServer = !servers.stun().isEmpty()
                ? servers.stun().get(0)
                : !servers.turn().isEmpty() ? servers.turn().get(0).address() : null;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<DoctorReport.StunServer>> stun = servers.stun().stream()
                    .map(s -> ex.submit(() -> stun(s, mark)))
                    .toList();
            List<Future<DoctorReport.TurnServer>> turn = servers.turn().stream()
                    .map(t -> ex.submit(() -> turn(t, mark)))
                    .toList();
            Future<NatDiscovery.Result> nat = natServer == null
                    ? null
                    : ex.submit(
                            () -> NatDiscovery.discover(NatDiscovery.routeSource(natServer, mark), mark, natServer));
            List<DoctorReport.Host> hosts = input.hosts().stream()
                    .map(h ->
                            new DoctorReport.Host(h.interfaceName(), h.address().getHostAddress()))
                    .toList();
            List<DoctorReport.TurnServer> turns = turn.stream().map(Doctor::get).toList();
            NatDiscovery.Result n = nat == null ? null : get(nat);
            Mapping mapping = n == null ? Mapping.UNKNOWN : n.mapping();
            boolean turnWorks = turns.stream().anyMatch(DoctorReport.TurnServer::ok);
            List<DoctorReport.PeerLine> peers = peers(input.status(), mapping, !turns.isEmpty(), turnWorks);
            return new DoctorReport(
                    input.interfaceName(), hosts, stun.stream().map(Doctor::get).toList(), turns, nat(n), peers);
        }
    }

    /**
     * This host's NAT type toward the first STUN server (else the first TURN server) of
     * {@code servers}, as RFC 5780 discovery classifies it ("endpoint-independent mapping,
     * address dependent filtering"), or null with no server. What {@code jwg probe} reports.
     */
    public static String natType(IceServers servers) {
        InetSocketAddress server = !servers.stun().isEmpty()
                ? servers.stun().get(0)
                : !servers.turn().isEmpty() ? servers.turn().get(0).address() : null;
        if (server == null) return null;
        NatDiscovery.Result n = NatDiscovery.discover(NatDiscovery.routeSource(server, 0), 0, server);
        return n.mapping().text + ", " + n.filtering().text + (n.note() == null ? "" : " (" + n.note() + ")");
    }

    /**
     * This host's NAT mapping toward the first STUN server (else the first TURN server) of
     * {@code servers} (RFC 5780 §4.3 only: a few round trips; from a socket with {@code fwmark}), as two daemons exchange it to agree
     * on a birthday punch; {@link NatMapping#UNKNOWN} with no server, no answer or no RFC 5780 support.
     * The {@link NatMapping.Classifier} {@code jwg up} and the wg-quick daemon hand to {@code Connectivity}.
     */
    public static NatMapping natMapping(IceServers servers, int fwmark) {
        InetSocketAddress server = !servers.stun().isEmpty()
                ? servers.stun().get(0)
                : !servers.turn().isEmpty() ? servers.turn().get(0).address() : null;
        if (server == null) return NatMapping.UNKNOWN;
        return switch (NatDiscovery.mapping(server, fwmark)) {
            case NO_NAT, ENDPOINT_INDEPENDENT -> NatMapping.INDEPENDENT;
            case ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT -> NatMapping.DEPENDENT;
            case UNKNOWN -> NatMapping.UNKNOWN;
        };
    }

    /** The report on {@code input} as text, or as JSON: what {@code jwg-status=doctor} answers ({@link jwg.ice.StatusProtocol.Examiner}). */
    public static String report(DoctorInput input, boolean json) {
        DoctorReport r = examine(input);
        return json ? r.toJson() : r.toText();
    }

    /** Each peer's line; the explanation from {@link PathExplanation}. */
    static List<DoctorReport.PeerLine> peers(
            ConnectivityStatus status, Mapping ourMapping, boolean turnConfigured, boolean turnWorks) {
        boolean signal = status.signal() != null && status.signal().connected();
        return status.peers().stream()
                .map(p -> new DoctorReport.PeerLine(
                        p.publicKey(),
                        p.state().name(),
                        p.path().name(),
                        PathExplanation.explain(facts(p, ourMapping, turnConfigured, turnWorks, signal))))
                .toList();
    }

    static PathExplanation.Facts facts(
            ConnectivityStatus.Peer p,
            Mapping ourMapping,
            boolean turnConfigured,
            boolean turnWorks,
            boolean signalConnected) {
        ConnectionState state = p.state();
        PathType path = p.path() == null ? PathType.NONE : p.path();
        return new PathExplanation.Facts(
                state,
                path,
                p.localType(),
                p.remoteType(),
                p.remoteCandidateTypes(),
                p.sessionsStarted(),
                p.sessionsFailed(),
                p.lastEvent(),
                ourMapping,
                turnConfigured,
                turnWorks,
                signalConnected,
                p.relayPolicy());
    }

    private static DoctorReport.StunServer stun(InetSocketAddress server, int mark) {
        try (StunClient c = new StunClient(NatDiscovery.routeSource(server, mark), mark)) {
            Reply r = c.binding(server, 0);
            InetSocketAddress mapped = NatDiscovery.mapped(r);
            if (mapped == null) return new DoctorReport.StunServer(text(server), false, null, -1, NatDiscovery.why(r));
            return new DoctorReport.StunServer(
                    text(server), true, text(mapped), ((Reply.Answer) r).rttMicros() / 1000, null);
        } catch (java.io.IOException e) {
            return new DoctorReport.StunServer(text(server), false, null, -1, "no local socket: " + e.getMessage());
        }
    }

    private static DoctorReport.TurnServer turn(IceServers.Turn t, int mark) {
        InetAddress local = NatDiscovery.routeSource(t.address(), mark);
        return switch (TurnCheck.check(local, mark, t.address(), t.username(), t.password())) {
            case TurnCheck.Outcome.Allocated a ->
                new DoctorReport.TurnServer(
                        text(t.address()),
                        t.username(),
                        true,
                        text(a.relayed()),
                        a.lifetimeSeconds(),
                        a.rttMillis(),
                        a.released(),
                        null);
            case TurnCheck.Outcome.Rejected r ->
                new DoctorReport.TurnServer(
                        text(t.address()),
                        t.username(),
                        false,
                        null,
                        -1,
                        -1,
                        false,
                        (r.code() == 0 ? "" : r.code() + " " + r.reason() + ": ") + r.meaning());
            case TurnCheck.Outcome.Unreachable u ->
                new DoctorReport.TurnServer(
                        text(t.address()), t.username(), false, null, -1, -1, false, "unreachable: " + u.why());
        };
    }

    private static DoctorReport.Nat nat(NatDiscovery.Result n) {
        if (n == null) return null;
        return new DoctorReport.Nat(
                text(n.server()), text(n.local()), text(n.mapped()), n.mapping().text, n.filtering().text, n.note());
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("probe failed: " + e.getCause(), e.getCause());
        }
    }

    static String text(InetSocketAddress a) {
        return a == null ? null : IpText.hostPort(a);
    }
}
