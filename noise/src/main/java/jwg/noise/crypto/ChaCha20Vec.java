package jwg.noise.crypto;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Eight ChaCha20 blocks (RFC 8439 section 2.3) with {@code jdk.incubator.vector} on 512-bit
 * vectors: the keystream for the tail of a packet. On AVX-512 the JDK's intrinsic always makes
 * 16 blocks per call, so a 1420-byte packet (24 blocks with the Poly1305 key) paid for 32; this
 * class makes the last eight for about the cost of five.
 *
 * <p>Layout: one vector holds one row of the 4x4 state for four blocks (block j in lanes
 * 4j..4j+3), so a quarter round runs on four blocks' columns at once; the diagonal round
 * rotates rows b, c, d by one, two, three lanes within each block first (RFC 8439 2.2's
 * "QUARTERROUND(0,5,10,15)..." on columns after the rotation). Two such sets, blocks 0-3 and
 * 4-7, are interleaved so one set's dependency chain fills the other's latency. At the end a
 * two-step lane transposition turns rows into whole 64-byte blocks.
 *
 * <p>Only reached when {@link #AVAILABLE} (module present, 512-bit vectors in hardware,
 * self-test equal to {@link ChaCha20Core}); the class must not be touched otherwise.
 */
final class ChaCha20Vec {
    static final int BLOCKS = 8, OUT_LENGTH = BLOCKS * ChaCha20Core.BLOCK;
    private static final VectorSpecies<Integer> S = IntVector.SPECIES_512;

    /** Row r of the state repeated for four blocks. */
    private static final VectorShuffle<Integer> ROW0 = row(0), ROW1 = row(1), ROW2 = row(2), ROW3 = row(3);
    /** Rotate each block's four lanes left by 1, 2, 3 (x[i] = x[i+k mod 4]). */
    private static final VectorShuffle<Integer> ROT1 = rot(1), ROT2 = rot(2), ROT3 = rot(3);
    /** Block counters of the two sets: +0..3 and +4..7 in each block's counter lane. */
    private static final IntVector CTR_A = IntVector.fromArray(S, counters(0), 0);

    private static final IntVector CTR_B = IntVector.fromArray(S, counters(4), 0);
    /** Transposition indexes for selectFrom(v1, v2): lanes 16..31 name v2's lanes 0..15. */
    private static final IntVector PAIR_LO =
            IntVector.fromArray(S, new int[] {0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23}, 0);

