package jwg.noise.crypto;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The ChaCha20 block function (RFC 8439 section 2.3) in plain Java: the portable fallback for
 * {@link JdkChaCha20Block}, and HChaCha20 (draft-irtf-cfrg-xchacha section 2.2).
 */
final class ChaCha20Core {
    static final int BLOCK = 64;
    /** "expand 32-byte k" as four little-endian words (RFC 8439 2.3). */
    static final int C0 = 0x61707865, C1 = 0x3320646e, C2 = 0x79622d32, C3 = 0x6b206574;
    /** Little-endian int view of a byte[]: no wrapper object, so the fallback allocates nothing. */
    private static final java.lang.invoke.VarHandle WORD =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ChaCha20Core() {}

    /**
     * Writes {@code blocks} keystream blocks for counters {@code state[12]}, {@code state[12]+1}, ...
     * into {@code out} (from offset 0) and returns the number of bytes written. {@code state} is
     * not modified.
     */
    static int blocks(int[] state, byte[] out, int blocks) {
        int k4 = state[4], k5 = state[5], k6 = state[6], k7 = state[7];
        int k8 = state[8], k9 = state[9], k10 = state[10], k11 = state[11];
        int n13 = state[13], n14 = state[14], n15 = state[15];
        for (int b = 0; b < blocks; b++) {
            int ctr = state[12] + b;
            int x0 = C0, x1 = C1, x2 = C2, x3 = C3;
            int x4 = k4, x5 = k5, x6 = k6, x7 = k7, x8 = k8, x9 = k9, x10 = k10, x11 = k11;
            int x12 = ctr, x13 = n13, x14 = n14, x15 = n15;
            // RFC 8439 2.3: 20 rounds = 10 x (column round + diagonal round)
            for (int i = 0; i < 10; i++) {
                // column round: QUARTERROUND(0,4,8,12) (1,5,9,13) (2,6,10,14) (3,7,11,15)
                x0 += x4;
                x12 = Integer.rotateLeft(x12 ^ x0, 16);
                x8 += x12;
                x4 = Integer.rotateLeft(x4 ^ x8, 12);
                x0 += x4;
                x12 = Integer.rotateLeft(x12 ^ x0, 8);
                x8 += x12;
                x4 = Integer.rotateLeft(x4 ^ x8, 7);
                x1 += x5;
                x13 = Integer.rotateLeft(x13 ^ x1, 16);
                x9 += x13;
                x5 = Integer.rotateLeft(x5 ^ x9, 12);
                x1 += x5;
                x13 = Integer.rotateLeft(x13 ^ x1, 8);
                x9 += x13;
                x5 = Integer.rotateLeft(x5 ^ x9, 7);
                x2 += x6;
                x14 = Integer.rotateLeft(x14 ^ x2, 16);
                x10 += x14;
                x6 = Integer.rotateLeft(x6 ^ x10, 12);
                x2 += x6;
                x14 = Integer.rotateLeft(x14 ^ x2, 8);
                x10 += x14;
                x6 = Integer.rotateLeft(x6 ^ x10, 7);
                x3 += x7;
                x15 = Integer.rotateLeft(x15 ^ x3, 16);
                x11 += x15;
                x7 = Integer.rotateLeft(x7 ^ x11, 12);
                x3 += x7;
                x15 = Integer.rotateLeft(x15 ^ x3, 8);
                x11 += x15;
                x7 = Integer.rotateLeft(x7 ^ x11, 7);
                // diagonal round: QUARTERROUND(0,5,10,15) (1,6,11,12) (2,7,8,13) (3,4,9,14)
                x0 += x5;
                x15 = Integer.rotateLeft(x15 ^ x0, 16);
                x10 += x15;
                x5 = Integer.rotateLeft(x5 ^ x10, 12);
                x0 += x5;
                x15 = Integer.rotateLeft(x15 ^ x0, 8);
                x10 += x15;
                x5 = Integer.rotateLeft(x5 ^ x10, 7);
                x1 += x6;
                x12 = Integer.rotateLeft(x12 ^ x1, 16);
                x11 += x12;
                x6 = Integer.rotateLeft(x6 ^ x11, 12);
                x1 += x6;
                x12 = Integer.rotateLeft(x12 ^ x1, 8);
                x11 += x12;
                x6 = Integer.rotateLeft(x6 ^ x11, 7);
                x2 += x7;
                x13 = Integer.rotateLeft(x13 ^ x2, 16);
                x8 += x13;
                x7 = Integer.rotateLeft(x7 ^ x8, 12);
                x2 += x7;
                x13 = Integer.rotateLeft(x13 ^ x2, 8);
                x8 += x13;
                x7 = Integer.rotateLeft(x7 ^ x8, 7);
                x3 += x4;
                x14 = Integer.rotateLeft(x14 ^ x3, 16);
                x9 += x14;
                x4 = Integer.rotateLeft(x4 ^ x9, 12);
                x3 += x4;
                x14 = Integer.rotateLeft(x14 ^ x3, 8);
                x9 += x14;
                x4 = Integer.rotateLeft(x4 ^ x9, 7);
            }
            // RFC 8439 2.3: add the original state, serialize little-endian
            int p = b * BLOCK;
            WORD.set(out, p, x0 + C0);
            WORD.set(out, p + 4, x1 + C1);
            WORD.set(out, p + 8, x2 + C2);
            WORD.set(out, p + 12, x3 + C3);
            WORD.set(out, p + 16, x4 + k4);
            WORD.set(out, p + 20, x5 + k5);
            WORD.set(out, p + 24, x6 + k6);
            WORD.set(out, p + 28, x7 + k7);
            WORD.set(out, p + 32, x8 + k8);
            WORD.set(out, p + 36, x9 + k9);
            WORD.set(out, p + 40, x10 + k10);
            WORD.set(out, p + 44, x11 + k11);
            WORD.set(out, p + 48, x12 + ctr);
            WORD.set(out, p + 52, x13 + n13);
            WORD.set(out, p + 56, x14 + n14);
            WORD.set(out, p + 60, x15 + n15);
        }
        return blocks * BLOCK;
    }

