package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import jwg.dataplane.ConductorProxy.HandshakeMessage;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.Action;
import jwg.noise.PrivateKey;
import jwg.noise.ProtocolCore;
import jwg.noise.Result;
import jwg.noise.Tunnel;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.junit.jupiter.api.Test;

/**
 * The handshake queue under a flood: initiations without MAC2 fill the ordinary slots and are
 * then dropped, while an initiation with a valid MAC2 (a peer answering our cookie reply) still
 * gets in — on a reserved slot, straight to the conductor, not behind the flood.
 */
class ConductorProxyTest {
    static final int SLOTS = 8;

    @Test
    void aFullQueueStillTakesAnInitiationWithAValidMac2() throws Exception {
        SecureRandom random = new SecureRandom();
        PrivateKey ka = PrivateKey.generate(random), kb = PrivateKey.generate(random);
        ProtocolCore a = new ProtocolCore(ka, random), b = new ProtocolCore(kb, random);
        Tunnel ab = a.addPeer(kb.publicKey(), null);
        b.addPeer(ka.publicKey(), null);
        InetSocketAddress peerAddr = new InetSocketAddress("198.51.100.2", 51820);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            Result out = new Result(buf, 0, 256);
            // A's first initiation (MAC1, no MAC2); B under load answers with a cookie reply; A resends with MAC2
            long now = System.nanoTime(); // the proxy checks MAC2 at System.nanoTime(): the cookie must be fresh then
            byte[] first = ab.initiateHandshake(now, out).toArray();
            b.setUnderLoad(true);
            byte[] cookie = b.decapsulate(now, MemorySegment.ofArray(first), 0, first.length, peerAddr, out)
                    .toArray();
            assertEquals(64, cookie.length, "a cookie reply");
            Result resent = a.decapsulate(
                    now,
                    MemorySegment.ofArray(cookie),
                    0,
                    cookie.length,
                    new InetSocketAddress("198.51.100.1", 51820),
                    out);
            assertEquals(Action.WRITE_TO_NETWORK, resent.action());
            byte[] withMac2 = resent.toArray();
            assertEquals(148, withMac2.length);

            DeviceStats stats = new DeviceStats();
            int reserved = ConductorProxy.reservedSlots(SLOTS);
            var queue = new ManyToOneConcurrentArrayQueue<HandshakeMessage>(SLOTS + reserved + 1);
            ConductorProxy proxy = new ConductorProxy(queue, SLOTS, 1, new AtomicBoolean(), stats);
            Endpoint junkSource = new Endpoint(), peer = new Endpoint();
            junkSource.set(InetAddress.getByName("203.0.113.9"), 4000);
            peer.set(peerAddr.getAddress(), peerAddr.getPort());
            MemorySegment junk = MemorySegment.ofArray(first);
            // the flood: valid MAC1, no MAC2; no worker runs, so they stay queued for the workers
            for (int i = 0; i < SLOTS; i++) proxy.enqueueHandshake(b, junk, 0, first.length, junkSource);
            assertTrue(proxy.underLoad(System.nanoTime()), "8 of 8 slots wait: under load");
            assertEquals(0, stats.get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL));
            // one more without MAC2: dropped (the reserved slots are not for it)
            proxy.enqueueHandshake(b, junk, 0, first.length, peer);
            assertEquals(1, stats.get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL));
            assertTrue(queue.isEmpty(), "nothing went to the conductor");
            // A's initiation with MAC2, from the address the cookie was made for: in, to the conductor
            proxy.enqueueHandshake(b, MemorySegment.ofArray(withMac2), 0, withMac2.length, peer);
            assertEquals(1, stats.get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL));
            HandshakeMessage m = queue.poll();
            assertNotNull(m, "the MAC2 initiation went straight to the conductor");
            assertTrue(m.reserved, "on a reserved slot");
            assertArrayEquals(withMac2, java.util.Arrays.copyOf(m.data, m.length));
            // the same bytes from another port: its MAC2 is not valid there, so it is dropped
            Endpoint otherPort = new Endpoint();
            otherPort.set(peerAddr.getAddress(), peerAddr.getPort() + 1);
            proxy.enqueueHandshake(b, MemorySegment.ofArray(withMac2), 0, withMac2.length, otherPort);
            assertEquals(2, stats.get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL));
            // the slot comes back to the reserve: once more, it gets in again
            proxy.release(m);
            for (int i = 0; i < reserved; i++) {
                proxy.enqueueHandshake(b, MemorySegment.ofArray(withMac2), 0, withMac2.length, peer);
                assertNotNull(queue.poll(), "reserved slot " + i);
            }
            proxy.enqueueHandshake(b, MemorySegment.ofArray(withMac2), 0, withMac2.length, peer);
            assertNull(queue.poll(), "the reserve is bounded too");
            assertEquals(3, stats.get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL));
        }
    }
}