    private static final IntVector PAIR_HI =
            IntVector.fromArray(S, new int[] {8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31}, 0);
    private static final IntVector HALF_LO =
            IntVector.fromArray(S, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23}, 0);
    private static final IntVector HALF_HI =
            IntVector.fromArray(S, new int[] {8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31}, 0);

    static final boolean AVAILABLE = available();

    private ChaCha20Vec() {}

    /**
     * Writes eight keystream blocks for counters {@code state[12]} .. {@code state[12]+7} into
     * {@code out[off..off+512)}; returns 512. {@code state} is not modified.
     */
    static int blocks(int[] state, byte[] out, int off) {
        IntVector st = IntVector.fromArray(S, state, 0);
        IntVector a0 = st.rearrange(ROW0), b0 = st.rearrange(ROW1), c0 = st.rearrange(ROW2);
        IntVector d = st.rearrange(ROW3);
        IntVector dA0 = d.add(CTR_A), dB0 = d.add(CTR_B);
        IntVector a = a0, b = b0, c = c0, dA = dA0;
        IntVector e = a0, f = b0, g = c0, dB = dB0;
        // Both half-rounds written out: a helper taking and returning vectors would stay a call
        // (C2 does not inline code it already compiled big) and box every vector it passes.
        for (int i = 0; i < 10; i++) {
            // column round on both sets
            a = a.add(b);
            e = e.add(f);
            dA = dA.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROL, 16);
            dB = dB.lanewise(VectorOperators.XOR, e).lanewise(VectorOperators.ROL, 16);
            c = c.add(dA);
            g = g.add(dB);
            b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROL, 12);
            f = f.lanewise(VectorOperators.XOR, g).lanewise(VectorOperators.ROL, 12);
            a = a.add(b);
            e = e.add(f);
            dA = dA.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROL, 8);
            dB = dB.lanewise(VectorOperators.XOR, e).lanewise(VectorOperators.ROL, 8);
            c = c.add(dA);
            g = g.add(dB);
            b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROL, 7);
            f = f.lanewise(VectorOperators.XOR, g).lanewise(VectorOperators.ROL, 7);
            // diagonals into columns
            b = b.rearrange(ROT1);
            f = f.rearrange(ROT1);
            c = c.rearrange(ROT2);
            g = g.rearrange(ROT2);
            dA = dA.rearrange(ROT3);
            dB = dB.rearrange(ROT3);
            // diagonal round
            a = a.add(b);
            e = e.add(f);
            dA = dA.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROL, 16);
            dB = dB.lanewise(VectorOperators.XOR, e).lanewise(VectorOperators.ROL, 16);
            c = c.add(dA);
            g = g.add(dB);
            b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROL, 12);
            f = f.lanewise(VectorOperators.XOR, g).lanewise(VectorOperators.ROL, 12);
            a = a.add(b);
            e = e.add(f);
            dA = dA.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROL, 8);
            dB = dB.lanewise(VectorOperators.XOR, e).lanewise(VectorOperators.ROL, 8);
            c = c.add(dA);
            g = g.add(dB);
            b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROL, 7);
            f = f.lanewise(VectorOperators.XOR, g).lanewise(VectorOperators.ROL, 7);
            // columns back
            b = b.rearrange(ROT3);
            f = f.rearrange(ROT3);
            c = c.rearrange(ROT2);
            g = g.rearrange(ROT2);
            dA = dA.rearrange(ROT1);
            dB = dB.rearrange(ROT1);
        }
        // RFC 8439 2.3: add the input state
        a = a.add(a0);
        b = b.add(b0);
        c = c.add(c0);
        dA = dA.add(dA0);
        e = e.add(a0);
        f = f.add(b0);
        g = g.add(c0);
        dB = dB.add(dB0);
        // Rows to blocks, inline (as a helper method C2 left the call in place and boxed the
        // vectors it passed): [a|b] pairs of each block, then [ab|cd] halves = whole blocks.
        IntVector ab01 = PAIR_LO.selectFrom(a, b), ab23 = PAIR_HI.selectFrom(a, b);
        IntVector cd01 = PAIR_LO.selectFrom(c, dA), cd23 = PAIR_HI.selectFrom(c, dA);
        HALF_LO.selectFrom(ab01, cd01).reinterpretAsBytes().intoArray(out, off);
        HALF_HI.selectFrom(ab01, cd01).reinterpretAsBytes().intoArray(out, off + 64);
        HALF_LO.selectFrom(ab23, cd23).reinterpretAsBytes().intoArray(out, off + 128);
        HALF_HI.selectFrom(ab23, cd23).reinterpretAsBytes().intoArray(out, off + 192);
        IntVector ef01 = PAIR_LO.selectFrom(e, f), ef23 = PAIR_HI.selectFrom(e, f);
        IntVector gd01 = PAIR_LO.selectFrom(g, dB), gd23 = PAIR_HI.selectFrom(g, dB);
        HALF_LO.selectFrom(ef01, gd01).reinterpretAsBytes().intoArray(out, off + 256);
        HALF_HI.selectFrom(ef01, gd01).reinterpretAsBytes().intoArray(out, off + 320);
        HALF_LO.selectFrom(ef23, gd23).reinterpretAsBytes().intoArray(out, off + 384);
        HALF_HI.selectFrom(ef23, gd23).reinterpretAsBytes().intoArray(out, off + 448);
        return OUT_LENGTH;
    }

    private static VectorShuffle<Integer> row(int r) {
        int[] ix = new int[16];
        for (int i = 0; i < 16; i++) ix[i] = 4 * r + (i & 3);
        return VectorShuffle.fromArray(S, ix, 0);
    }

    private static VectorShuffle<Integer> rot(int k) {
        int[] ix = new int[16];
        for (int i = 0; i < 16; i++) ix[i] = (i & ~3) | ((i + k) & 3);
        return VectorShuffle.fromArray(S, ix, 0);
    }

    private static int[] counters(int first) {
        int[] c = new int[16];
        for (int j = 0; j < 4; j++) c[4 * j] = first + j;
        return c;
    }

    private static boolean available() {
        if (Boolean.getBoolean("jwg.crypto.noSimdChaCha20")) return false;
        try {
            return IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512 && selfTest();
        } catch (Throwable t) { // module not readable, or an API this JDK lacks: use the others
            return false;
        }
    }

    /** Equal to {@link ChaCha20Core} for a few states, including a counter that wraps. */
    static boolean selfTest() {
        int[] state = new int[16];
        byte[] want = new byte[OUT_LENGTH], got = new byte[OUT_LENGTH];
        long x = 0x9e3779b97f4a7c15L;
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 16; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                state[i] = (int) x;
            }
            state[0] = ChaCha20Core.C0;
            state[1] = ChaCha20Core.C1;
            state[2] = ChaCha20Core.C2;
            state[3] = ChaCha20Core.C3;
            if (t == 2) state[12] = -3;
            int[] copy = state.clone();
            ChaCha20Core.blocks(state, want, BLOCKS);
            blocks(state, got, 0);
            if (!java.util.Arrays.equals(want, got) || !java.util.Arrays.equals(copy, state)) return false;
        }
        return true;
    }
}
