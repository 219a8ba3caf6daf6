package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.testkit.Daemon;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;

/**
 * The relayed data path against a real coturn (on loopback, lifetimes shortened to seconds): the
 * device's bind allocates on its own socket ({@link TurnRelay}) and binds a channel to the peer; WireGuard-shaped datagrams to the
 * relayed peer leave in the bind's batches as ChannelData and the peer's answers come back
 * unwrapped as the peer's — for three permission lifetimes, so the refreshes must work. A tap
 * between the bind and coturn sees every datagram of the allocation's 5-tuple: ChannelData
 * (0x40xx) both ways, never a Send or Data indication.
 */
class TurnRelayIT {
    static final int PERMISSION_S = 4, CHANNEL_S = 6, ALLOCATION_S = 6;

    /** A UDP forwarder between one client and the TURN server that counts what kinds of messages pass. */
    static final class Tap implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final InetSocketAddress server;
        final AtomicLong channelDataUp = new AtomicLong(), channelDataDown = new AtomicLong();
        final AtomicLong sendIndications = new AtomicLong(), dataIndications = new AtomicLong();
        final AtomicLong refreshes = new AtomicLong(), permissions = new AtomicLong(), channelBinds = new AtomicLong();
        volatile SocketAddress client;
        final Thread thread = Thread.ofPlatform().daemon().start(this::run);

