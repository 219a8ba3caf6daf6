package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * For tests of the crypto paths a JVM flag switches on or off: runs a main class in a fresh JVM
 * with chosen flags, and the check such a child makes (the AEAD against the JDK {@code Cipher}).
 */
final class ChildJvm {
    private ChildJvm() {}

    /**
     * Runs {@code main} with {@code flags} and this test's classpath; returns its output, asserting
     * exit status 0. The child also gets this JVM's {@code -XX:} options, so that it sees the same
     * CPU features (a run with {@code -XX:UseAVX=2} tests the AVX2 paths in its children too).
     */
    static String run(List<String> flags, Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(vmOptions());
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(new File("/dev/null"))
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** This JVM's java launcher. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This JVM's {@code -XX:} options (such as {@code -XX:UseAVX=2} from the argLine). */
    static List<String> vmOptions() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:"))
                .toList();
    }

    /** Seals each length with the AEAD and the JDK {@code Cipher}, then opens it; throws at the first difference. */
    static void sealAndOpenAgainstJdk(long seed, int... lengths) throws Exception {
        javax.crypto.Cipher jdk = javax.crypto.Cipher.getInstance("ChaCha20-Poly1305");
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int len : lengths) {
            byte[] key = new byte[32], pt = new byte[len], ad = new byte[len % 20];
            rnd.nextBytes(key);
            rnd.nextBytes(pt);
            byte[] want = AeadPropertyTest.jdkSeal(jdk, key, len, ad, pt);
            byte[] got = new byte[len + 16];
            aead.seal(key, len, ad, pt, 0, len, got, 0);
            if (!java.util.Arrays.equals(want, got)) throw new AssertionError("seal differs at " + len);
            byte[] back = new byte[len];
            if (!aead.open(key, len, ad, got, 0, len + 16, back, 0) || !java.util.Arrays.equals(pt, back)) {
                throw new AssertionError("open failed at " + len);
            }
        }
    }
}
