package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The 4-way vector ladder ({@link X25519Vec} through {@link X25519Batch}) against the scalar
 * {@link X25519}: random scalars and points in every lane, batches of 1 to 4, the RFC 7748
 * vectors, non-canonical u's, low-order points (zero results, flagged), no allocation once
 * compiled, and the gate. The vector code is tested on any CPU with the module: without 256-bit
 * vectors the Vector API computes the same lanes in Java.
 */
class X25519BatchTest {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    private static byte[] scalar(byte[] k, byte[] u, int uOff) {
        byte[] out = new byte[32];
        new X25519().scalarMult(k, 0, u, uOff, out, 0);
        return out;
    }

    private static byte[] le(BigInteger v) {
        byte[] out = new byte[32];
        byte[] be = v.toByteArray();
        for (int i = 0; i < be.length && i < 32; i++) out[i] = be[be.length - 1 - i];
        return out;
    }

    @Test
    void vectorsAreOnExactlyWhereTheHardwareHas256BitVectors() {
        ChaCha20VecTest.assertVectorModule();
        assertEquals(Poly1305Vec.hardwareBacked(), X25519Batch.VECTORS, "vector X25519 where vectors are 256 bits");
        assertTrue(X25519Batch.selfTest(), "X25519Vec's self-test, on any CPU");
    }

    @Test
    void equalsTheScalarLadderOnRandomInputsInEveryLane() {
        ChaCha20VecTest.assertVectorModule();
        SplittableRandom rnd = new SplittableRandom(0x25519);
        X25519Batch v = new X25519Batch(true), s = new X25519Batch(false);
        byte[] k = new byte[32], u = new byte[8 + 128], out = new byte[4 + 128], ref = new byte[4 + 128];
        for (int i = 0; i < 1200; i++) {
            rnd.nextBytes(k);
            rnd.nextBytes(u);
            int n = 1 + (i & 3); // batches of 1..4, most of them full
            if (i % 5 != 0) n = 4;
            Arrays.fill(out, (byte) 0x5a);
            int mask = v.agree(k, u, 8, n, out, 4);
            for (int j = 0; j < n; j++) {
                byte[] expect = scalar(k, u, 8 + 32 * j);
                assertArrayEquals(
                        expect, Arrays.copyOfRange(out, 4 + 32 * j, 36 + 32 * j), "batch " + i + " lane " + j);
            }
            for (int b = 4 + 32 * n; b < out.length; b++) assertEquals((byte) 0x5a, out[b], "wrote past lane n - 1");
            assertEquals((1 << n) - 1, mask, "no zero result among random points");
            assertEquals(mask, s.agree(k, u, 8, n, ref, 4), "the scalar fallback's mask");
            assertArrayEquals(Arrays.copyOfRange(out, 4, 4 + 32 * n), Arrays.copyOfRange(ref, 4, 4 + 32 * n));
        }
    }

