package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import jwg.dataplane.Device;
import jwg.dataplane.Packets;
import jwg.dataplane.TwoDevices;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.dataplane.config.DeviceConfig;
import jwg.ice.signal.SignalServer;
import jwg.tun.MemoryTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real devices (FFM UDP binds on loopback, in-memory TUNs) with no endpoints configured find each
 * other through a real signaling server and ICE: the first packet wakes the path and arrives,
 * status reports a P2P host path, and lazily connected peers go back to Idle when traffic stops.
 */
class ConnectivityLoopbackTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private final MemoryTun tunA = new MemoryTun("iceA", 1420), tunB = new MemoryTun("iceB", 1420);
    private SignalServer server;
    private TwoDevices devices;
    private Device b;
    private Connectivity ca, cb;

    @AfterEach
    void close() {
        for (AutoCloseable c : new AutoCloseable[] {ca, cb, devices, server}) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    private void start(boolean lazy, Duration idle) throws Exception {
        server = SignalServer.start(new InetSocketAddress(LO, 0));
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
        StunMux muxA = new StunMux(), muxB = new StunMux();
        devices = TwoDevices.between(tunA, tunB)
                .endpoints(TwoDevices.Endpoints.NONE)
                .binds(() -> new IceBind(new LinuxUdpBind(), muxA), () -> new IceBind(new LinuxUdpBind(), muxB))
                .start();
        b = devices.b();
        IceConfig s = IceConfig.of(uri, IceServers.NONE)
                .withLazy(lazy, idle)
                .withHosts(new IceConfig.HostCandidates(List.of(LO), Set.of(), true));
        ca = Connectivity.start(devices.a(), muxA, devices.keyA(), s);
        cb = Connectivity.start(b, muxB, devices.keyB(), s);
    }

    @Test
    void peersFindAHostPathThroughSignalingAndCarryTraffic() throws Exception {
        start(false, Duration.ofMinutes(15));
        ConnectivityStatus.Peer pa = await(ca, p -> p.state() == ConnectionState.CONNECTED, 10_000);
        assertEquals(PathType.P2P_HOST, pa.path());
        assertEquals("host", pa.localType());
        assertEquals("127.0.0.1:" + b.boundPort(), pa.remote());
        byte[] ping = Packets.ipv4("192.0.2.1", "192.0.2.2", "ping".getBytes());
        tunA.inject(ping);
        assertArrayEquals(ping, tunB.take(5000));
        byte[] pong = Packets.ipv4("192.0.2.2", "192.0.2.1", "pong".getBytes());
        tunB.inject(pong);
        assertArrayEquals(pong, tunA.take(5000));
        // The local network changed: a new session is negotiated and traffic carries on.
        ca.networkChanged();
        ConnectivityStatus.Peer again =
                await(ca, p -> p.sessionsConnected() == 2 && p.state() == ConnectionState.CONNECTED, 10_000);
        assertEquals(PathType.P2P_HOST, again.path());
        tunA.inject(ping);
        assertArrayEquals(ping, tunB.take(5000), "traffic after the renegotiation");
        String json = ca.status().toJson();
        assertTrue(json.contains("\"state\":\"CONNECTED\"") && json.contains("\"connectionType\":\"P2P\""), json);
        assertTrue(ca.status().signal().connected());
    }

    @Test
    void lazyPeerWakesOnTrafficDeliversTheWakingPacketAndIdlesAgain() throws Exception {
        start(true, Duration.ofSeconds(2));
        Thread.sleep(500);
        assertEquals(ConnectionState.IDLE, ca.status().peers().get(0).state(), "lazy: no ICE before traffic");
        assertEquals(ConnectionState.IDLE, cb.status().peers().get(0).state());
        long t0 = System.nanoTime();
        byte[] ping = Packets.ipv4("192.0.2.1", "192.0.2.2", "wake".getBytes());
        tunA.inject(ping);
        assertArrayEquals(ping, tunB.take(8000), "the packet that woke the peer is delivered");
        long wakeMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("lazy wake to delivery (loopback): " + wakeMillis + " ms");
        assertEquals(ConnectionState.CONNECTED, ca.status().peers().get(0).state());
        assertEquals(
                ConnectionState.CONNECTED,
                await(cb, p -> p.state() == ConnectionState.CONNECTED, 5000).state(),
                "the offer woke the other side too");
        // No data for the idle threshold: both go back to Idle (keepalives do not count).
        ConnectivityStatus.Peer idle = await(ca, p -> p.state() == ConnectionState.IDLE, 10_000);
        assertTrue(idle.lastEvent().startsWith("idle"), idle.lastEvent());
        await(cb, p -> p.state() == ConnectionState.IDLE, 10_000);
        // ...and wake again.
        byte[] again = Packets.ipv4("192.0.2.1", "192.0.2.2", "again".getBytes());
        tunA.inject(again);
        assertArrayEquals(again, tunB.take(8000));
    }

    @Test
    void peersRemovedAndAddedByAConfigurationChangeAreFollowed() throws Exception {
        start(true, Duration.ofMinutes(15));
        Device a = devices.a();
        DeviceConfig full = a.configuration();
        assertEquals(1, ca.status().peers().size());
        a.configure(new DeviceConfig(full.privateKey(), full.listenPort(), full.fwmark(), List.of()));
        awaitPeers(ca, 0);
        a.configure(full); // the device pushes each change; nothing polls its configuration
        awaitPeers(ca, 1);
        byte[] ping = Packets.ipv4("192.0.2.1", "192.0.2.2", "back".getBytes());
        tunA.inject(ping);
        assertArrayEquals(ping, tunB.take(8000), "the re-added peer connects on traffic");
    }

    private static void awaitPeers(Connectivity c, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (c.status().peers().size() != n && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(n, c.status().peers().size(), c.status().toText(true));
    }

    static ConnectivityStatus.Peer await(Connectivity c, Predicate<ConnectivityStatus.Peer> cond, long millis)
            throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        ConnectivityStatus.Peer p = null;
        while (System.nanoTime() < deadline) {
            p = c.status().peers().get(0);
            if (cond.test(p)) return p;
            Thread.sleep(50);
        }
        fail("condition not met in " + millis + " ms; last status " + p + "\n"
                + c.status().toText(true));
        return null;
    }
}
