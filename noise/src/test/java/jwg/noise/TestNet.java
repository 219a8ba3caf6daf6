package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * Two protocol cores (A and B) wired together in memory under a fake clock. Tests move datagrams
 * between them by hand, so they can lose, replay, reorder or corrupt any of them.
 */
final class TestNet implements AutoCloseable {
    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;

    record Res(Action action, byte[] data, Drop drop, boolean flush, boolean dropStaged, Tunnel tunnel) {
        int length() {
            return data.length;
        }
    }

    final Arena arena = Arena.ofConfined();
    /** The fake monotonic clock (nanoseconds); starts at an arbitrary large value. */
    long now = 7_000 * S;

    private final long wallOffset = 1_795_370_000L * S - now;
    final PrivateKey keyA = PrivateKey.generate(new SecureRandom());
    final PrivateKey keyB = PrivateKey.generate(new SecureRandom());
    final ProtocolCore devA = new ProtocolCore(keyA, new SecureRandom(), () -> wallOffset + now);
    final ProtocolCore devB = new ProtocolCore(keyB, new SecureRandom(), () -> wallOffset + now);
    final PresharedKey psk = PresharedKey.generate(new SecureRandom());
    /** A's tunnel to B, and B's tunnel to A. */
    final Tunnel a = devA.addPeer(keyB.publicKey(), psk);

    final Tunnel b = devB.addPeer(keyA.publicKey(), psk);
    InetSocketAddress addrA = new InetSocketAddress("192.0.2.1", 51820);
    InetSocketAddress addrB = new InetSocketAddress("192.0.2.2", 51821);
    private final MemorySegment in = arena.allocate(4096);
    private final Result out = new Result(arena.allocate(4096), 0, 4096);

    void advance(long nanos) {
        now += nanos;
    }

    ProtocolCore deviceOf(Tunnel t) {
        return t == a ? devA : devB;
    }

    private Res res(Result r) {
        return new Res(r.action(), r.toArray(), r.drop(), r.flushStaged(), r.dropStaged(), r.tunnel());
    }

    /** t.encapsulate(packet). */
    Res send(Tunnel t, byte[] packet) {
        MemorySegment.copy(MemorySegment.ofArray(packet), 0, in, 16, packet.length);
        return res(t.encapsulate(now, in, 16, packet.length, out));
    }

    /** Delivers a datagram to A (from B's address) or to B. */
    Res deliver(ProtocolCore to, byte[] datagram) {
        return deliver(to, datagram, to == devA ? addrB : addrA);
    }

    Res deliver(ProtocolCore to, byte[] datagram, InetSocketAddress from) {
        MemorySegment.copy(MemorySegment.ofArray(datagram), 0, in, 0, datagram.length);
        return res(to.decapsulate(now, in, 0, datagram.length, from, out));
    }

    Res tick(Tunnel t) {
        return res(t.tick(now, out));
    }

    /** Full handshake initiated by {@code initiator}, including the confirming keepalive. */
    void handshake(Tunnel initiator) {
        Tunnel responder = initiator == a ? b : a;
        ProtocolCore rDev = deviceOf(responder), iDev = deviceOf(initiator);
        Res init = res(initiator.initiateHandshake(now, out));
        assertEquals(Action.WRITE_TO_NETWORK, init.action(), "initiation");
        assertEquals(Messages.INITIATION_LENGTH, init.length());
        Res resp = deliver(rDev, init.data());
        assertEquals(Action.WRITE_TO_NETWORK, resp.action(), () -> "response; " + rDev.counters());
        assertEquals(Messages.RESPONSE_LENGTH, resp.length());
        Res ka = deliver(iDev, resp.data());
        assertEquals(Action.WRITE_TO_NETWORK, ka.action(), () -> "keepalive; " + iDev.counters());
        assertEquals(Messages.TRANSPORT_MIN_LENGTH, ka.length());
        assertTrue(ka.flush());
        Res confirmed = deliver(rDev, ka.data());
        assertEquals(Action.DONE, confirmed.action(), () -> "confirmation; " + rDev.counters());
        assertTrue(confirmed.flush(), "responder's keypair confirmed");
    }

    /** A minimal IPv4 packet of {@code total} bytes (20-byte header + pattern payload). */
    static byte[] ipv4(int total, int seed) {
        byte[] p = new byte[total];
        p[0] = 0x45;
        p[2] = (byte) (total >>> 8);
        p[3] = (byte) total;
        p[8] = 64;
        p[9] = 17;
        p[12] = (byte) 192;
        p[13] = 0;
        p[14] = 2;
        p[15] = 1;
        p[16] = (byte) 192;
        p[17] = 0;
        p[18] = 2;
        p[19] = 2;
        for (int i = 20; i < total; i++) p[i] = (byte) (i * 31 + seed);
        return p;
    }

    static byte[] ipv6(int payload, int seed) {
        byte[] p = new byte[40 + payload];
        p[0] = 0x60;
        p[4] = (byte) (payload >>> 8);
        p[5] = (byte) payload;
        p[6] = 17;
        p[7] = 64;
        for (int i = 40; i < p.length; i++) p[i] = (byte) (i * 7 + seed);
        return p;
    }

    /** Sends {@code packet} from {@code from} and checks the other side gets exactly it. */
    void roundTrip(Tunnel from, byte[] packet) {
        Res d = send(from, packet);
        assertEquals(Action.WRITE_TO_NETWORK, d.action(), () -> "send: " + d);
        Res r = deliver(from == a ? devB : devA, d.data());
        assertTrue(
                r.action() == Action.WRITE_TO_TUNNEL_V4 || r.action() == Action.WRITE_TO_TUNNEL_V6,
                () -> "receive: " + r);
        assertArrayEquals(packet, r.data());
    }

    @Override
    public void close() {
        arena.close();
    }
}
