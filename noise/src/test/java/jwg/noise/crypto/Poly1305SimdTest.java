package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * The 4-way SIMD Poly1305 ({@link Poly1305Vec}) against the scalar one and Bouncy Castle's,
 * and the fallback when {@code jdk.incubator.vector} is absent. The vector code is tested on any
 * CPU: without 256-bit vectors the Vector API computes the same lanes in Java, and only whether
 * the AEAD uses it depends on the hardware.
 */
class Poly1305SimdTest {
    private static final int MAX = 9000;

    private static boolean moduleAndHardware() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        return Poly1305Vec.hardwareBacked();
    }

    @Test
    void simdIsOnExactlyWhereTheHardwareHas256BitVectors() {
        // surefire passes --add-modules jdk.incubator.vector (jwg.jvmFlags); on AVX2 hardware it must be live
        ChaCha20VecTest.assertVectorModule();
        assertEquals(
                moduleAndHardware(), Poly1305.SIMD, "SIMD Poly1305 in use exactly where vectors are 256 bits or more");
        assertTrue(Poly1305Vec.selfTest(), "Poly1305Vec's self-test, on any CPU");
    }

    private static byte[] bc(byte[] key, byte[] msg, int off, int len) {
        org.bouncycastle.crypto.macs.Poly1305 p = new org.bouncycastle.crypto.macs.Poly1305();
        p.init(new KeyParameter(key));
        p.update(msg, off, len);
        byte[] t = new byte[16];
        p.doFinal(t, 0);
        return t;
    }

    private static byte[] mac(Poly1305 p, byte[] key, byte[] msg, int off, int len) {
        p.init(key, 0);
        p.update(msg, off, len);
        byte[] t = new byte[16];
        p.finish(t, 0);
        return t;
    }

    /** The AEAD shape: padded(ad), padded(ct) from a segment, lengths. */
    private static byte[] aeadMac(Poly1305 p, byte[] key, MemorySegment m, int adLen, int ctLen) {
        p.init(key, 0);
        p.padded(m, 0, adLen);
        p.padded(m, adLen, ctLen);
        p.lengths(adLen, ctLen);
        byte[] t = new byte[16];
        p.finish(t, 0);
        return t;
    }

    private static void key(SplittableRandom rnd, byte[] key, int i) {
        rnd.nextBytes(key);
        if (i % 3 == 0) java.util.Arrays.fill(key, 0, 16, (byte) 0xff); // maximal r after clamping
        if (i % 5 == 0) java.util.Arrays.fill(key, 16, 32, (byte) 0xff);
    }

    @Test
    void equalsScalarAndBouncyCastleOnRandomLengthsAndAllTails() {
        ChaCha20VecTest.assertVectorModule(); // new Poly1305(true) is then the vector path
        SplittableRandom rnd = new SplittableRandom(0x9017);
        Poly1305 v = new Poly1305(true), s = new Poly1305(false);
        byte[] key = new byte[32], msg = new byte[MAX + 32];
        List<Integer> lengths = new ArrayList<>();
        for (int n = 0; n <= 1100; n++) lengths.add(n); // every tail, every group count
        for (int i = 0; i < 1500; i++) lengths.add(rnd.nextInt(MAX + 1));
        for (int n = MAX - 80; n <= MAX; n++) lengths.add(n);
        int i = 0;
        for (int len : lengths) {
            key(rnd, key, i);
            if (i % 7 == 0) java.util.Arrays.fill(msg, (byte) 0xff);
            else rnd.nextBytes(msg);
            int off = rnd.nextInt(17);
            byte[] want = bc(key, msg, off, len);
            assertArrayEquals(want, mac(s, key, msg, off, len), "scalar, len " + len);
            assertArrayEquals(want, mac(v, key, msg, off, len), "simd, len " + len);
            i++;
        }
    }

    @Test
    void aeadShapeAndStreamingSplitsEqualScalar() {
        ChaCha20VecTest.assertVectorModule();
        SplittableRandom rnd = new SplittableRandom(0x1305);
        Poly1305 v = new Poly1305(true), s = new Poly1305(false);
        byte[] key = new byte[32], msg = new byte[MAX + 100];
        MemorySegment m = MemorySegment.ofArray(msg);
        for (int i = 0; i < 3000; i++) {
            key(rnd, key, i);
            if (i % 7 == 0) java.util.Arrays.fill(msg, (byte) 0xff);
            else rnd.nextBytes(msg);
            int adLen = rnd.nextInt(4) == 0 ? rnd.nextInt(100) : (i % 2) * 16 * rnd.nextInt(5);
            int ctLen = i < 1000 ? i : rnd.nextInt(MAX + 1);
            assertArrayEquals(
                    aeadMac(s, key, m, adLen, ctLen),
                    aeadMac(v, key, m, adLen, ctLen),
                    "padded: ad " + adLen + " ct " + ctLen);
            // streaming update() in random pieces: vector runs start, stop and resume mid-message
            int len = rnd.nextInt(MAX + 1);
            byte[] want = mac(s, key, msg, 0, len);
            v.init(key, 0);
            for (int o = 0; o < len; ) {
                int piece = Math.min(len - o, rnd.nextInt(4) == 0 ? rnd.nextInt(20) : rnd.nextInt(1200));
                v.update(msg, o, piece);
                o += piece;
            }
            byte[] got = new byte[16];
            v.finish(got, 0);
            assertArrayEquals(want, got, "update pieces, len " + len);
        }
    }

    /** The AEAD with the MAC this JVM picked (the JDK's intrinsic, SIMD or scalar); the SIMD one on its own below. */
    @Test
    void sealMatchesJdkAtPacketSizes() throws Exception {
        javax.crypto.Cipher jdk = javax.crypto.Cipher.getInstance("ChaCha20-Poly1305");
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        SplittableRandom rnd = new SplittableRandom(42);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(MAX + 64);
            for (int len = 0; len <= 2100; len++) {
                byte[] key = new byte[32], ad = new byte[len % 3 == 0 ? 0 : len % 37], pt = new byte[len];
                rnd.nextBytes(key);
                rnd.nextBytes(ad);
                rnd.nextBytes(pt);
                byte[] want = AeadPropertyTest.jdkSeal(jdk, key, len, ad, pt);
                MemorySegment.copy(pt, 0, seg, ValueLayout.JAVA_BYTE, 3, len);
                aead.seal(key, len, ad, seg, 3, len, seg, 3);
                assertArrayEquals(want, seg.asSlice(3, len + 16).toArray(ValueLayout.JAVA_BYTE), "seal, len " + len);
                assertTrue(aead.open(key, len, ad, seg, 3, len + 16, seg, 3), "open, len " + len);
                assertArrayEquals(pt, seg.asSlice(3, len).toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    /**
     * The AEAD with the SIMD MAC wherever the hardware has 256-bit vectors, also on a host whose
     * JDK intrinsic would take precedence (a child JVM with that switched off).
     */
    @Test
    void aeadWithTheSimdMacMatchesJdk() throws Exception {
        String out = ChildJvm.run(
                List.of(
                        "--add-opens",
                        "java.base/com.sun.crypto.provider=ALL-UNNAMED",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-Djwg.crypto.noJdkPoly1305=true"),
                FallbackMain.class,
                String.valueOf(moduleAndHardware()));
        assertTrue(out.contains("fallback ok"), out);
    }

    /** A JVM without {@code --add-modules jdk.incubator.vector} (and one with it switched off) stays scalar and correct. */
    @Test
    void fallsBackToScalarWithoutTheModule() throws Exception {
        for (List<String> flags : List.of(
                List.of("--add-opens", "java.base/com.sun.crypto.provider=ALL-UNNAMED"),
                List.of("--add-modules", "jdk.incubator.vector", "-Djwg.crypto.noSimdPoly1305=true"))) {
            String out = ChildJvm.run(flags, FallbackMain.class, "false");
            assertTrue(out.contains("fallback ok"), out);
        }
    }

    /** Child JVM: checks whether the SIMD MAC is on, then seals against the JDK Cipher. */
    public static final class FallbackMain {
        public static void main(String[] args) throws Exception {
            boolean wantSimd = Boolean.parseBoolean(args[0]);
            if (Poly1305.SIMD != wantSimd) throw new AssertionError("SIMD = " + Poly1305.SIMD);
            ChildJvm.sealAndOpenAgainstJdk(7, 0, 15, 64, 255, 256, 257, 512, 1420, 9000);
            System.out.println("fallback ok");
        }
    }
}
