package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The 8-block vector ChaCha20 ({@link ChaCha20Vec}) against the plain-Java block function, and
 * the AEAD with the keystream from it alone (no JDK intrinsic) or without it (no module). The
 * class is tested on any CPU: without 512-bit vectors the Vector API computes the same lanes in
 * Java (slowly), and only whether the AEAD uses it depends on the hardware.
 */
class ChaCha20VecTest {

    private static boolean vectorModule() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static boolean moduleAnd512BitVectors() {
        if (!vectorModule()) return false;
        return jdk.incubator.vector.IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    }

    /** The build's JVM flags (jwg.jvmFlags) add the module; without it ChaCha20Vec cannot link. */
    static void assertVectorModule() {
        assertTrue(vectorModule(), "jdk.incubator.vector missing: run with the build's argLine (jwg.jvmFlags)");
    }

    @Test
    void onExactlyWhereTheHardwareHas512BitVectors() {
        // surefire passes --add-modules jdk.incubator.vector; on an AVX-512 host the path must be live
        assertVectorModule();
        assertEquals(moduleAnd512BitVectors(), ChaCha20.VEC8, "ChaCha20Vec in use exactly where vectors are 512 bits");
        assertTrue(ChaCha20Vec.selfTest(), "ChaCha20Vec's self-test, on any CPU");
    }

    @Test
    void equalsTheJavaBlockFunctionAtEveryOffsetAndCounter() {
        assertVectorModule();
        // hot enough for C2 to compile the vector code where it is intrinsified; fewer rounds
        // where the Vector API computes 512-bit lanes in plain Java (same results, far slower)
        int rounds = ChaCha20.VEC8 ? 30_000 : 3_000;
        SplittableRandom rnd = new SplittableRandom(0xc4a);
        int[] state = new int[16];
        byte[] want = new byte[ChaCha20Vec.OUT_LENGTH];
        byte[] got = new byte[1024 + ChaCha20Vec.OUT_LENGTH + 64];
        for (int it = 0; it < rounds; it++) {
            for (int i = 0; i < 16; i++) state[i] = rnd.nextInt();
            state[0] = ChaCha20Core.C0;
            state[1] = ChaCha20Core.C1;
            state[2] = ChaCha20Core.C2;
            state[3] = ChaCha20Core.C3;
            if (it % 10 == 0) state[12] = -1 - rnd.nextInt(8); // the block counter wraps inside the eight
            int off = 64 * rnd.nextInt(17);
            int[] before = state.clone();
            Arrays.fill(got, (byte) 0x5a);
            assertEquals(ChaCha20Vec.OUT_LENGTH, ChaCha20Vec.blocks(state, got, off));
            ChaCha20Core.blocks(state, want, ChaCha20Vec.BLOCKS);
            if (!Arrays.equals(got, off, off + want.length, want, 0, want.length)) fail("differs at iteration " + it);
            for (int i = 0; i < got.length; i++) {
                if ((i < off || i >= off + want.length) && got[i] != 0x5a) fail("wrote outside its 512 bytes at " + i);
            }
            assertArrayEquals(before, state, "state modified");
        }
    }

    /** The AEAD in child JVMs: keystream from ChaCha20Vec alone, and with the module absent. */
    @Test
    void aeadEqualsTheJdkWithOnlyTheVectorKeystreamAndWithout() throws Exception {
        boolean vec = moduleAnd512BitVectors();
        String a = ChildJvm.run(
                List.of("--add-modules", "jdk.incubator.vector", "-Djwg.crypto.noJdkChaCha20=true"),
                ChildMain.class,
                String.valueOf(vec),
                "false");
        String b = ChildJvm.run(
                List.of("--add-opens", "java.base/com.sun.crypto.provider=ALL-UNNAMED"),
                ChildMain.class,
                "false",
                "true");
        assertTrue(a.contains("keystream ok"), a);
        assertTrue(b.contains("keystream ok"), b);
    }

    /** Child JVM: checks which keystream paths are live, then seals and opens against the JDK Cipher. */
    public static final class ChildMain {
        public static void main(String[] args) throws Exception {
            boolean wantVec = Boolean.parseBoolean(args[0]), wantJdk = Boolean.parseBoolean(args[1]);
            if (ChaCha20.VEC8 != wantVec) throw new AssertionError("VEC8 = " + ChaCha20.VEC8);
            if (JdkChaCha20Block.AVAILABLE != wantJdk)
                throw new AssertionError("intrinsic = " + JdkChaCha20Block.AVAILABLE);
            ChildJvm.sealAndOpenAgainstJdk(
                    8, 0, 1, 63, 64, 447, 448, 449, 511, 512, 960, 961, 1420, 1472, 1473, 1536, 3000, 9000);
            System.out.println("keystream ok");
        }
    }
}