        Tap(InetSocketAddress server) throws IOException {
            this.server = server;
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        private void run() {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!socket.isClosed()) {
                try {
                    p.setData(buf);
                    socket.receive(p);
                    int type = ((buf[0] & 0xFF) << 8) | (buf[1] & 0xFF);
                    boolean channelData = (buf[0] & 0xC0) == 0x40;
                    if (p.getSocketAddress().equals(server)) {
                        if (channelData) channelDataDown.incrementAndGet();
                        if (type == 0x0017) dataIndications.incrementAndGet();
                        if (client != null) socket.send(new DatagramPacket(buf, p.getLength(), client));
                    } else {
                        client = p.getSocketAddress();
                        if (channelData) channelDataUp.incrementAndGet();
                        if (type == 0x0016) sendIndications.incrementAndGet();
                        if (type == 0x0004) refreshes.incrementAndGet();
                        if (type == 0x0008) permissions.incrementAndGet();
                        if (type == 0x0009) channelBinds.incrementAndGet();
                        socket.send(new DatagramPacket(buf, p.getLength(), server));
                    }
                } catch (IOException e) {
                    if (socket.isClosed()) return;
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** The device's side: its bind and a receiver thread that keeps what reaches the device. */
    static final class Device implements AutoCloseable {
        record Received(byte[] data, InetSocketAddress from) {}

        final StunMux mux = new StunMux();
        final IceBind bind = new IceBind(new LinuxUdpBind(), mux);
        final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
        final Thread receiver;
        volatile boolean stop;

        Device() throws IOException {
            bind.open(0);
            receiver = Thread.ofPlatform().daemon().start(this::receive);
        }

        private void receive() {
            try (Arena arena = Arena.ofConfined()) {
                Datagrams batch = Datagrams.allocate(arena, Bind.BATCH, 2048);
                while (!stop) {
                    int n = bind.receive(batch);
                    if (n < 0) return;
                    for (int i = 0; i < n; i++)
                        received.add(new Received(
                                batch.buffer(i)
                                        .asSlice(batch.offset(i), batch.length(i))
                                        .toArray(ValueLayout.JAVA_BYTE),
                                batch.endpoint(i).toSocketAddress()));
                }
            } catch (Exception e) {
                if (!stop) e.printStackTrace();
            }
        }

        /** Sends {@code datagrams} to {@code to} in one batch through the bind, as the device's sender does. */
        void send(Arena arena, InetSocketAddress to, byte[]... datagrams) throws IOException {
            Datagrams batch = Datagrams.allocate(arena, datagrams.length, 2048);
            for (int i = 0; i < datagrams.length; i++) {
                MemorySegment.copy(datagrams[i], 0, batch.buffer(i), ValueLayout.JAVA_BYTE, 0, datagrams[i].length);
                batch.set(i, batch.buffer(i), 0, datagrams[i].length);
                batch.endpoint(i).set(to.getAddress(), to.getPort());
            }
            batch.count(datagrams.length);
            bind.send(batch);
        }

        @Override
        public void close() {
            stop = true;
            bind.close();
        }
    }

    static byte[] wireGuard(int size, int seq) {
        byte[] b = new byte[size];
        b[0] = 4;
        b[4] = (byte) (seq >> 8);
        b[5] = (byte) seq;
        for (int i = 6; i < size; i++) b[i] = (byte) (seq * 31 + i);
        return b;
    }

    @Test
    void wireGuardFlowsAsChannelDataThroughCoturnAndOutlivesItsLifetimes() throws Exception {
        Requires.tool("turnserver");
        InetAddress lo = InetAddress.getLoopbackAddress();
        int port = ThreadLocalRandom.current().nextInt(45000, 48000);
        Path dir = Files.createTempDirectory("jwg-turnrelay");
        List<String> cmd = List.of(
                "turnserver",
                "-n",
                "--listening-ip=127.0.0.1",
                "--listening-port=" + port,
                "--relay-ip=127.0.0.1",
                "--min-port=" + (port + 1),
                "--max-port=" + (port + 100),
                "--lt-cred-mech",
                "--user=u:p",
                "--realm=jwg.test",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--allow-loopback-peers",
                "--permission-lifetime=" + PERMISSION_S,
                "--channel-lifetime=" + CHANNEL_S,
                "--max-allocate-lifetime=" + ALLOCATION_S,
                "--userdb=" + dir.resolve("db"),
                "--pidfile=" + dir.resolve("pid"),
                "--log-file=" + dir.resolve("log"),
                "--simple-log",
                "--no-stdout-log",
                "--verbose");
        try (Daemon turn = Daemon.start(dir.resolve("out"), cmd)) {
            Thread.sleep(700);
            flowAndRefreshes(new InetSocketAddress(lo, port));
        }
    }

    /** The same against {@code jwg relay}'s server (in this JVM, same lifetimes). */
    @Test
    void wireGuardFlowsAsChannelDataThroughJwgRelayAndOutlivesItsLifetimes() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (jwg.ice.relay.RelayServer server = jwg.ice.relay.RelayServer.start(new jwg.ice.relay.RelayConfig(
                new InetSocketAddress(lo, 0),
                lo,
                0,
                0,
                "jwg.test",
                java.util.Map.of("u", jwg.ice.relay.RelayConfig.key("u", "jwg.test", "p")),
                10,
                true,
                new jwg.ice.relay.RelayConfig.Lifetimes(
                        ALLOCATION_S * 1000L,
                        ALLOCATION_S * 1000L,
                        PERMISSION_S * 1000L,
                        CHANNEL_S * 1000L,
                        3_600_000)))) {
            flowAndRefreshes(server.address());
            assertEquals(0, server.counters().get("dropped_no_permission"), "the refreshes kept the permission");
            assertEquals(0, server.counters().get("dropped_no_channel"), "the refreshes kept the channel");
        }
    }

    /** WireGuard-shaped traffic through the TURN server at {@code server} for three permission lifetimes. */
    private static void flowAndRefreshes(InetSocketAddress server) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (Tap tap = new Tap(server);
                Device a = new Device();
                DatagramSocket peer = new DatagramSocket(new InetSocketAddress(lo, 0));
                Arena arena = Arena.ofConfined()) {
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            TurnRelay relay = TurnRelay.allocate(
                    a.mux,
                    a.bind.routes(),
                    new IceServers.Turn(tap.address(), "u", "p"),
                    PERMISSION_S * 1000L,
                    CHANNEL_S * 1000L);
            try {
                RelayRoutes.Route route = relay.bind(peerAddress);
                assertTrue(relay.active());
                assertEquals(route.channel(), relay.channel(peerAddress));
                InetSocketAddress relayed = relay.relayed();
                assertNotNull(relayed);
                peer.setSoTimeout(2000);
                long end = System.nanoTime() + 3L * PERMISSION_S * 1_000_000_000L;
                int rounds = 0;
                byte[] buf = new byte[4096];
                while (System.nanoTime() < end) {
                    byte[] x = wireGuard(1400, 2 * rounds), y = wireGuard(96, 2 * rounds + 1);
                    a.send(arena, peerAddress, x, y); // one batch: both framed in place
                    for (byte[] expected : new byte[][] {x, y}) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        peer.receive(p);
                        assertEquals(
                                relayed, p.getSocketAddress(), "the peer hears the device from the relayed address");
                        assertArrayEquals(
                                expected,
                                java.util.Arrays.copyOf(buf, p.getLength()),
                                "round " + rounds + ": coturn strips the 4-byte header");
                    }
                    byte[] back = wireGuard(600, 10_000 + rounds);
                    peer.send(new DatagramPacket(back, back.length, relayed));
                    Device.Received r = a.received.poll(2, TimeUnit.SECONDS);
                    assertNotNull(r, "round " + rounds + ": the peer's answer reached the device");
                    assertArrayEquals(back, r.data(), "unwrapped in place");
                    assertEquals(peerAddress, r.from(), "as if the peer had sent it");
                    rounds++;
                    Thread.sleep(200);
                }
                assertTrue(rounds >= 20, "rounds: " + rounds);
                assertEquals(0, tap.sendIndications.get(), "no Send indications");
                assertEquals(0, tap.dataIndications.get(), "no Data indications");
                assertTrue(tap.channelDataUp.get() >= 2L * rounds, "ChannelData to coturn: " + tap.channelDataUp);
                assertTrue(tap.channelDataDown.get() >= rounds, "ChannelData from coturn: " + tap.channelDataDown);
                assertTrue(relay.refreshes.get() >= 1, "the allocation was refreshed: " + relay.refreshes);
                assertTrue(
                        relay.permissions.get() >= 2,
                        "the permission was refreshed (CreatePermission): " + relay.permissions);
                assertTrue(relay.channelBinds.get() >= 2, "the channel was re-bound: " + relay.channelBinds);
                assertEquals(2L * rounds, a.bind.routes().framed.sum());
                assertEquals((long) rounds, a.bind.routes().unwrapped.sum());
            } finally {
                relay.close();
            }
            assertFalse(relay.active());
            assertEquals(0, a.bind.routes().snapshot().length, "the route is gone with the allocation");
            a.send(arena, peerAddress, wireGuard(100, 1));
            DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
            peer.receive(p);
            assertEquals(a.bind.port(), ((InetSocketAddress) p.getSocketAddress()).getPort(), "direct again, unframed");
            assertEquals(100, p.getLength());
        }
    }
}
