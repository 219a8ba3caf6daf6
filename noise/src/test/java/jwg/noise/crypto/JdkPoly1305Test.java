package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Poly1305 through the JDK's block loop ({@link JdkPoly1305}) against the scalar code: where the
 * JVM intrinsifies that loop, in this JVM, hot enough for C2 to swap the intrinsic in; elsewhere
 * in a child JVM told to use the loop anyway (then plain Java), so the class is tested on any
 * CPU. And the AEAD in a JVM that cannot reach the loop.
 */
class JdkPoly1305Test {
    /** The flags (jwg.jvmFlags) that let {@link JdkPoly1305} reach the JDK's classes. */
    static final List<String> JDK_ACCESS = List.of(
            "--add-opens",
            "java.base/com.sun.crypto.provider=ALL-UNNAMED",
            "--add-exports",
            "java.base/sun.security.util.math=ALL-UNNAMED",
            "--add-modules",
            "jdk.incubator.vector");

    /** Whether HotSpot turns UsePoly1305Intrinsics on for a JVM with this one's -XX: options: asked of that JVM. */
    private static boolean jvmIntrinsifiesPoly1305() throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(ChildJvm.java());
        cmd.addAll(ChildJvm.vmOptions());
        cmd.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+PrintFlagsFinal", "-version"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        for (String line : out.split("\n")) {
            String[] w = line.trim().split("\s+");
            if (w.length >= 4 && w[1].equals("UsePoly1305Intrinsics")) return Boolean.parseBoolean(w[3]);
        }
        throw new AssertionError("no UsePoly1305Intrinsics in -XX:+PrintFlagsFinal:\n" + out);
    }

    @Test
    void onExactlyWhereTheJvmIntrinsifiesPoly1305() throws Exception {
        // surefire passes the opens/exports (jwg.jvmFlags); HotSpot turns the intrinsic on where the
        // CPU has AVX-512 IFMA/VL/BW and 512-bit vectors are in use, and then the path must be live
        assertEquals(
                jvmIntrinsifiesPoly1305(),
                Poly1305.JDK,
                "JdkPoly1305 in use exactly where the JDK's loop is intrinsified");
    }

    @Test
    void equalsScalarOnRandomKeysAndLengths() throws Exception {
        if (Poly1305.JDK) {
            equalsScalar(); // in this JVM: the intrinsic, once compiled
        } else {
            String out = ChildJvm.run(
                    java.util.stream.Stream.concat(
                                    JDK_ACCESS.stream(),
                                    java.util.stream.Stream.of("-Djwg.crypto.jdkPoly1305Always=true"))
                            .toList(),
                    AlwaysMain.class);
            assertTrue(out.contains("jdk loop ok"), out);
        }
    }

    /** Child JVM of {@link #equalsScalarOnRandomKeysAndLengths} where the JDK's loop is plain Java. */
    public static final class AlwaysMain {
        public static void main(String[] args) {
            if (!Poly1305.JDK) throw new AssertionError("JdkPoly1305 off although asked for (its self-test failed?)");
            equalsScalar();
            System.out.println("jdk loop ok");
        }
    }

    /** JdkPoly1305 and the scalar code on random keys and lengths, hot enough for C2 to compile the JDK's loop. */
    static void equalsScalar() {
        SplittableRandom rnd = new SplittableRandom(0x1f3a);
        Poly1305 jdk = new Poly1305(new JdkPoly1305()), s = new Poly1305(false);
        byte[] key = new byte[32], msg = new byte[3 * JdkPoly1305.STAGE], t1 = new byte[16], t2 = new byte[16];
        MemorySegment m = MemorySegment.ofArray(msg);
        for (int i = 0; i < 40_000; i++) {
            rnd.nextBytes(key);
            if (i % 3 == 0) java.util.Arrays.fill(key, 0, 16, (byte) 0xff); // maximal r
            if (i % 7 == 0) java.util.Arrays.fill(msg, (byte) 0xff);
            else if (i % 50 == 0) rnd.nextBytes(msg);
            int len = i % 10 == 0 ? rnd.nextInt(msg.length - 63) : rnd.nextInt(1600);
            int adLen = i % 4 == 0 ? rnd.nextInt(40) : 0;
            for (Poly1305 p : List.of(s, jdk)) { // the AEAD's shape: pad16(ad) || pad16(ct) || lengths
                p.init(key, 0);
                p.padded(m, 0, adLen);
                p.padded(m, adLen, len);
                p.lengths(adLen, len);
            }
            s.finish(t1, 0);
            jdk.finish(t2, 0);
            if (!java.util.Arrays.equals(t1, t2))
                fail("tags differ: len " + len + ", ad " + adLen + ", iteration " + i);
            if (i % 100 == 0) { // the plain MAC: a short last block without the 2^128 bit
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
                    case 0 -> rnd.nextLong(-(1L << 25), 1L << 25); // the JDK's usual range
                    case 1 -> rnd.nextLong(-(1L << 40), 1L << 40); // far outside it
                    case 2 -> k == 4 ? -rnd.nextLong(1, 1L << 26) : rnd.nextLong(0, 1L << 26); // negative value
                    default -> (1L << 26) - 1 + rnd.nextInt(2); // all ones and carries
                };
            }
            java.math.BigInteger want = java.math.BigInteger.ZERO;
            for (int k = 4; k >= 0; k--) want = want.shiftLeft(26).add(java.math.BigInteger.valueOf(l[k]));
            JdkPoly1305.toRadix64(l, out);
            assertTrue(out.h2 >= 0 && out.h2 < 4, "h2 = " + out.h2);
            java.math.BigInteger got = java.math.BigInteger.valueOf(out.h2)
                    .shiftLeft(128)
                    .add(new java.math.BigInteger(Long.toUnsignedString(out.h1)).shiftLeft(64))
                    .add(new java.math.BigInteger(Long.toUnsignedString(out.h0)));
            assertEquals(want.mod(p), got.mod(p), "limbs " + java.util.Arrays.toString(l));
        }
    }

    /** A JVM without the export: the AEAD keeps its own Poly1305 and agrees with the JDK Cipher. */
    @Test
    void aeadWithoutTheExportUsesItsOwnMac() throws Exception {
        String out = ChildJvm.run(
                List.of(
                        "--add-opens",
                        "java.base/com.sun.crypto.provider=ALL-UNNAMED",
                        "--add-modules",
                        "jdk.incubator.vector"),
                ChildMain.class);
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
