package jwg.bench.crypto;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import jwg.noise.crypto.X25519;
import jwg.noise.crypto.X25519Batch;
import org.openjdk.jmh.annotations.*;

/**
 * Shared secrets under one private key, as the responder's es DH for queued initiations: four
 * at a time through {@link X25519Batch} (one 4-lane vector ladder where
 * {@link X25519Batch#VECTORS}) vs four scalar {@link X25519} ladders. Each invocation is four
 * DHs ({@code @OperationsPerInvocation(4)}), so the scores are DH/s on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(X25519Batch.LANES)
public class X25519BatchBench {
    private byte[] priv;
    private final byte[] peers = new byte[32 * X25519Batch.LANES];
    private final byte[] shared = new byte[32 * X25519Batch.LANES];
    private final X25519 scalar = new X25519();
    private final X25519Batch batch = new X25519Batch();

    @Setup
    public void setup() {
        SecureRandom r = new SecureRandom();
        priv = X25519.generatePrivateKey(r);
        for (int j = 0; j < X25519Batch.LANES; j++)
            System.arraycopy(X25519.publicKey(X25519.generatePrivateKey(r)), 0, peers, 32 * j, 32);
        byte[] one = new byte[32];
        batch.agree(priv, peers, 0, X25519Batch.LANES, shared, 0);
        for (int j = 0; j < X25519Batch.LANES; j++) {
            scalar.scalarMult(priv, 0, peers, 32 * j, one, 0);
            if (!java.util.Arrays.equals(one, 0, 32, shared, 32 * j, 32 * j + 32))
                throw new IllegalStateException("the batch and the scalar ladder disagree in lane " + j);
        }
        if (!X25519Batch.VECTORS) System.err.println("X25519Batch: no vector path on this JVM/CPU (scalar loop)");
    }

    @Benchmark
    public int batch4() {
        return batch.agree(priv, peers, 0, X25519Batch.LANES, shared, 0);
    }

    @Benchmark
    public byte[] scalar4() {
        for (int j = 0; j < X25519Batch.LANES; j++) scalar.scalarMult(priv, 0, peers, 32 * j, shared, 32 * j);
        return shared;
    }
}
