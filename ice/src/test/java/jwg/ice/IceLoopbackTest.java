package jwg.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.dataplane.bind.LinuxUdpBind;
import org.ice4j.ice.CandidateType;
import org.junit.jupiter.api.Test;

/**
 * Two ICE agents whose host candidates share two real UDP sockets (FFM binds on loopback) with
 * WireGuard-shaped traffic: the checks complete over the shared sockets, the selected pair is
 * the two sockets' own addresses, and WireGuard datagrams still reach the device side while
 * STUN never does.
 */
class IceLoopbackTest {

    /** One side: a bind, its mux, and a thread that plays the device's receiver. */
    static final class Side implements AutoCloseable {
        final StunMux mux = new StunMux();
        final IceBind bind = new IceBind(new LinuxUdpBind(), mux);
        final LinkedBlockingQueue<Integer> wireguard = new LinkedBlockingQueue<>();
        final Thread receiver;
        volatile boolean stop;

        Side() throws Exception {
            bind.open(0);
            receiver = Thread.ofPlatform().daemon().start(this::receive);
        }

        void receive() {
            try (Arena arena = Arena.ofConfined()) {
                Datagrams batch = Datagrams.allocate(arena, Bind.BATCH, 2048);
                while (!stop) {
                    int n = bind.receive(batch);
                    if (n < 0) return;
                    for (int i = 0; i < n; i++) wireguard.add(batch.length(i));
                }
            } catch (Exception e) {
                if (!stop) e.printStackTrace();
            }
        }

        @Override
        public void close() {
            stop = true;
            bind.close();
        }
    }

    @Test
    void agentsConnectOverTheDeviceSocketsAndWireGuardStillPasses() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (Side a = new Side();
                Side b = new Side()) {
            CompletableFuture<PeerAgent.Outcome> doneA = new CompletableFuture<>(), doneB = new CompletableFuture<>();
            try (PeerAgent ia = new PeerAgent(
                            a.mux,
                            IceServers.NONE,
                            true,
                            1,
                            new IceConfig.HostCandidates(List.of(lo), Set.of(), true),
                            RelayPolicy.ON,
                            0,
                            doneA::complete);
                    PeerAgent ib = new PeerAgent(
                            b.mux,
                            IceServers.NONE,
                            false,
                            1,
                            new IceConfig.HostCandidates(List.of(lo), Set.of(), true),
                            RelayPolicy.ON,
                            0,
                            doneB::complete)) {
                assertEquals(List.of(CandidateType.HOST_CANDIDATE), ia.candidateTypes());
                assertTrue(
                        ia.candidates().get(0).contains("127.0.0.1 " + a.bind.port() + " typ host"),
                        ia.candidates().toString());
                ib.connect(ia.ufrag(), ia.password(), ia.candidates());
                ia.connect(ib.ufrag(), ib.password(), ib.candidates());
                assertEquals(PeerAgent.Outcome.CONNECTED, doneA.get(10, TimeUnit.SECONDS));
                assertEquals(PeerAgent.Outcome.CONNECTED, doneB.get(10, TimeUnit.SECONDS));
                PeerAgent.Selected sa = ia.selected();
                assertNotNull(sa);
                assertEquals(new InetSocketAddress(lo, b.bind.port()), sa.remote());
                assertEquals(new InetSocketAddress(lo, a.bind.port()), sa.local());
                assertEquals(CandidateType.HOST_CANDIDATE, sa.localType());
                assertTrue(a.mux.rttMillis(sa.remote()) >= 0, "a check's round trip was measured");
                assertTrue(a.wireguard.isEmpty(), "no STUN reached the device side: " + a.wireguard);

                // A WireGuard-shaped datagram (type 4, 48 bytes) from a to b reaches b's device side.
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment wg = arena.allocate(48);
                    wg.set(ValueLayout.JAVA_BYTE, 0, (byte) 4);
                    a.bind.send(wg, 0, 48, Endpoint.of(sa.remote()));
                    assertEquals(48, b.wireguard.poll(5, TimeUnit.SECONDS));
                    // Neither STUN nor WireGuard: dropped and counted, never delivered.
                    MemorySegment junk = arena.allocate(40);
                    junk.set(ValueLayout.JAVA_BYTE, 0, (byte) 9);
                    long before = b.mux.stats().unroutable();
                    a.bind.send(junk, 0, 40, Endpoint.of(sa.remote()));
                    long deadline = System.nanoTime() + 5_000_000_000L;
                    while (b.mux.stats().unroutable() == before && System.nanoTime() < deadline) Thread.sleep(10);
                    assertEquals(before + 1, b.mux.stats().unroutable());
                    assertTrue(b.wireguard.isEmpty());
                }
            }
        }
    }
}
