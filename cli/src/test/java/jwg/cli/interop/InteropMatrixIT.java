package jwg.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import jwg.cli.interop.Lab.Impl;
import jwg.cli.interop.Lab.Node;
import jwg.cli.interop.Lab.PeerDump;
import jwg.cli.interop.Lab.Transfer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interop matrix: jwg ↔ wireguard-go (both role assignments) and jwg ↔ jwg, each with and
 * without a PresharedKey; jwg ↔ today's wireguard-go (offloads on both sides, where it is
 * installed) both ways; jwg with offloads off against jwg and against wireguard-go; every interface brought up by the real wg-quick. For each combination:
 * a handshake initiated by A, then (after both sides forget the session) one initiated by B;
 * IPv4 and IPv6 pings both ways; a TCP transfer whose SHA-256 must match at both ends (100 MiB
 * for jwg → wireguard-go and jwg → jwg without PSK, a few MiB over IPv6 and IPv4 elsewhere);
 * {@code wg show} against every jwg side; and {@code wg-quick down} ending the jwg process,
 * its socket and its interface.
 */
class InteropMatrixIT {
    static final long BIG = 100L << 20;
    static final long SMALL = 4L << 20;

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of(Impl.JWG, Impl.WIREGUARD_GO, false),
                Arguments.of(Impl.WIREGUARD_GO, Impl.JWG, false),
                Arguments.of(Impl.JWG, Impl.JWG, false),
                Arguments.of(Impl.JWG, Impl.WIREGUARD_GO, true),
                Arguments.of(Impl.WIREGUARD_GO, Impl.JWG, true),
                Arguments.of(Impl.JWG, Impl.JWG, true),
                // offloads: against today's wireguard-go (it splits and coalesces too), and with ours off
                Arguments.of(Impl.JWG, Impl.MODERN_WIREGUARD_GO, false),
                Arguments.of(Impl.MODERN_WIREGUARD_GO, Impl.JWG, false),
                Arguments.of(Impl.JWG_NO_OFFLOAD, Impl.JWG, false),
                Arguments.of(Impl.WIREGUARD_GO, Impl.JWG_NO_OFFLOAD, true));
    }

    @ParameterizedTest(name = "A={0} B={1} psk={2}")
    @MethodSource("combinations")
    @Timeout(240)
    void interop(Impl implA, Impl implB, boolean psk) throws Exception {
        try (Lab lab = Lab.up(implA, implB, psk)) {
            Node a = lab.a, b = lab.b;
            assertEquals(0, a.dump().latestHandshake(), "no handshake before any traffic");
            assertEquals(0, b.dump().latestHandshake(), "no handshake before any traffic");

            // A initiates: its first packet triggers the handshake (staged packets are sent after it)
            a.ping(b.tun4, 3, 10);
            b.ping(a.tun6, 3, 10);
            assertHandshook(a, psk);
            assertHandshook(b, psk);
            for (Node n : List.of(a, b)) if (n.impl.isJwg()) assertWgShow(n, psk);
            for (Node n : List.of(a, b)) assertOffloads(lab, n);

            if (!psk && implA.isJwg()) {
                Transfer t = lab.transfer(a, b, b.tun4, BIG, Duration.ofSeconds(150));
                assertTransfer(t, BIG, a, b);
            } else {
                assertTransfer(lab.transfer(a, b, b.tun6, SMALL, Duration.ofSeconds(60)), SMALL, a, b);
                assertTransfer(lab.transfer(b, a, a.tun4, SMALL, Duration.ofSeconds(60)), SMALL, b, a);
            }

            // both sides forget the peer (and with it every session); now B initiates
            forgetSessions(a);
            forgetSessions(b);
            assertEquals(0, a.dump().latestHandshake(), "peer re-added: no session");
            assertEquals(0, b.dump().latestHandshake(), "peer re-added: no session");
            b.ping(a.tun4, 3, 10);
            a.ping(b.tun6, 3, 10);
            assertHandshook(a, psk);
            assertHandshook(b, psk);

            // wg-quick down ends the jwg daemon, removes its socket and its interface
            assertDownEnds(a);
            assertDownEnds(b);
        }
    }

    /**
     * {@code ethtool -k}: an implementation with offloads took them from the kernel (TCP
     * segmentation on its TUN), one without has none.
     */
    static void assertOffloads(Lab lab, Node n) {
        Lab.Result r = lab.inNs(n.ns, Duration.ofSeconds(5), "ethtool", "-k", n.ifname);
        assertEquals(0, r.exit(), "ethtool -k " + n.ifname + ": " + r);
        boolean on = r.out().lines().anyMatch(l -> l.strip().equals("tx-tcp-segmentation: on"));
        boolean want = n.impl == Impl.JWG || n.impl == Impl.MODERN_WIREGUARD_GO;
        assertEquals(want, on, n.impl + ": TCP segmentation offload on " + n.ifname + "\n" + r.out());
    }

    /** {@code wg show IF dump}: the peer has a recent handshake and traffic both ways. */
    static void assertHandshook(Node n, boolean psk) {
        PeerDump d = n.dump();
        long now = System.currentTimeMillis() / 1000;
        assertEquals(n.peer.publicKey, d.peerPublicKey(), n + ": peer");
        assertEquals(psk ? n.lab().psk : "(none)", d.presharedKey(), n + ": preshared key in dump");
        assertTrue(
                d.latestHandshake() > now - 60 && d.latestHandshake() <= now + 1,
                n + ": latest handshake " + d.latestHandshake() + " not recent (now " + now + ")"
                        + n.lab().diagnostics());
        assertTrue(d.rx() > 0 && d.tx() > 0, n + ": transfer counters rx=" + d.rx() + " tx=" + d.tx());
    }

    /** The human {@code wg show IF} output against a jwg interface (as a user would read it). */
    static void assertWgShow(Node n, boolean psk) {
        String out = n.exec("wg", "show", n.ifname).check("wg show").out();
        String expectedAllowed = n.peer.tun4 + "/32, " + n.peer.tun6 + "/128";
        for (String want : List.of(
                "interface: " + n.ifname,
                "public key: " + pub(n),
                "private key: (hidden)",
                "listening port: " + n.listenPort,
                "peer: " + n.peer.publicKey,
                "endpoint: " + n.peer.underlay + ":" + n.peer.listenPort,
                "allowed ips: " + expectedAllowed,
                "latest handshake: ",
                "transfer: ")) {
            assertTrue(out.contains(want), n + ": `wg show` lacks '" + want + "':\n" + out);
        }
        assertEquals(psk, out.contains("preshared key: (hidden)"), n + ": preshared key line:\n" + out);
        assertTrue(
                out.matches("(?s).*transfer: [0-9.]+ [KMG]?i?B received, [0-9.]+ [KMG]?i?B sent.*"),
                n + ": transfer line:\n" + out);
    }

    private static String pub(Node n) {
        return n.publicKey;
    }

    static void assertTransfer(Transfer t, long bytes, Node from, Node to) {
        System.out.printf(
                "transfer %s -> %s: %d bytes in %d ms (%.1f Mbit/s)%n",
                from, to, t.receivedBytes(), t.elapsed().toMillis(), t.mbitPerSecond());
        assertEquals(bytes, t.sentBytes(), "sender sent everything");
        assertEquals(bytes, t.receivedBytes(), "receiver got every byte " + from + " -> " + to);
        assertEquals(t.sentSha256(), t.receivedSha256(), "SHA-256 of what was sent and what was received");
    }

    /** Removes the peer and adds it back with the same configuration: every session and handshake is gone. */
    static void forgetSessions(Node n) {
        n.exec("wg", "set", n.ifname, "peer", n.peer.publicKey, "remove").check("wg set peer remove");
        List<String> cmd = new java.util.ArrayList<>(List.of("wg", "set", n.ifname, "peer", n.peer.publicKey));
        if (n.lab().psk != null) {
            Path f = n.lab().dir.resolve("psk");
            try {
                Files.writeString(f, n.lab().psk + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            cmd.addAll(List.of("preshared-key", f.toString()));
        }
        cmd.addAll(List.of(
                "endpoint",
                n.peer.underlay + ":" + n.peer.listenPort,
                "allowed-ips",
                n.peer.tun4 + "/32," + n.peer.tun6 + "/128"));
        n.exec(cmd.toArray(String[]::new)).check("wg set peer (re-add)");
    }

    /** {@code wg-quick down}: for jwg, the daemon process exits and its socket and interface disappear. */
    static void assertDownEnds(Node n) {
        long pid = n.impl.isJwg() ? n.daemonPid() : -1;
        Lab.Result r = n.down();
        if (r.exit() != 0)
            fail("wg-quick down failed for " + n + ":\n" + r + n.lab().diagnostics());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline
                && (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                        || Files.exists(n.socket())
                        || n.interfaceExists())) {
            Lab.sleep(50);
        }
        if (n.impl.isJwg()) {
            assertFalse(
                    ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    n + ": jwg process " + pid + " still running 10 s after wg-quick down"
                            + n.lab().diagnostics());
        }
        assertFalse(Files.exists(n.socket()), n + ": socket " + n.socket() + " still there after wg-quick down");
        assertFalse(n.interfaceExists(), n + ": interface still there after wg-quick down");
    }
}