    /**
     * HChaCha20 (draft-irtf-cfrg-xchacha-03 section 2.2): the ChaCha20 rounds over
     * constants || key || nonce16 without the final addition; the subkey is words 0..3 and 12..15.
     */
    static void hchacha20(byte[] key, byte[] nonce, int nonceOff, byte[] out32) {
        // array views, not MemorySegment.ofArray wrappers: a cookie reply allocates nothing
        int x0 = C0, x1 = C1, x2 = C2, x3 = C3;
        int x4 = le32(key, 0), x5 = le32(key, 4), x6 = le32(key, 8), x7 = le32(key, 12);
        int x8 = le32(key, 16), x9 = le32(key, 20), x10 = le32(key, 24), x11 = le32(key, 28);
        int x12 = le32(nonce, nonceOff), x13 = le32(nonce, nonceOff + 4);
        int x14 = le32(nonce, nonceOff + 8), x15 = le32(nonce, nonceOff + 12);
        for (int i = 0; i < 10; i++) {
            x0 += x4;
            x12 = Integer.rotateLeft(x12 ^ x0, 16);
            x8 += x12;
            x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4;
            x12 = Integer.rotateLeft(x12 ^ x0, 8);
            x8 += x12;
            x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5;
            x13 = Integer.rotateLeft(x13 ^ x1, 16);
            x9 += x13;
            x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5;
            x13 = Integer.rotateLeft(x13 ^ x1, 8);
            x9 += x13;
            x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6;
            x14 = Integer.rotateLeft(x14 ^ x2, 16);
            x10 += x14;
            x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6;
            x14 = Integer.rotateLeft(x14 ^ x2, 8);
            x10 += x14;
            x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7;
            x15 = Integer.rotateLeft(x15 ^ x3, 16);
            x11 += x15;
            x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7;
            x15 = Integer.rotateLeft(x15 ^ x3, 8);
            x11 += x15;
            x7 = Integer.rotateLeft(x7 ^ x11, 7);
            x0 += x5;
            x15 = Integer.rotateLeft(x15 ^ x0, 16);
            x10 += x15;
            x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5;
            x15 = Integer.rotateLeft(x15 ^ x0, 8);
            x10 += x15;
            x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6;
            x12 = Integer.rotateLeft(x12 ^ x1, 16);
            x11 += x12;
            x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6;
            x12 = Integer.rotateLeft(x12 ^ x1, 8);
            x11 += x12;
            x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7;
            x13 = Integer.rotateLeft(x13 ^ x2, 16);
            x8 += x13;
            x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7;
            x13 = Integer.rotateLeft(x13 ^ x2, 8);
            x8 += x13;
            x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4;
            x14 = Integer.rotateLeft(x14 ^ x3, 16);
            x9 += x14;
            x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4;
            x14 = Integer.rotateLeft(x14 ^ x3, 8);
            x9 += x14;
            x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        ARRAY_LE32.set(out32, 0, x0);
        ARRAY_LE32.set(out32, 4, x1);
        ARRAY_LE32.set(out32, 8, x2);
        ARRAY_LE32.set(out32, 12, x3);
        ARRAY_LE32.set(out32, 16, x12);
        ARRAY_LE32.set(out32, 20, x13);
        ARRAY_LE32.set(out32, 24, x14);
        ARRAY_LE32.set(out32, 28, x15);
    }

    private static final java.lang.invoke.VarHandle ARRAY_LE32 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static int le32(byte[] b, int off) {
        return (int) ARRAY_LE32.get(b, off);
    }
}