    @Test
    void rfc7748Vectors() {
        // section 5.2: two (k, u) pairs, each in every lane beside the other
        byte[] k1 = Hex.bytes("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u1 = Hex.bytes("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        byte[] u = new byte[128], out = new byte[128];
        X25519Batch v = new X25519Batch(true);
        for (int j = 0; j < 4; j++) System.arraycopy(u1, 0, u, 32 * j, 32);
        assertEquals(15, v.agree(k1, u, 0, 4, out, 0));
        for (int j = 0; j < 4; j++)
            assertEquals(
                    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
                    Hex.of(Arrays.copyOfRange(out, 32 * j, 32 * j + 32)));
        // section 6.1: Alice's private key against Bob's public key, and the base point 9
        byte[] a = Hex.bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bPub = Hex.bytes("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        Arrays.fill(u, (byte) 0);
        System.arraycopy(bPub, 0, u, 32, 32);
        u[0] = 9;
        System.arraycopy(bPub, 0, u, 96, 32);
        u[64] = 9;
        assertEquals(15, v.agree(a, u, 0, 4, out, 0));
        String pub = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(pub, Hex.of(Arrays.copyOfRange(out, 0, 32)));
        assertEquals(shared, Hex.of(Arrays.copyOfRange(out, 32, 64)));
        assertEquals(pub, Hex.of(Arrays.copyOfRange(out, 64, 96)));
        assertEquals(shared, Hex.of(Arrays.copyOfRange(out, 96, 128)));
    }

    @Test
    void nonCanonicalUIsTakenModP() {
        SplittableRandom rnd = new SplittableRandom(7748);
        X25519Batch v = new X25519Batch(true);
        byte[] k = new byte[32], u = new byte[128], canon = new byte[128], out = new byte[128], ref = new byte[128];
        for (int i = 0; i < 100; i++) {
            rnd.nextBytes(k);
            for (int j = 0; j < 4; j++) {
                BigInteger c =
                        BigInteger.valueOf(rnd.nextLong() & Long.MAX_VALUE).mod(BigInteger.valueOf(19));
                if (j == 3) c = BigInteger.valueOf(18); // 2^255 - 1
                byte[] nc = le(P.add(c)); // in [p, 2^255)
                if ((j & 1) == 1) nc[31] |= (byte) 0x80; // and the ignored top bit set
                System.arraycopy(nc, 0, u, 32 * j, 32);
                System.arraycopy(le(c), 0, canon, 32 * j, 32);
            }
            int m = v.agree(k, u, 0, 4, out, 0);
            assertEquals(m, v.agree(k, canon, 0, 4, ref, 0), "same zero mask as the canonical u's");
            assertArrayEquals(ref, out, "u and u mod p agree");
            for (int j = 0; j < 4; j++)
                assertArrayEquals(scalar(k, u, 32 * j), Arrays.copyOfRange(out, 32 * j, 32 * j + 32));
        }
    }

    @Test
    void lowOrderPointsGiveZeroAndAreFlagged() {
        String[] lowOrder = {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p (= 0)
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 1 (= 1)
        };
        SplittableRandom rnd = new SplittableRandom(8);
        X25519Batch v = new X25519Batch(true);
        byte[] k = new byte[32], u = new byte[128], out = new byte[128];
        rnd.nextBytes(k);
        for (int i = 0; i < lowOrder.length; i++) {
            rnd.nextBytes(u);
            int lane = i & 3;
            System.arraycopy(Hex.bytes(lowOrder[i]), 0, u, 32 * lane, 32);
            int m = v.agree(k, u, 0, 4, out, 0);
            assertEquals(15 & ~(1 << lane), m, lowOrder[i] + " in lane " + lane);
            assertTrue(ConstantTime.isZero(out, 32 * lane, 32));
            for (int j = 0; j < 4; j++)
                assertArrayEquals(scalar(k, u, 32 * j), Arrays.copyOfRange(out, 32 * j, 32 * j + 32));
        }
    }

    @Test
    void allocatesNothingPerBatchOnceCompiled() {
        ChaCha20VecTest.assertVectorModule();
        X25519Batch v = new X25519Batch(X25519Batch.VECTORS);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        byte[] k = new byte[32], u = new byte[128], out = new byte[128];
        new SplittableRandom(1).nextBytes(k);
        new SplittableRandom(2).nextBytes(u);
        long best = Long.MAX_VALUE;
        // the vector code allocates until C2 has compiled it: the best of several windows counts
        for (int w = 0; w < 40 && best > 0; w++) {
            long before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100; i++) v.agree(k, u, 0, 4, out, 0);
            best = Math.min(best, mx.getThreadAllocatedBytes(id) - before);
        }
        assertEquals(0, best, "bytes allocated by 100 batches, once compiled");
        assertTrue(v.toString().contains("redacted"));
        assertFalse(v.toString().contains(Hex.of(k).substring(0, 8)));
    }

    @Test
    void refusesBatchesOutsideOneToFour() {
        X25519Batch v = new X25519Batch(false);
        byte[] k = new byte[32], u = new byte[160], out = new byte[160];
        assertThrows(IllegalArgumentException.class, () -> v.agree(k, u, 0, 0, out, 0));
        assertThrows(IllegalArgumentException.class, () -> v.agree(k, u, 0, 5, out, 0));
    }
}
