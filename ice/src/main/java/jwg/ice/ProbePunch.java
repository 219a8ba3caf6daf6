package jwg.ice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import jwg.ice.punch.BirthdayPunch;
import jwg.ice.punch.PunchAuth;
import jwg.ice.punch.PunchPlan;
import jwg.ice.punch.PunchResult;
import jwg.ice.punch.PunchRole;
import jwg.ice.punch.ReflexiveAddress;
import jwg.ice.signal.ProbeReport;
import jwg.ice.signal.SignalClient;
import jwg.ice.signal.SignalMessage;
import jwg.noise.PublicKey;
import jwg.tun.ip.IpText;
import org.ice4j.ice.CandidateType;

/**
 * {@code jwg probe}'s birthday probing, after ICE ended relayed or failed between a side with an
 * endpoint-independent mapping and one with an endpoint-dependent mapping (both sides' NAT types
 * from their reports). The agreement travels in {@link ProbeReport} lines, which daemons and older
 * probes ignore: the easy side opens a socket, learns its reflexive address from the first STUN
 * server and sends {@code punch=easy} + {@code reflexive=IP:PORT}; the hard side then opens its
 * sockets, sends {@code punch=hard} + {@code public=IP} (its server-reflexive candidate's address)
 * and starts; the easy side starts spraying when that arrives. Probes are authenticated with the ICE
 * session's credentials ({@link PunchAuth}).
 */
final class ProbePunch {
    /** How long a side waits for the other's punch line. */
    static final long AGREE_WAIT_MS = 4_000;

    /** What the punch ended with, for the printout. */
    record Outcome(PunchRole role, boolean punched, String local, String remote, long millis, int probes, String why) {
        String text() {
            return punched
                    ? role.name().toLowerCase() + " side, " + local + " -> " + remote + ", punched in " + millis
                            + " ms after " + probes + " probes"
                    : role.name().toLowerCase() + " side, not punched: " + why;
        }
    }

    private ProbePunch() {}

    /** Whether a NAT type text (the doctor's) describes an endpoint-independent mapping (or no NAT). */
    static boolean independent(String nat) {
        return nat != null && (nat.startsWith("endpoint-independent mapping") || nat.startsWith("no NAT"));
    }

    /** The role this side plays, if probing applies to the two NAT types. */
    static Optional<PunchRole> role(String ourNat, String peerNat) {
        if (ourNat == null
                || peerNat == null
                || ourNat.contains("mapping unknown")
                || peerNat.contains("mapping unknown")) return Optional.empty();
        return PunchRole.of(independent(ourNat), independent(peerNat));
    }

    /**
     * Runs this side's part. {@code inbox} is the probe's queue of the peer's messages; {@code
     * localCandidates} are this agent's (the hard side's public address is its srflx candidate's).
     */
    static Outcome run(
            PunchRole role,
            long session,
            PunchAuth auth,
            IceServers servers,
            List<String> localCandidates,
            SignalClient signal,
            PublicKey peer,
            BlockingQueue<SignalMessage> inbox)
            throws InterruptedException {
        try {
            return role == PunchRole.EASY
                    ? easy(session, auth, servers, signal, peer, inbox)
                    : hard(session, auth, localCandidates, signal, peer, inbox);
        } catch (IOException e) {
            return new Outcome(role, false, null, null, 0, 0, e.getMessage());
        }
    }

    private static Outcome easy(
            long session,
            PunchAuth auth,
            IceServers servers,
            SignalClient signal,
            PublicKey peer,
            BlockingQueue<SignalMessage> inbox)
            throws IOException, InterruptedException {
        InetSocketAddress server = !servers.stun().isEmpty()
                ? servers.stun().getFirst()
                : servers.turn().isEmpty() ? null : servers.turn().getFirst().address();
        if (server == null) throw new IOException("no STUN or TURN server to learn our reflexive address from");
        try (DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress(0))) {
            InetSocketAddress reflexive = ReflexiveAddress.lookup(socket, server, 5, 300);
            signal.send(peer, new ProbeReport(session, List.of("punch=easy", "reflexive=" + text(reflexive))));
            String pub = awaitLine(inbox, "public=");
            if (pub == null) throw new IOException("the peer did not start its part (no punch=hard line)");
            InetAddress hardPublic = InetAddress.ofLiteral(pub);
            return outcome(PunchRole.EASY, BirthdayPunch.easy(socket, hardPublic, auth, PunchPlan.DEFAULT));
        }
    }

    private static Outcome hard(
            long session,
            PunchAuth auth,
            List<String> localCandidates,
            SignalClient signal,
            PublicKey peer,
            BlockingQueue<SignalMessage> inbox)
            throws IOException, InterruptedException {
        InetAddress pub = null;
        for (String c : localCandidates) {
            CandidateText t = CandidateText.parse(c);
            if (t.type() == CandidateType.SERVER_REFLEXIVE_CANDIDATE) {
                pub = t.address().getAddress();
                break;
            }
        }
        if (pub == null) throw new IOException("no server-reflexive candidate: our public address is unknown");
        String reflexive = awaitLine(inbox, "reflexive=");
        if (reflexive == null) throw new IOException("the peer did not start its part (no punch=easy line)");
        int colon = reflexive.lastIndexOf(':');
        InetSocketAddress easy = new InetSocketAddress(
                InetAddress.ofLiteral(reflexive.substring(0, colon)), Integer.parseInt(reflexive.substring(colon + 1)));
        List<DatagramChannel> sockets = BirthdayPunch.openSockets(PunchPlan.DEFAULT.sockets(), null);
        signal.send(peer, new ProbeReport(session, List.of("punch=hard", "public=" + pub.getHostAddress())));
        PunchResult r = BirthdayPunch.hard(sockets, easy, auth, PunchPlan.DEFAULT);
        Outcome o = outcome(PunchRole.HARD, r);
        if (r instanceof PunchResult.Punched p) p.socket().close(); // a probe: nothing travels on it afterwards
        return o;
    }

    private static Outcome outcome(PunchRole role, PunchResult r) throws IOException {
        return switch (r) {
            case PunchResult.Punched p ->
                new Outcome(
                        role,
                        true,
                        text((InetSocketAddress) p.socket().getLocalAddress()),
                        text(p.remote()),
                        p.nanos() / 1_000_000,
                        p.stats().probesSent(),
                        null);
            case PunchResult.Failed f ->
                new Outcome(
                        role,
                        false,
                        null,
                        null,
                        f.nanos() / 1_000_000,
                        f.stats().probesSent(),
                        f.reason());
        };
    }

    /** The value of the first report line starting with {@code prefix} that arrives within {@link #AGREE_WAIT_MS}. */
    private static String awaitLine(BlockingQueue<SignalMessage> inbox, String prefix) throws InterruptedException {
        long end = System.nanoTime() + AGREE_WAIT_MS * 1_000_000L;
        while (System.nanoTime() < end) {
            SignalMessage m = inbox.poll(50, TimeUnit.MILLISECONDS);
            if (!(m instanceof ProbeReport r)) continue;
            for (String l : r.lines()) if (l.startsWith(prefix)) return l.substring(prefix.length());
        }
        return null;
    }

    private static String text(InetSocketAddress a) {
        return a.getAddress().isAnyLocalAddress() ? "*:" + a.getPort() : IpText.hostPort(a);
    }
}
