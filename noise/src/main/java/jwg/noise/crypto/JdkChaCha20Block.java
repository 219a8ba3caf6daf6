package jwg.noise.crypto;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Reaches the JDK's intrinsified ChaCha20 block function,
 * {@code com.sun.crypto.provider.ChaCha20Cipher.implChaCha20Block(int[] state, byte[] out)},
 * which C2 replaces with AVX2 (4 blocks, 256 bytes per call) or AVX-512 (16 blocks) code.
 *
 * <p>Needs {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED}. Without it, or if
 * the method is missing or computes anything but the RFC 8439 2.3.2 test block,
 * {@link #AVAILABLE} is false and callers use {@link ChaCha20Core}.
 *
 * <p>Contract (from the JDK source): {@code state} holds the 16 input words, {@code out} must be
 * 1024 bytes; the call writes n keystream blocks for counters state[12], state[12]+1, ... and
 * returns 64*n (n = 1 when interpreted, 4 with AVX2, 16 with AVX-512). It does not modify state.
 */
final class JdkChaCha20Block {
    static final int OUT_LENGTH = 1024;
    private static final MethodHandle BLOCK = lookup();
    static final boolean AVAILABLE = BLOCK != null;

    private JdkChaCha20Block() {}

    static int blocks(int[] state, byte[] out) {
        try {
            return (int) BLOCK.invokeExact(state, out);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle lookup() {
        if (Boolean.getBoolean("jwg.crypto.noJdkChaCha20")) return null;
        try {
            Class<?> c = Class.forName("com.sun.crypto.provider.ChaCha20Cipher");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            MethodHandle mh =
                    l.findStatic(c, "implChaCha20Block", MethodType.methodType(int.class, int[].class, byte[].class));
            return selfTest(mh) ? mh : null;
        } catch (Throwable e) { // not opened, renamed, or a different JDK: use the Java code
            return null;
        }
    }

    /** RFC 8439 2.3.2: the block for key 00..1f, counter 1, nonce 000000090000004a00000000. */
    private static boolean selfTest(MethodHandle mh) throws Throwable {
        int[] state = testState();
        byte[] got = new byte[OUT_LENGTH];
        int n = (int) mh.invokeExact(state, got);
        if (n < ChaCha20Core.BLOCK || n % ChaCha20Core.BLOCK != 0 || n > OUT_LENGTH) return false;
        byte[] want = new byte[OUT_LENGTH];
        ChaCha20Core.blocks(testState(), want, n / ChaCha20Core.BLOCK);
        return java.util.Arrays.equals(got, 0, n, want, 0, n)
                && java.util.Arrays.equals(state, testState())
                && (got[0] & 0xff) == 0x10
                && (got[1] & 0xff) == 0xf1;
    }

    private static int[] testState() {
        int[] s = {
            ChaCha20Core.C0,
            ChaCha20Core.C1,
            ChaCha20Core.C2,
            ChaCha20Core.C3,
            0x03020100,
            0x07060504,
            0x0b0a0908,
            0x0f0e0d0c,
            0x13121110,
            0x17161514,
            0x1b1a1918,
            0x1f1e1d1c,
            1,
            0x09000000,
            0x4a000000,
            0
        };
        return s;
    }
}
