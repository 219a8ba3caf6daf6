package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.dataplane.bind.NioBind;
import jwg.ice.punch.BirthdayPunch;
import jwg.ice.punch.PunchAuth;
import jwg.ice.punch.PunchConsent;
import jwg.ice.punch.PunchPlan;
import jwg.ice.punch.PunchResult;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;
import org.junit.jupiter.api.Test;

/**
 * The punch in the device, on loopback with real sockets: the easy side sprays from the device's own
 * port ({@link DevicePunchSocket} behind the {@link StunMux}, routed by the punch's ufrag), the hard
 * side's winning socket is joined to the device by a {@link PunchProxy}, WireGuard goes through it
 * both ways, and the pair's consent checks are answered on both sides. (Both roles on one device:
 * the hard side's peer is the device's own port.)
 */
class DevicePunchTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final PunchAuth EASY = new PunchAuth(
            "easyU" + PeerPunch.UFRAG_SUFFIX,
            "easy-password-0123456789",
            "hardU" + PeerPunch.UFRAG_SUFFIX,
            "hard-password-987654321");
    static final PunchPlan FAST = PunchPlan.DEFAULT.withSockets(8).withDeadline(Duration.ofSeconds(5));

    @Test
    void theEasySideOnTheDevicePortAndTheHardSidesProxyCarryWireGuardAndConsent() throws Exception {
        StunMux mux = new StunMux();
        IceBind bind = new IceBind(new NioBind(), mux);
        int port = bind.open(0);
        InetSocketAddress device = new InetSocketAddress(LO, port);
        BlockingQueue<InetSocketAddress> wireGuardFrom = new LinkedBlockingQueue<>();
        Thread receiver = Thread.ofVirtual().start(() -> receive(bind, wireGuardFrom));
        DevicePunchSocket easySocket = DevicePunchSocket.open(mux, EASY.localUfrag());
        BirthdayPath easyPath = null;
        PunchProxy proxy = null;
        try {
            List<DatagramChannel> hardSockets = BirthdayPunch.openSockets(8, LO);
            // no NAT on loopback: the hard side's probes reach the device port directly; the spray
            // goes to ports nobody listens on
            var easy = CompletableFuture.supplyAsync(
                    () -> BirthdayPunch.easy(easySocket, LO, EASY, FAST.withPorts(1, 1000, 1000)));
            PunchResult hard = BirthdayPunch.hard(hardSockets, device, EASY.reversed(), FAST);
            var h = assertInstanceOf(PunchResult.Punched.class, hard, hard.toString());
            var e = assertInstanceOf(PunchResult.Punched.class, easy.get(10, TimeUnit.SECONDS));
            InetSocketAddress winner = (InetSocketAddress) h.socket().getLocalAddress();
            assertEquals(device, h.remote(), "the hard side's pair ends on the device's own port");
            assertEquals(winner, e.remote());

            PunchConsent easyConsent = new PunchConsent(EASY, true),
                    hardConsent = new PunchConsent(EASY.reversed(), false);
            easyPath = new BirthdayPath.OnDevice(easySocket, e.remote(), easyConsent);
            proxy = PunchProxy.open(h.socket(), h.remote(), hardConsent, port);
            assertEquals(LO, proxy.endpoint().getAddress(), "the hard side's endpoint is the proxy's loopback socket");

            // WireGuard the device sends to the proxy leaves through the winning socket (here: back to the device)
            byte[] wg = new byte[64];
            wg[0] = 4; // transport data
            try (Arena a = Arena.ofConfined()) {
                MemorySegment seg = a.allocate(wg.length);
                MemorySegment.copy(wg, 0, seg, ValueLayout.JAVA_BYTE, 0, wg.length);
                bind.send(seg, 0, wg.length, Endpoint.of(proxy.endpoint()));
            }
            InetSocketAddress from = wireGuardFrom.poll(5, TimeUnit.SECONDS);
            assertNotNull(from, "the datagram came back through the proxy");
            assertEquals(winner.getPort(), from.getPort(), "from the winning socket: " + from);
            for (int i = 0; i < 100 && proxy.toPeer.sum() == 0; i++) Thread.sleep(10); // counted after the send
            assertEquals(1, proxy.toPeer.sum());

            // consent both ways: each side's check is answered by the other
            long t0 = System.nanoTime();
            while ((easyConsent.answers.sum() == 0 || hardConsent.answers.sum() == 0)
                    && System.nanoTime() - t0 < 5_000_000_000L) {
                easyPath.tick(System.nanoTime());
                proxy.tick(System.nanoTime());
                Thread.sleep(20);
            }
            assertTrue(easyConsent.answers.sum() > 0, "the easy side's check answered by the proxy");
            assertTrue(hardConsent.answers.sum() > 0, "the hard side's check answered on the device's port");
            // (late datagrams of the punch itself — answers to its probes after it ended — are dropped and counted)
        } finally {
            if (easyPath != null) easyPath.close();
            else easySocket.close();
            if (proxy != null) proxy.close();
            bind.close();
            receiver.join(5_000);
        }
    }

    @Test
    void aProbeForTheAgentsOwnUfragDoesNotReachThePunch() throws Exception {
        StunMux mux = new StunMux();
        IceBind bind = new IceBind(new NioBind(), mux);
        int port = bind.open(0);
        Thread receiver = Thread.ofVirtual().start(() -> receive(bind, new LinkedBlockingQueue<>()));
        DevicePunchSocket punch = DevicePunchSocket.open(mux, EASY.localUfrag());
        try (DatagramChannel stranger = DatagramChannel.open().bind(new InetSocketAddress(LO, 0))) {
            long before = mux.unroutable.sum();
            byte[] tx = new byte[12];
            tx[0] = 1;
            // USERNAME easyU:hardU — the ICE agent's ufrag (none registered here), not the punch's
            byte[] agentCheck = StunMessage.of(Stun.BINDING, Stun.REQUEST, tx)
                    .add(Stun.USERNAME, "easyU:hardU")
                    .encode("easy-password-0123456789".getBytes(), true);
            stranger.send(ByteBuffer.wrap(agentCheck), new InetSocketAddress(LO, port));
            long t0 = System.nanoTime();
            while (mux.unroutable.sum() == before && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(10);
            assertEquals(before + 1, mux.unroutable.sum(), "dropped and counted by the mux");
            assertNull(punch.receive(TimeUnit.MILLISECONDS.toNanos(200)), "not the punch's");
            // the positive control: the punch's own ufrag reaches it
            PunchConsent peer = new PunchConsent(EASY.reversed(), false);
            stranger.send(ByteBuffer.wrap(peer.request()), new InetSocketAddress(LO, port));
            assertNotNull(punch.receive(TimeUnit.SECONDS.toNanos(5)));
        } finally {
            punch.close();
            bind.close();
            receiver.join(5_000);
        }
    }

    /** The device's receive loop: WireGuard comes out of the bind (STUN went to the mux on the way). */
    private static void receive(IceBind bind, BlockingQueue<InetSocketAddress> wireGuardFrom) {
        try (Arena arena = Arena.ofConfined()) {
            Datagrams batch = Datagrams.allocate(arena, 1, 2048);
            while (true) {
                int n = bind.receive(batch);
                if (n < 0) return;
                for (int i = 0; i < n; i++) wireGuardFrom.add(batch.endpoint(i).toSocketAddress());
            }
        } catch (java.io.IOException e) {
            // closed
        }
    }
}
