package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Poly1305 through the JDK's intrinsic ({@link JdkPoly1305}) against the scalar code, hot enough
 * for C2 to swap the intrinsic in, and the AEAD in a JVM that cannot reach it.
 */
class JdkPoly1305Test {

    private static boolean cpuHasIfma() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("flags")) {
                String f = " " + line.substring(line.indexOf(':') + 1).trim() + " ";
                return f.contains(" avx512ifma ") && f.contains(" avx512vl ") && f.contains(" avx512bw ");
            }
        }
        return false;
    }

    @Test
    void onWhereTheCpuHasAvx512Ifma() throws Exception {
        // surefire passes the opens/exports (jwg.jvmFlags); on such a CPU the JDK uses its intrinsic
        assumeTrue(cpuHasIfma(), "no AVX-512 IFMA on this CPU: the JDK's Poly1305 is plain Java here");
        assertTrue(Poly1305.JDK, "JdkPoly1305 unreachable or failed its self-test");
    }

    @Test
    void equalsScalarOnRandomKeysAndLengthsOnceCompiled() {
        assumeTrue(Poly1305.JDK, "JdkPoly1305 not in use on this JVM / CPU");
        SplittableRandom rnd = new SplittableRandom(0x1f3a);
        Poly1305 jdk = new Poly1305(new JdkPoly1305()), s = new Poly1305(false);
        byte[] key = new byte[32], msg = new byte[3 * JdkPoly1305.STAGE], t1 = new byte[16], t2 = new byte[16];
        MemorySegment m = MemorySegment.ofArray(msg);
        for (int i = 0; i < 40_000; i++) {
            rnd.nextBytes(key);
            if (i % 3 == 0) java.util.Arrays.fill(key, 0, 16, (byte) 0xff);     // maximal r
            if (i % 7 == 0) java.util.Arrays.fill(msg, (byte) 0xff); else if (i % 50 == 0) rnd.nextBytes(msg);
            int len = i % 10 == 0 ? rnd.nextInt(msg.length - 63) : rnd.nextInt(1600);
            int adLen = i % 4 == 0 ? rnd.nextInt(40) : 0;
            for (Poly1305 p : List.of(s, jdk)) {                 // the AEAD's shape: pad16(ad) || pad16(ct) || lengths
                p.init(key, 0);
                p.padded(m, 0, adLen);
                p.padded(m, adLen, len);
                p.lengths(adLen, len);
            }
            s.finish(t1, 0);
            jdk.finish(t2, 0);
            if (!java.util.Arrays.equals(t1, t2)) fail("tags differ: len " + len + ", ad " + adLen + ", iteration " + i);
            if (i % 100 == 0) {                                  // the plain MAC: a short last block without the 2^128 bit
                int n = rnd.nextInt(2000);
                s.init(key, 0);
                s.update(msg, 0, n);
                s.finish(t1, 0);
                jdk.init(key, 0);
                jdk.update(msg, 0, n);
                jdk.finish(t2, 0);
                assertArrayEquals(t1, t2, "update, len " + n);
            }
        }
    }

    /** The JDK's signed limbs, also negative and over-full ones, become h with the same value mod 2^130 - 5. */
    @Test
    void signedLimbsCarryIntoTheSameValue() {
        java.math.BigInteger p = java.math.BigInteger.ONE.shiftLeft(130).subtract(java.math.BigInteger.valueOf(5));
        SplittableRandom rnd = new SplittableRandom(26);
        Poly1305 out = new Poly1305(false);
        for (int i = 0; i < 20_000; i++) {
            long[] l = new long[5];
            for (int k = 0; k < 5; k++) {
                l[k] = switch (i % 4) {
                    case 0 -> rnd.nextLong(-(1L << 25), 1L << 25);        // the JDK's usual range
                    case 1 -> rnd.nextLong(-(1L << 40), 1L << 40);        // far outside it
                    case 2 -> k == 4 ? -rnd.nextLong(1, 1L << 26) : rnd.nextLong(0, 1L << 26);   // negative value
                    default -> (1L << 26) - 1 + rnd.nextInt(2);           // all ones and carries
                };
            }
            java.math.BigInteger want = java.math.BigInteger.ZERO;
            for (int k = 4; k >= 0; k--) want = want.shiftLeft(26).add(java.math.BigInteger.valueOf(l[k]));
            JdkPoly1305.toRadix64(l, out);
            assertTrue(out.h2 >= 0 && out.h2 < 4, "h2 = " + out.h2);
            java.math.BigInteger got = java.math.BigInteger.valueOf(out.h2).shiftLeft(128)
                    .add(new java.math.BigInteger(Long.toUnsignedString(out.h1)).shiftLeft(64))
                    .add(new java.math.BigInteger(Long.toUnsignedString(out.h0)));
            assertEquals(want.mod(p), got.mod(p), "limbs " + java.util.Arrays.toString(l));
        }
    }

    /** A JVM without the export: the AEAD keeps its own Poly1305 and agrees with the JDK Cipher. */
    @Test
    void aeadWithoutTheExportUsesItsOwnMac() throws Exception {
        String out = ChildJvm.run(List.of("--add-opens", "java.base/com.sun.crypto.provider=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector"), ChildMain.class);
        assertTrue(out.contains("own mac ok"), out);
    }

    /** Child JVM of {@link #aeadWithoutTheExportUsesItsOwnMac}. */
    public static final class ChildMain {
        public static void main(String[] args) throws Exception {
            if (Poly1305.JDK) throw new AssertionError("JdkPoly1305 on without the export");
            ChildJvm.sealAndOpenAgainstJdk(9, 0, 1, 16, 64, 1420, 5000);
            System.out.println("own mac ok");
        }
    }
}
