package jwg.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.dataplane.bind.NioBind;
import jwg.dataplane.bind.TtlReceiver;
import jwg.ice.stun.Stun;
import org.junit.jupiter.api.Test;

/**
 * The TTL primer on the wire (loopback, the receiver reading each datagram's TTL): the primer and
 * the checks to a primed address leave with TTL 2 until a datagram from that address arrives
 * through the device's socket (or the guard's second runs out), then with the default; other
 * addresses are never limited; switched off, or on the JDK bind, nothing is sent and nothing limited.
 */
class TtlPrimerTest {
    private static final int DEFAULT_TTL = 64;

    /** A device socket (IceBind over {@code inner}) with its receive loop, and a peer on loopback. */
    private record Rig(StunMux mux, IceBind bind, TtlReceiver peer, SharedSocket socket, Thread loop)
            implements AutoCloseable {
        static Rig open(Bind inner, TtlPrimer primer) throws Exception {
            StunMux mux = new StunMux(primer);
            IceBind bind = new IceBind(inner, mux);
            int port = bind.open(0);
            Thread loop = Thread.ofPlatform().daemon().start(() -> {
                Datagrams batch = Datagrams.allocate(Arena.ofAuto(), 8, 2048);
                try {
                    while (bind.receive(batch) >= 0) {
                        // STUN goes to the mux inside receive
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            SharedSocket s = new SharedSocket(mux, new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port));
            return new Rig(mux, bind, TtlReceiver.open(), s, loop);
        }

        InetSocketAddress peerAddress() {
            return new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), peer.port());
        }

        /** Sends a Binding request to {@code to} as an agent would; returns the TTL it arrived with. */
        int checkTtl(InetSocketAddress to, TtlReceiver at) throws Exception {
            byte[] check = stun(Stun.BINDING | Stun.REQUEST);
            mux.send(socket, check, 0, check.length, to);
            TtlReceiver.Received got = at.receive(2000);
            assertNotNull(got, "the check arrived");
            assertEquals(Stun.HEADER, got.data().length);
            return got.ttl();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            bind.close();
            loop.join(2000);
            peer.close();
        }
    }

    static byte[] stun(int type) {
        return ByteBuffer.allocate(Stun.HEADER)
                .putShort((short) type)
                .putShort((short) 0)
                .putInt(Stun.MAGIC_COOKIE)
                .putLong(System.nanoTime())
                .putInt(42)
                .array();
    }

    @Test
    void primerAndChecksGoWithTtl2UntilThePeerIsHeard() throws Exception {
        try (Rig rig = Rig.open(new LinuxUdpBind(), new TtlPrimer(true));
                TtlReceiver other = TtlReceiver.open()) {
            InetSocketAddress peer = rig.peerAddress();
            assertEquals(1, rig.mux.prime(List.of(peer)));
            TtlReceiver.Received primer = rig.peer.receive(2000);
            assertNotNull(primer, "the primer arrived");
            assertEquals(TtlPrimer.TTL, primer.ttl());
            assertEquals(Stun.HEADER, primer.data().length);
            assertEquals(
                    Stun.BINDING | Stun.INDICATION,
                    ByteBuffer.wrap(primer.data()).getShort() & 0xFFFF,
                    "a Binding indication");
            assertEquals(TtlPrimer.TTL, rig.checkTtl(peer, rig.peer), "a check before hearing from the peer");
            assertEquals(TtlPrimer.TTL, rig.checkTtl(peer, rig.peer), "and its retransmission");
            InetSocketAddress elsewhere = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), other.port());
            assertEquals(DEFAULT_TTL, rig.checkTtl(elsewhere, other), "an address never primed");
            // the peer's check comes in through the device's socket
            rig.peer.sendTo(stun(Stun.BINDING | Stun.INDICATION), Endpoint.parse("127.0.0.1:" + rig.bind.port()));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (rig.mux.primer.guarding(peer) && System.nanoTime() < deadline) Thread.sleep(5);
            assertFalse(rig.mux.primer.guarding(peer), "heard from the peer");
            assertEquals(DEFAULT_TTL, rig.checkTtl(peer, rig.peer), "a check after hearing from the peer");
            assertEquals(1, rig.mux.primer.heard.sum());
            assertEquals(1, rig.mux.primer.primers.sum());
            assertEquals(2, rig.mux.primer.limited.sum());
        }
    }

    @Test
    void theGuardEndsAfterASecondUnheard() throws Exception {
        try (Rig rig = Rig.open(new LinuxUdpBind(), new TtlPrimer(true))) {
            InetSocketAddress peer = rig.peerAddress();
            assertEquals(1, rig.mux.prime(List.of(peer)));
            assertEquals(TtlPrimer.TTL, rig.peer.receive(2000).ttl());
            assertEquals(TtlPrimer.TTL, rig.checkTtl(peer, rig.peer));
            Thread.sleep(TtlPrimer.GUARD_NANOS / 1_000_000 + 100);
            assertEquals(DEFAULT_TTL, rig.checkTtl(peer, rig.peer), "full TTL after the fallback");
            assertEquals(0, rig.mux.primer.heard.sum());
        }
    }

    @Test
    void switchedOffNothingIsPrimedOrLimited() throws Exception {
        try (Rig rig = Rig.open(new LinuxUdpBind(), new TtlPrimer(false))) {
            InetSocketAddress peer = rig.peerAddress();
            assertEquals(0, rig.mux.prime(List.of(peer)));
            assertNull(rig.peer.receive(200), "no primer");
            assertEquals(DEFAULT_TTL, rig.checkTtl(peer, rig.peer));
        }
    }

    @Test
    void theJdkBindSendsNoPrimerAndLimitsNothing() throws Exception {
        try (Rig rig = Rig.open(new NioBind(), new TtlPrimer(true))) {
            InetSocketAddress peer = rig.peerAddress();
            assertEquals(0, rig.mux.prime(List.of(peer)));
            assertNull(rig.peer.receive(200), "no primer");
            assertEquals(DEFAULT_TTL, rig.checkTtl(peer, rig.peer));
        }
    }

    @Test
    void onlyTheOfferersReflexiveCandidatesArePrimed() {
        List<String> candidates = List.of(
                "1 2130706431 198.51.100.10 51820 typ host",
                "2 1694498815 203.0.113.2 40301 typ srflx raddr 198.51.100.10 rport 51820",
                "3 16777215 203.0.113.1 50000 typ relay raddr 203.0.113.2 rport 40301",
                "4 1694498815 203.0.113.2 40301 typ srflx raddr 198.51.100.10 rport 51820",
                "garbage");
        assertEquals(
                List.of(new InetSocketAddress(InetAddress.ofLiteral("203.0.113.2"), 40301)),
                CandidateText.reflexive(candidates));
    }
}
