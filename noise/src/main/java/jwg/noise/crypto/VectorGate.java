package jwg.noise.crypto;

/**
 * Whether the AEAD may take its Vector API paths ({@link ChaCha20Vec}, {@link Poly1305Vec}). Those
 * are fast only once C2 has compiled them; interpreted or C1-compiled, each vector operation is an
 * object, and a packet takes about a millisecond. A daemon therefore starts with the gate closed —
 * the JDK-intrinsic and scalar paths, which are quick from the first packets — warms the vector
 * paths up on a thread of its own with an AEAD that {@link ChaCha20Poly1305#forceVectors forces}
 * them, and then opens the gate. Open by default (libraries, tests, benchmarks); it only ever goes
 * from closed to open once closed by {@link #holdUntilWarm}.
 */
public final class VectorGate {
    private static volatile boolean open = true;

    private VectorGate() {}

    /** Closes the gate until {@link #open()}: the AEADs take their non-vector paths meanwhile. */
    public static void holdUntilWarm() {
        open = false;
    }

    /** Lets every AEAD take the vector paths (where this machine has them). */
    public static void open() {
        open = true;
    }

    public static boolean isOpen() {
        return open;
    }
}
