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
            assertFalse(proxy.underLoad(System.nanoTime()), "8 of 8 slots wait, but only just: not yet under load");
            assertEquals(0, stats.get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL));
            // one more without MAC2: dropped (the reserved slots are not for it); a full queue is load at once
            proxy.enqueueHandshake(b, junk, 0, first.length, peer);
            assertEquals(1, stats.get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL));
            assertTrue(proxy.underLoad(System.nanoTime()), "the queue was full: under load");
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

    /**
     * Under load only when the backlog stays at 1/8 for the confirmation time: a moment's backlog
     * that the workers work off (a stall) is not load, a lasting one is — and stays so for 1 s.
     */
    @Test
    void aBacklogAtTheMarkIsLoadOnlyOnceItLasts() throws Exception {
        SecureRandom random = new SecureRandom();
        PrivateKey kb = PrivateKey.generate(random), ka = PrivateKey.generate(random);
        ProtocolCore b = new ProtocolCore(kb, random), a = new ProtocolCore(ka, random);
        Tunnel ab = a.addPeer(kb.publicKey(), null);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            byte[] initiation = ab.initiateHandshake(System.nanoTime(), new Result(buf, 0, 256))
                    .toArray();
            int slots = 64, mark = slots / 8;
            var queue = new ManyToOneConcurrentArrayQueue<HandshakeMessage>(
                    slots + ConductorProxy.reservedSlots(slots) + 1);
            var toWorkers = new java.util.ArrayList<HandshakeMessage>();
            ConductorProxy proxy = new ConductorProxy(queue, slots, 1, new AtomicBoolean(), new DeviceStats());
            Endpoint from = new Endpoint();
            from.set(InetAddress.getByName("203.0.113.9"), 4000);
            for (int i = 0; i < mark; i++)
                proxy.enqueueHandshake(b, MemorySegment.ofArray(initiation), 0, initiation.length, from);
            long t = System.nanoTime();
            long confirm = ConductorProxy.UNDER_LOAD_CONFIRM_NANOS;
            assertFalse(proxy.underLoad(t), "the backlog has just reached the mark");
            assertFalse(proxy.underLoad(t + confirm / 2), "at the mark for half the time");
            // the workers catch up: below the mark, and the clock starts again
            HandshakeMessage taken = proxy.nextForWorker(0, 0);
            assertNotNull(taken);
            assertFalse(proxy.underLoad(t + confirm / 2 + 1));
            proxy.enqueueHandshake(b, MemorySegment.ofArray(initiation), 0, initiation.length, from);
            assertFalse(proxy.underLoad(t + confirm), "at the mark again, but only since just now");
            assertTrue(proxy.underLoad(t + 2 * confirm), "at the mark for the whole confirmation time");
            // sticky: drained, still under load for UNDER_LOAD_AFTER_NANOS
            for (HandshakeMessage m; (m = proxy.nextForWorker(0, 0)) != null; ) toWorkers.add(m);
            assertTrue(proxy.underLoad(t + 2 * confirm + Conductor.UNDER_LOAD_AFTER_NANOS / 2));
            assertFalse(proxy.underLoad(t + 2 * confirm + Conductor.UNDER_LOAD_AFTER_NANOS + 1));
            proxy.release(taken);
            toWorkers.forEach(proxy::release);
        }
    }
}
