package jwg.bench.noise;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import jwg.noise.Action;
import jwg.noise.InMemoryHandshakes;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.noise.ProtocolCore;
import jwg.noise.Result;
import jwg.noise.Tunnel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Handshake cost on one core.
 * <ul>
 * <li>{@code responder}: what a server pays per initiation — consume the initiation (MAC1,
 *     2 DH + the precomputed static-static, AEADs, timestamp checks) and create the response
 *     (1 DH base-point + 2 DH, key derivation). The initiation is made in an untimed
 *     per-invocation setup.</li>
 * <li>{@code fullHandshake}: both sides end to end (initiation, response, keepalive): one round
 *     of {@link InMemoryHandshakes}, the loop the start-up warm-up runs too.</li>
 * </ul>
 * Time is a fake clock moved forward so neither the 20 ms flood limit nor the 5 s initiation
 * rate limit interferes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBenchmark {
    private static final long S = 1_000_000_000L;
    private Arena arena;
    private ProtocolCore initiator, responder;
    private Tunnel toResponder;
    private Result out, out2;
    private MemorySegment initiation;
    private final InetSocketAddress from = new InetSocketAddress("192.0.2.1", 51820);
    private long now = 1_000 * S;
    private long wall = 1_795_370_000L * S;

    @Setup(Level.Trial)
    public void setup() {
        SecureRandom random = new SecureRandom();
        PrivateKey a = PrivateKey.generate(random), b = PrivateKey.generate(random);
        PresharedKey psk = PresharedKey.generate(random);
        initiator = new ProtocolCore(a, random, () -> wall);
        responder = new ProtocolCore(b, random, () -> wall);
        toResponder = initiator.addPeer(b.publicKey(), psk);
        responder.addPeer(a.publicKey(), psk);
        arena = Arena.ofConfined();
        out = new Result(arena.allocate(2048), 0, 2048);
        out2 = new Result(arena.allocate(2048), 0, 2048);
        initiation = arena.allocate(2048);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** Untimed: the initiator makes a fresh initiation (newer timestamp, > 5 s later). */
    @Setup(Level.Invocation)
    public void makeInitiation() {
        now += 6 * S;
        wall += S;
        if (toResponder.initiateHandshake(now, out).action() != Action.WRITE_TO_NETWORK)
            throw new IllegalStateException("no initiation");
        MemorySegment.copy(out.segment(), 0, initiation, 0, out.length());
    }

    @Benchmark
    public int responder() {
        Action a = responder.decapsulate(now, initiation, 0, 148, from, out2).action();
        if (a != Action.WRITE_TO_NETWORK) throw new IllegalStateException(a + " " + out2.drop());
        return out2.length();
    }

    @State(Scope.Thread)
    public static class Full {
        Arena arena;
        InMemoryHandshakes pair;

        @Setup(Level.Trial)
        public void setup() {
            arena = Arena.ofConfined();
            pair = new InMemoryHandshakes(arena, new SecureRandom());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pair.close();
            arena.close();
        }
    }

    @Benchmark
    public boolean fullHandshake(Full f) {
        if (!f.pair.handshake(null)) throw new IllegalStateException("handshake failed");
        return true;
    }
}
