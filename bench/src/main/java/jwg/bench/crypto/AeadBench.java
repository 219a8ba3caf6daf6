package jwg.bench.crypto;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import jwg.noise.crypto.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.*;

/**
 * ChaCha20-Poly1305 seal/open, one packet per operation: jwg (off-heap segments, in place for
 * seal) vs the JDK {@code Cipher} vs Bouncy Castle (both on byte[], their fastest form).
 * Throughput in bytes: ops/s x size. Run with -prof gc for allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AeadBench {
    @Param({"64", "512", "1420"})
    public int size;

    private final byte[] key = new byte[32];
    private final byte[] nonce = new byte[12];
    private long counter;

    private Arena arena;
    private MemorySegment packet, sealed, opened;
    private ChaCha20Poly1305 jwg;

    private Cipher jdk;
    private SecretKeySpec jdkKey;
    private byte[] in, out, sealedBytes;

    private org.bouncycastle.crypto.modes.ChaCha20Poly1305 bc;
    private KeyParameter bcKey;

    @Setup
    public void setup() throws Exception {
        new SplittableRandom(1).nextBytes(key);
        arena = Arena.ofShared();
        packet = arena.allocate(size + 16, 64);
        sealed = arena.allocate(size + 16, 64);
        opened = arena.allocate(size + 16, 64);
        jwg = new ChaCha20Poly1305();
        jwg.seal(key, 7, null, packet, 0, size, sealed, 0);

        jdk = Cipher.getInstance("ChaCha20-Poly1305");
        jdkKey = new SecretKeySpec(key, "ChaCha20");
        in = new byte[size + 16];
        out = new byte[size + 16];
        sealedBytes = new byte[size + 16];
        nonce(7);
        jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nonce));
        jdk.doFinal(in, 0, size, sealedBytes, 0);

        bc = new org.bouncycastle.crypto.modes.ChaCha20Poly1305();
        bcKey = new KeyParameter(key);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    private byte[] nonce(long c) {
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (c >>> (8 * i));
        return nonce;
    }

    @Benchmark
    public int sealJwg() {
        return jwg.seal(key, ++counter, null, packet, 0, size, packet, 0);
    }

    @Benchmark
    public int sealJdk() throws Exception {
        // The JDK refuses to encrypt twice under one key+nonce, so every op gets a fresh counter.
        jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nonce(++counter)));
        return jdk.doFinal(in, 0, size, out, 0);
    }

    @Benchmark
    public int sealBc() throws Exception {
        bc.init(true, new AEADParameters(bcKey, 128, nonce(++counter)));
        int n = bc.processBytes(in, 0, size, out, 0);
        return n + bc.doFinal(out, n);
    }

    @Benchmark
    public boolean openJwg() {
        return jwg.open(key, 7, null, sealed, 0, size + 16, opened, 0);
    }

    @Benchmark
    public int openJdk() throws Exception {
        jdk.init(Cipher.DECRYPT_MODE, jdkKey, new IvParameterSpec(nonce(7)));
        return jdk.doFinal(sealedBytes, 0, size + 16, out, 0);
    }

    @Benchmark
    public int openBc() throws Exception {
        bc.init(false, new AEADParameters(bcKey, 128, nonce(7)));
        int n = bc.processBytes(sealedBytes, 0, size + 16, out, 0);
        return n + bc.doFinal(out, n);
    }
}
