package jwg.bench.noise;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import jwg.noise.Action;
import jwg.noise.Keypair;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.noise.ProtocolCore;
import jwg.noise.Result;
import jwg.noise.Tunnel;
import jwg.noise.crypto.ChaCha20Poly1305;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The transport data path of the protocol core on one core, 1420-byte packets, off-heap
 * buffers; run with {@code -prof gc}: the steady state must allocate 0 B/op.
 * <ul>
 * <li>{@code encapsulate}: Tunnel.encapsulate (pick keypair, counter, pad, seal, timers).</li>
 * <li>{@code roundTrip}: encapsulate on A, then ProtocolCore.decapsulate on B (index lookup,
 *     open, replay window, timers, inner-IP check). Decapsulate ≈ roundTrip − encapsulate
 *     (a datagram can be decapsulated only once: the replay window).</li>
 * <li>{@code seal}: Keypair.seal alone (the worker's part of the split send path).</li>
 * <li>{@code bookkeeping}: the split path without the AEAD (what the core itself costs).</li>
 * <li>{@code open}: Keypair.open alone (the worker's part of the split path).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TransportBenchmark {
    private static final long S = 1_000_000_000L;

    @Param({"1420", "1408"})
    public int size;

    private Arena arena;
    private ProtocolCore devA, devB;
    private Tunnel a;
    private MemorySegment packet, wire, plain, wire2;
    private Result out, outB;
    private Keypair kpB;
    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    private final InetSocketAddress from = new InetSocketAddress("192.0.2.1", 51820);
    private final long now = 1_000 * S;
    private int sealedLen;

    @Setup(Level.Trial)
    public void setup() {
        SecureRandom random = new SecureRandom();
        PrivateKey ka = PrivateKey.generate(random), kb = PrivateKey.generate(random);
        long wall = 1_795_370_000L * S;
        devA = new ProtocolCore(ka, random, () -> wall);
        devB = new ProtocolCore(kb, random, () -> wall);
        a = devA.addPeer(kb.publicKey(), PresharedKey.none());
        devB.addPeer(ka.publicKey(), PresharedKey.none());
        arena = Arena.ofConfined();
        packet = arena.allocate(2048);
        wire = arena.allocate(2048);
        plain = arena.allocate(2048);
        out = new Result(wire, 0, 2048);
        outB = new Result(plain, 0, 2048);
        // IPv4 header claiming `size` bytes
        packet.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 0x45);
        packet.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2, (byte) (size >>> 8));
        packet.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 3, (byte) size);
        // handshake: A initiates, B responds, A's keepalive confirms
        MemorySegment tmp = arena.allocate(2048);
        Result o = new Result(arena.allocate(2048), 0, 2048);
        a.initiateHandshake(now, o);
        MemorySegment.copy(o.segment(), 0, tmp, 0, o.length());
        devB.decapsulate(now, tmp, 0, o.length(), from, o);
        MemorySegment.copy(o.segment(), 0, tmp, 0, o.length());
        devA.decapsulate(now, tmp, 0, o.length(), from, o);
        MemorySegment.copy(o.segment(), 0, tmp, 0, o.length());
        if (devB.decapsulate(now, tmp, 0, o.length(), from, o).action() != Action.DONE)
            throw new IllegalStateException("no session");
        // one sealed datagram for the open-only benchmark
        if (a.encapsulate(now, packet, 0, size, out).action() != Action.WRITE_TO_NETWORK)
            throw new IllegalStateException();
        sealedLen = out.length();
        kpB = devB.lookup(wire.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 4));
        kpA = a.sendingKeypair(now);
        wire2 = arena.allocate(2048);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public int encapsulate() {
        a.encapsulate(now, packet, 0, size, out);
        return out.length();
    }

    @Benchmark
    public int roundTrip() {
        a.encapsulate(now, packet, 0, size, out);
        Action r = devB.decapsulate(now, wire, 0, out.length(), from, outB).action();
        if (r != Action.WRITE_TO_TUNNEL_V4) throw new IllegalStateException(r + " " + outB.drop());
        return outB.length();
    }

    private Keypair kpA;
    private long counter = 1L << 20;

    /** Keypair.seal alone (the worker's part of the split path). */
    @Benchmark
    public int seal() {
        return kpA.seal(aead, counter++, packet, 0, size, wire2, 0, 1420);
    }

    private long recvCounter = 1L << 30;

    /**
     * Everything of the split data path except the AEAD: pick keypair, reserve counter, sentDataWantsHandshake;
     * index lookup, replay window, timers, inner-IP check. Shows what the core itself allocates.
     */
    @Benchmark
    public int bookkeeping() {
        Keypair kp = a.sendingKeypair(now);
        long c = kp.nextSendCounter();
        a.sentDataWantsHandshake(now, kp, false);
        Keypair rk = devB.lookup(kpB.localIndex());
        Action r = rk.tunnel()
                .receivedData(now, rk, recvCounter++, packet, 0, size, outB)
                .action();
        return (int) c + r.ordinal() + outB.length();
    }

    @Benchmark
    public boolean open() {
        return kpB.open(aead, wire, 0, sealedLen, plain, 0);
    }
}
