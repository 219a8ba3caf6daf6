package jwg.ice.punch;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import jwg.ice.stun.Stun;
import jwg.sys.NetNs;
import jwg.testkit.NatLab;
import jwg.testkit.NatLab.Host;
import jwg.testkit.NatLab.Topology;
import jwg.testkit.Requires;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The punch alone in the NAT lab, cone (hA, easy) <-> symmetric (hB, hard, {@code masquerade
 * fully-random}): N attempts (system property {@code jwg.punch.attempts}, default 20), each with
 * fresh sockets and credentials; counts the attempts that end with the same pair on both sides and
 * a datagram through it both ways, and their times from the first probe. Plain ICE relays this
 * topology (ProbeIT, IceLabIT).
 */
class BirthdayPunchLabIT {
    static final int ATTEMPTS = Integer.getInteger("jwg.punch.attempts", 20);

    @BeforeEach
    void requirements() {
        Requires.root();
        Requires.tool("turnserver");
        Requires.tool("nft");
        Requires.tool("ip");
        Requires.tool("python3");
    }

    @Test
    void coneToSymmetricPunchesThroughInAtLeast95PercentOfAttempts() throws Exception {
        List<Double> seconds = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (NatLab lab = NatLab.start(Topology.CONE_SYMMETRIC)) {
            InetAddress hardPublic = InetAddress.getByName(lab.wanAddress(Host.B));
            for (int i = 1; i <= ATTEMPTS; i++) {
                String outcome = attempt(lab, hardPublic, seconds);
                System.out.println("attempt " + i + "/" + ATTEMPTS + ": " + outcome);
                if (!outcome.startsWith("punched")) failures.add(i + ": " + outcome);
            }
            List<Double> sorted = seconds.stream().sorted().toList();
            String summary = String.format(
                    "birthday punch cone<->symmetric: %d/%d punched; time s: min %.3f median %.3f max %.3f",
                    sorted.size(),
                    ATTEMPTS,
                    sorted.isEmpty() ? Double.NaN : sorted.getFirst(),
                    sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2),
                    sorted.isEmpty() ? Double.NaN : sorted.getLast());
            System.out.println(summary);
            assertTrue(
                    sorted.size() >= Math.ceil(ATTEMPTS * 0.95),
                    summary + "\nfailed: " + failures + "\n" + lab.diagnostics());
            for (double s : sorted) assertTrue(s <= 5.0, summary);
        }
    }

    /** One attempt; "punched ..." on success (its time added to {@code seconds}), else why not. */
    private static String attempt(NatLab lab, InetAddress hardPublic, List<Double> seconds) throws Exception {
        String easyUfrag =
                "e" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String hardUfrag =
                "h" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        PunchAuth easyAuth = new PunchAuth(easyUfrag, secret(), hardUfrag, secret());
        DatagramChannel easySocket = NetNs.run(
                lab.hostNetns(Host.A).path(), () -> DatagramChannel.open().bind(new InetSocketAddress(0)));
        List<DatagramChannel> hardSockets = NetNs.run(
                lab.hostNetns(Host.B).path(), () -> BirthdayPunch.openSockets(PunchPlan.DEFAULT.sockets(), null));
        PunchResult.Punched hardWin = null;
        try (easySocket) {
            InetSocketAddress easyReflexive = ReflexiveAddress.lookup(easySocket, lab.stunAddress(), 6, 500);
            assertEquals(lab.wanAddress(Host.A), easyReflexive.getHostString());
            // both start at once, as after the signaling agreement
            var easy = CompletableFuture.supplyAsync(
                    () -> BirthdayPunch.easy(easySocket, hardPublic, easyAuth, PunchPlan.DEFAULT));
            PunchResult hard = BirthdayPunch.hard(hardSockets, easyReflexive, easyAuth.reversed(), PunchPlan.DEFAULT);
            PunchResult e = easy.get(15, TimeUnit.SECONDS);
            if (hard instanceof PunchResult.Punched h) hardWin = h;
            if (!(e instanceof PunchResult.Punched ep) || hardWin == null)
                return "failed: easy " + e + ", hard " + hard;
            if (!ep.remote().getAddress().equals(hardPublic)) return "easy side's pair is not hB's router: " + ep;
            if (!hardWin.remote().equals(easyReflexive)) return "hard side's pair is not hA's mapping: " + hardWin;
            // the pair carries data both ways (what WireGuard will send over it)
            hardWin.socket().send(ByteBuffer.wrap("from-hard".getBytes()), hardWin.remote());
            if (!"from-hard".equals(receive(easySocket, ep.remote())))
                return "nothing from the hard side over the pair: " + ep + " " + hardWin;
            easySocket.send(ByteBuffer.wrap("from-easy".getBytes()), ep.remote());
            if (!"from-easy".equals(receive(hardWin.socket(), easyReflexive)))
                return "nothing from the easy side over the pair: " + ep + " " + hardWin;
            double s = Math.max(ep.nanos(), hardWin.nanos()) / 1e9;
            seconds.add(s);
            return String.format(
                    "punched in %.3f s: %s -> %s, easy sent %d probes, hard %d",
                    s,
                    easyReflexive,
                    ep.remote(),
                    ep.stats().probesSent(),
                    hardWin.stats().probesSent());
        } finally {
            if (hardWin != null) hardWin.socket().close();
            for (DatagramChannel c : hardSockets) assertFalse(hardWin == null && c.isOpen(), "sockets left open");
        }
    }

    private static String secret() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The first datagram's text from {@code from} within 2 s, skipping late probes; null if none. */
    private static String receive(DatagramChannel c, InetSocketAddress from) throws IOException {
        c.socket().setSoTimeout(2000);
        byte[] b = new byte[1500];
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) {
            var p = new java.net.DatagramPacket(b, b.length);
            try {
                c.socket().receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (!p.getSocketAddress().equals(from) || Stun.isMessage(b, p.getLength())) continue;
            return new String(b, 0, p.getLength());
        }
        return null;
    }
}
