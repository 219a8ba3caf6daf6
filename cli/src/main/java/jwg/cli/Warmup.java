package jwg.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import jwg.noise.crypto.ChaCha20Poly1305;

/**
 * Compiles the AEAD's hot path before the first real packets: a fresh JVM runs it interpreted
 * for its first seconds (ten times slower, and tens of milliseconds of added latency). Runs once
 * in the background at daemon start with a throwaway key; costs about a tenth of a second of CPU.
 */
final class Warmup {
    static final int ROUNDS = 20_000;
    /**
     * Packet lengths as traffic brings them: full segments, ACKs, and odd sizes whose tails and
     * padding take every branch, so that C2 compiles the shapes live traffic will show (a shape first
     * seen after compilation costs a deoptimization and a recompile, on the packet path).
     */
    static final int[] LENGTHS = {1420, 52, 1408, 1, 15, 17, 63, 64, 100, 447, 449, 960, 1000, 1420, 40, 1380};

    private Warmup() {}

    static void startInBackground() {
        Thread.ofPlatform().daemon().priority(Thread.MIN_PRIORITY).name("jwg-warmup").start(Warmup::run);
    }

    static void run() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        try (Arena arena = Arena.ofShared()) { // shared, like the device's packet buffers (same session type)
            MemorySegment buf = arena.allocate(1500 + 32, 64);
            for (int i = 0; i < ROUNDS; i++) {
                int len = LENGTHS[i % LENGTHS.length];
                int n = aead.seal(key, i, null, buf, 16, len, buf, 16);
                if (!aead.open(key, i, null, buf, 16, n, buf, 16)) throw new IllegalStateException("warm-up AEAD round trip failed");
            }
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }
}
