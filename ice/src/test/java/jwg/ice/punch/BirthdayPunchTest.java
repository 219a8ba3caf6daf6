package jwg.ice.punch;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;
import org.junit.jupiter.api.Test;

/** The punch protocol on loopback (no NAT): both roles, the spray, authentication, the deadline. */
class BirthdayPunchTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final PunchAuth EASY_AUTH =
            new PunchAuth("easyU", "easy-password-0123456789", "hardU", "hard-password-987654321");
    static final PunchAuth HARD_AUTH = EASY_AUTH.reversed();
    static final PunchPlan FAST = PunchPlan.DEFAULT.withSockets(8).withDeadline(Duration.ofSeconds(5));

    @Test
    void bothRolesEndOnTheSamePairAndTheSpareSocketsClose() throws Exception {
        try (DatagramChannel easySocket = DatagramChannel.open().bind(new InetSocketAddress(LO, 0))) {
            InetSocketAddress easyAddress = (InetSocketAddress) easySocket.getLocalAddress();
            List<DatagramChannel> hardSockets = BirthdayPunch.openSockets(8, LO);
            // the easy side sprays ports nobody listens on (1-1000): it hears the hard side's probes directly
            var easy = CompletableFuture.supplyAsync(
                    () -> BirthdayPunch.easy(easySocket, LO, EASY_AUTH, FAST.withPorts(1, 1000, 1000)));
            PunchResult hard = BirthdayPunch.hard(hardSockets, easyAddress, HARD_AUTH, FAST);
            PunchResult e = easy.get(10, TimeUnit.SECONDS);
            var h = assertInstanceOf(PunchResult.Punched.class, hard, hard.toString());
            var ep = assertInstanceOf(PunchResult.Punched.class, e, e.toString());
            assertEquals(easyAddress, h.remote());
            assertEquals(h.socket().getLocalAddress(), ep.remote());
            assertSame(easySocket, ep.socket());
            assertTrue(easySocket.isOpen() && easySocket.isBlocking(), "the caller's socket stays the caller's");
            assertTrue(h.socket().isOpen() && h.socket().isBlocking());
            for (DatagramChannel c : hardSockets)
                assertEquals(c == h.socket(), c.isOpen(), "only the winner stays open");
            h.socket().close();
        }
    }

    @Test
    void theSprayFindsAHardSocketWhoseOwnProbesNeverArrive() throws Exception {
        // the easy side's NAT filter, simulated: the hard side's probes go to a sink, not to the easy socket
        try (DatagramChannel easySocket = DatagramChannel.open().bind(new InetSocketAddress(LO, 0));
                DatagramChannel sink = DatagramChannel.open().bind(new InetSocketAddress(LO, 0))) {
            List<DatagramChannel> hardSockets = consecutiveSockets(8);
            int first = ((InetSocketAddress) hardSockets.getFirst().getLocalAddress()).getPort();
            PunchPlan spray = FAST.withPorts(first - 100, first + 99, 200);
            var easy = CompletableFuture.supplyAsync(() -> BirthdayPunch.easy(easySocket, LO, EASY_AUTH, spray));
            PunchResult hard =
                    BirthdayPunch.hard(hardSockets, (InetSocketAddress) sink.getLocalAddress(), HARD_AUTH, FAST);
            PunchResult e = easy.get(10, TimeUnit.SECONDS);
            var h = assertInstanceOf(PunchResult.Punched.class, hard, hard.toString());
            var ep = assertInstanceOf(PunchResult.Punched.class, e, e.toString());
            assertEquals(easySocket.getLocalAddress(), h.remote(), "the hard side answers where the spray came from");
            assertEquals(h.socket().getLocalAddress(), ep.remote());
            assertTrue(ep.stats().probesSent() > 1 && ep.stats().probesSent() <= 200 + BirthdayPunch.NOMINATIONS + 1);
            h.socket().close();
        }
    }

    /** The device's port as the easy side sees it: a queue the test fills from a channel (the mux's part). */
    static final class QueuedSocket implements PunchSocket, AutoCloseable {
        final DatagramChannel channel;
        final java.util.concurrent.BlockingQueue<Datagram> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        final Thread reader;

        QueuedSocket() throws IOException {
            channel = DatagramChannel.open().bind(new InetSocketAddress(LO, 0));
            reader = Thread.ofVirtual().start(() -> {
                ByteBuffer b = ByteBuffer.allocate(2048);
                while (channel.isOpen()) {
                    try {
                        b.clear();
                        InetSocketAddress from = (InetSocketAddress) channel.receive(b);
                        queue.add(new Datagram(java.util.Arrays.copyOf(b.array(), b.position()), b.position(), from));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void send(byte[] datagram, InetSocketAddress to) {
            try {
                channel.send(ByteBuffer.wrap(datagram), to);
            } catch (IOException e) {
                // lost, as on the wire
            }
        }

        @Override
        public Datagram receive(long waitNanos) throws InterruptedException {
            return waitNanos <= 0 ? queue.poll() : queue.poll(waitNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    void theEasySideOnAQueuedSocketEndsOnTheSamePairAsTheHardSide() throws Exception {
        try (QueuedSocket device = new QueuedSocket()) {
            InetSocketAddress deviceAddress = (InetSocketAddress) device.channel.getLocalAddress();
            List<DatagramChannel> hardSockets = consecutiveSockets(8);
            int first = ((InetSocketAddress) hardSockets.getFirst().getLocalAddress()).getPort();
            PunchPlan spray = FAST.withPorts(first - 100, first + 99, 200);
            var easy = CompletableFuture.supplyAsync(() -> BirthdayPunch.easy(device, LO, EASY_AUTH, spray));
            PunchResult hard = BirthdayPunch.hard(hardSockets, deviceAddress, HARD_AUTH, FAST);
            PunchResult e = easy.get(10, TimeUnit.SECONDS);
            var h = assertInstanceOf(PunchResult.Punched.class, hard, hard.toString());
            var ep = assertInstanceOf(PunchResult.Punched.class, e, e.toString());
            assertNull(ep.socket(), "the pair is the queued socket's: no channel of the punch's own");
            assertEquals(deviceAddress, h.remote());
            assertEquals(h.socket().getLocalAddress(), ep.remote());
            assertTrue(device.channel.isOpen(), "the device's socket stays the device's");
            for (DatagramChannel c : hardSockets)
                assertEquals(c == h.socket(), c.isOpen(), "only the winner stays open");
            h.socket().close();
        }
    }

    @Test
    void theQueuedEasySideFailsAtItsDeadlineWithNobodyThere() throws Exception {
        try (QueuedSocket device = new QueuedSocket()) {
            long t0 = System.nanoTime();
            PunchResult r = BirthdayPunch.easy(
                    device, LO, EASY_AUTH, FAST.withPorts(1, 100, 100).withDeadline(Duration.ofMillis(500)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            var f = assertInstanceOf(PunchResult.Failed.class, r, r.toString());
            assertTrue(ms >= 500 && ms < 3000, ms + " ms");
            assertTrue(f.stats().probesSent() >= 100, "it sprayed: " + f);
        }
    }

    @Test
    void probesWithoutTheSessionsCredentialsAreDroppedAndNeverAnswered() throws Exception {
        try (DatagramChannel easySocket = DatagramChannel.open().bind(new InetSocketAddress(LO, 0));
                DatagramChannel stranger = DatagramChannel.open().bind(new InetSocketAddress(LO, 0))) {
            InetSocketAddress target = (InetSocketAddress) easySocket.getLocalAddress();
            PunchPlan plan = FAST.withPorts(1, 10, 10).withDeadline(Duration.ofSeconds(4));
            var easy = CompletableFuture.supplyAsync(() -> BirthdayPunch.easy(easySocket, LO, EASY_AUTH, plan));
            Thread.sleep(200);
            PunchAuth wrongPassword = new PunchAuth("hardU", "hard-password-987654321", "easyU", "not-the-password");
            PunchAuth wrongUser =
                    new PunchAuth("mallory", "hard-password-987654321", "easyU", "easy-password-0123456789");
            stranger.send(ByteBuffer.wrap(request(wrongPassword, true)), target);
            stranger.send(ByteBuffer.wrap(request(wrongUser, true)), target);
            stranger.send(ByteBuffer.wrap(request(HARD_AUTH, false)), target); // no MESSAGE-INTEGRITY at all
            stranger.send(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 9, 9, 9, 9}), target); // not STUN
            stranger.socket().setSoTimeout(700);
            assertThrows(
                    SocketTimeoutException.class,
                    () -> stranger.socket().receive(new java.net.DatagramPacket(new byte[1500], 1500)));
            // the positive control: the same socket with the session's credentials is answered
            stranger.send(ByteBuffer.wrap(request(HARD_AUTH, true)), target);
            stranger.socket().setSoTimeout(3000); // the easy side runs until its 4 s deadline, even under load
            byte[] b = new byte[1500];
            var p = new java.net.DatagramPacket(b, b.length);
            stranger.socket().receive(p);
            StunMessage answer = StunMessage.parse(b, p.getLength());
            assertNotNull(answer);
            assertEquals(Stun.SUCCESS_RESPONSE, answer.cls());
            assertTrue(answer.integrityValid(EASY_AUTH.localKey()));
            assertEquals(stranger.getLocalAddress(), answer.address(Stun.XOR_MAPPED_ADDRESS));
            PunchResult r = easy.get(10, TimeUnit.SECONDS);
            var f = assertInstanceOf(PunchResult.Failed.class, r, r.toString());
            assertEquals(4, f.stats().dropped(), f.toString());
            assertEquals(1, f.stats().answered(), f.toString());
        }
    }

    @Test
    void withNobodyThereTheHardSideFailsAtItsDeadlineWithEverySocketClosed() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress(LO, 0))) {
            List<DatagramChannel> sockets = BirthdayPunch.openSockets(4, LO);
            long t0 = System.nanoTime();
            PunchResult r = BirthdayPunch.hard(
                    sockets,
                    (InetSocketAddress) silent.getLocalAddress(),
                    HARD_AUTH,
                    FAST.withDeadline(Duration.ofMillis(600)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            var f = assertInstanceOf(PunchResult.Failed.class, r);
            assertTrue(ms >= 600 && ms < 3000, ms + " ms");
            assertTrue(f.reason().contains("600 ms"), f.reason());
            assertEquals(4, f.stats().probesSent(), "one round; the next is a second later");
            for (DatagramChannel c : sockets) assertFalse(c.isOpen());
        }
    }

    @Test
    void rolesOddsAndSecrets() {
        assertEquals(PunchRole.EASY, PunchRole.of(true, false).orElseThrow());
        assertEquals(PunchRole.HARD, PunchRole.of(false, true).orElseThrow());
        assertTrue(PunchRole.of(true, true).isEmpty());
        assertTrue(PunchRole.of(false, false).isEmpty());
        double odds1024 = PunchPlan.DEFAULT.withPorts(1024, 65535, 1024).successOdds();
        assertEquals(0.98, odds1024, 0.01);
        assertTrue(PunchPlan.DEFAULT.successOdds() > 0.999, "2,048 probes: " + PunchPlan.DEFAULT.successOdds());
        assertFalse(EASY_AUTH.toString().contains(EASY_AUTH.localPassword()), "secrets never printed");
        assertFalse(EASY_AUTH.toString().contains(EASY_AUTH.remotePassword()), "secrets never printed");
        assertThrows(IllegalArgumentException.class, () -> new PunchAuth("a:b", "p", "c", "q"));
        assertThrows(IllegalArgumentException.class, () -> PunchPlan.DEFAULT.withPorts(1, 10, 11));
    }

    private static byte[] request(PunchAuth from, boolean integrity) {
        byte[] tx = new byte[12];
        ThreadLocalRandom.current().nextBytes(tx);
        return StunMessage.of(Stun.BINDING, Stun.REQUEST, tx)
                .add(Stun.USERNAME, from.outgoingUsername())
                .encode(integrity ? from.remoteKey() : null, true);
    }

    /** Eight loopback sockets on consecutive ports (a small range the spray can cover). */
    private static List<DatagramChannel> consecutiveSockets(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            List<DatagramChannel> out = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) out.add(DatagramChannel.open().bind(new InetSocketAddress(LO, base + i)));
                return out;
            } catch (IOException taken) {
                for (DatagramChannel c : out) c.close();
            }
        }
        throw new IOException("no " + n + " consecutive free ports");
    }
}
