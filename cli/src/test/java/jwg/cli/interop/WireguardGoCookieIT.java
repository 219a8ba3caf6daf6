package jwg.cli.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jwg.cli.interop.Lab.Bg;
import jwg.cli.interop.Lab.Impl;
import jwg.cli.interop.Lab.Node;
import jwg.cli.interop.Lab.Result;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * wireguard-go as a loaded responder, jwg as the initiator that must answer its cookie reply
 * (issue 12, item 3). wireguard-go is under load while its handshake queue holds ≥ 1/8 of its
 * 1,024 slots, and for 1 s after (device.IsUnderLoad); then an initiation without a valid MAC2
 * gets a cookie reply instead of a response. To get there on purpose, the responder runs in a
 * CPU cgroup capped at a fraction of a core ({@link CpuGroup}, with a high weight so it gets
 * that fraction even on a busy machine) while {@code bench/e2e/handshake-flood.py} sends it
 * valid-MAC1 initiations from spoofed sources: its Diffie-Hellman work falls behind the flood
 * (the queue passes the mark), while cookie replies, which cost no DH, keep up (the queue
 * drains, so the legit initiation is not dropped for a full queue).
 *
 * <p>jwg's peer then pings through the tunnel: its initiation gets a cookie reply, which jwg
 * answers at once with the same initiation and a MAC2 (not 5 s later, as wireguard-go and the
 * kernel would); wireguard-go accepts the MAC2 and answers. Asserted: the cookie reply arrived
 * and jwg resent its initiation (jwg's counters), and the first ping reply came within
 * {@link #BOUND} seconds. When wireguard-go happened to be between two under-load periods
 * (its queue below the mark for over a second, then growing back to it: up to a fifth of the
 * time at these settings) the handshake completes
 * without a cookie; the test then makes jwg start a new handshake (the peer removed and added
 * again) and tries again, up to {@link #ATTEMPTS} times.
 */
// two daemons' start-up, the flooder's pool (5-7 s at load 25) and up to six attempts
@Timeout(240)
class WireguardGoCookieIT {
    /** Seconds to the first ping reply, handshake and cookie round trip included. */
    static final double BOUND = Double.parseDouble(System.getProperty("jwg.cookie.bound", "3.0"));

    static final int ATTEMPTS = 6;
    /**
     * The responder's CPU cap, percent of one core, and the flood's rate: the Diffie-Hellman work
     * of the flood must exceed the cap (so the queue passes the mark), its cookie replies must not
     * (so the queue drains and the legit initiation finds room). Measured here: Debian's
     * wireguard-go (GOMAXPROCS=1) spends ~40 µs of CPU per cookie reply, so 2,000/s saturated an
     * 8 % cap (its queue filled and dropped jwg's resent initiation once in four runs); 1,000/s
     * leaves it half the cap. The modern one at 20 % and 2,500/s kept up on an idle machine (no
     * cookie reply in six attempts): at 10 % it is under load there too (and was at load 7–23 at 20 %).
     */
    static int quota(Impl responder) {
        return Integer.getInteger("jwg.cookie.quota", responder == Impl.WIREGUARD_GO ? 8 : 10);
    }

    static int rate(Impl responder) {
        return Integer.getInteger("jwg.cookie.rate", responder == Impl.WIREGUARD_GO ? 1_000 : 2_500);
    }

    @ParameterizedTest
    @EnumSource(
            value = Impl.class,
            names = {"WIREGUARD_GO", "MODERN_WIREGUARD_GO"})
    void jwgAnswersTheLoadedResponderCookieReplyAtOnce(Impl responder) {
        HandshakeFloodIT.requirements();
        responder.command(); // skips when the modern wireguard-go is not installed
        try (CpuGroup cpu = CpuGroup.create(
                        "jwgcookie-" + ProcessHandle.current().pid() + "-" + responder.ordinal(), quota(responder));
                Lab lab = Lab.create(responder, Impl.JWG, false)) {
            Node a = lab.a, b = lab.b;
            HandshakeFloodIT.routeSpoofedRangeBack(lab);
            a.extraEnv.add("GOMAXPROCS=1");
            a.up();
            cpu.add(a.daemonPid());
            b.up();
            long pid = a.daemonPid();
            Bg flood = b.start(HandshakeFloodIT.flooder(a, rate(responder), 60));
            HandshakeFloodIT.awaitFlooding(flood);
            Lab.sleep(2_000); // the flood arrives, wireguard-go's queue passes its mark
            double cpuBefore = HandshakeFloodIT.cpuSeconds(pid);
            long t = System.nanoTime();
            List<String> attempts = new ArrayList<>();
            double seconds = -1;
            long[] before = counters(b);
            for (int attempt = 1; attempt <= ATTEMPTS && seconds < 0; attempt++) {
                if (attempt > 1) restartHandshake(b);
                before = counters(b);
                long t0 = System.nanoTime();
                Result ping = b.exec(Duration.ofSeconds(30), "ping", "-n", "-c", "1", "-i", "0.2", "-w", "20", a.tun4);
                double s = (System.nanoTime() - t0) / 1e9;
                long[] after = counters(b);
                long cookies = after[0] - before[0], resent = after[1] - before[1], sent = after[2] - before[2];
                attempts.add(String.format(
                        "attempt %d: first-reply=%.3f s exit=%d cookie-replies=%d resent-with-mac2=%d initiations=%d",
                        attempt, s, ping.exit(), cookies, resent, sent));
                if (ping.exit() != 0)
                    fail("jwg did not complete a handshake with the loaded " + responder + ": " + attempts + "\n" + ping
                            + lab.diagnostics());
                if (cookies > 0) {
                    assertTrue(resent >= 1, "jwg answered the cookie reply with its initiation and MAC2: " + attempts);
                    seconds = s;
                }
            }
            double cpuUsed = HandshakeFloodIT.cpuSeconds(pid) - cpuBefore;
            double elapsed = (System.nanoTime() - t) / 1e9;
            flood.process.toHandle().destroy(); // SIGTERM: it stops and reports
            Result fr = flood.await(Duration.ofSeconds(20));
            String figures = String.format(
                    "COOKIE responder=%s initiator=jwg quota=%d%% rate=%d first-reply=%.3f s %s responder-cpu=%.2f s in %.1f s throttled=%d flood: %s load=%s",
                    responder,
                    quota(responder),
                    rate(responder),
                    seconds,
                    attempts,
                    cpuUsed,
                    elapsed,
                    cpu.throttled(),
                    fr.out().replace("flooding", "").strip(),
                    HandshakeFloodIT.loadAverage());
            System.out.println(figures);
            assertTrue(
                    seconds >= 0,
                    "in " + ATTEMPTS + " attempts, the loaded " + responder + " sent jwg a cookie reply: " + figures);
            assertTrue(
                    seconds < BOUND,
                    "first ping answered within " + BOUND + " s, the cookie round trip included: " + figures);
        }
    }

    /** jwg's cookie_reply_received, initiation_resent_with_cookie and initiation_sent counters. */
    static long[] counters(Node n) {
        String reply;
        try {
            reply = Lab.uapi(n.socket(), "jwg-counters=1\n\n");
        } catch (IOException e) {
            throw new AssertionError("jwg's counters over UAPI: " + e, e);
        }
        String[] keys = {
            "event_cookie_reply_received=", "event_initiation_resent_with_cookie=", "event_initiation_sent="
        };
        long[] v = new long[keys.length];
        for (String line : reply.split("\n"))
            for (int i = 0; i < keys.length; i++)
                if (line.startsWith(keys[i]))
                    v[i] = Long.parseLong(line.substring(keys[i].length()).strip());
        return v;
    }

    /** A new handshake from jwg: its peer removed and added again (no session, a new initiation on the next packet). */
    static void restartHandshake(Node b) {
        Node a = b.peer;
        b.exec("wg", "set", b.ifname, "peer", a.publicKey, "remove").check("wg set remove");
        b.exec(
                        "wg",
                        "set",
                        b.ifname,
                        "peer",
                        a.publicKey,
                        "endpoint",
                        a.underlay + ":" + a.listenPort,
                        "allowed-ips",
                        a.tun4 + "/32," + a.tun6 + "/128")
                .check("wg set peer");
    }
}
