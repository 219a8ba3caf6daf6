package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Poly1305 against a BigInteger transcription of RFC 8439 2.5.1, with extra weight on the
 * inputs that stress the limb bounds: all-ones messages and keys whose clamped r is maximal.
 */
class Poly1305ReferenceTest {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(130).subtract(BigInteger.valueOf(5));

    private static BigInteger le(byte[] b, int off, int len) {
        byte[] be = new byte[len + 1];
        for (int i = 0; i < len; i++) be[len - i] = b[off + i];
        return new BigInteger(be);
    }

    static byte[] reference(byte[] key, byte[] msg) {
        BigInteger r = le(key, 0, 16).and(new BigInteger("0ffffffc0ffffffc0ffffffc0fffffff", 16));
        BigInteger s = le(key, 16, 16);
        BigInteger a = BigInteger.ZERO;
        for (int i = 0; i < msg.length; i += 16) {
            int n = Math.min(16, msg.length - i);
            BigInteger block = le(msg, i, n).setBit(8 * n);
            a = a.add(block).multiply(r).mod(P);
        }
        a = a.add(s);
        byte[] tag = new byte[16];
        for (int i = 0; i < 16; i++) tag[i] = (byte) a.shiftRight(8 * i).intValue();
        return tag;
    }

    @Test
    void matchesReferenceOnStressAndRandomInputs() {
        SplittableRandom rnd = new SplittableRandom(1305);
        Poly1305 p = new Poly1305();
        for (int it = 0; it < 3000; it++) {
            byte[] key = new byte[32];
            rnd.nextBytes(key);
            if (it % 3 == 0) java.util.Arrays.fill(key, 0, 16, (byte) 0xff); // maximal r after clamping
            if (it % 5 == 0) java.util.Arrays.fill(key, 16, 32, (byte) 0xff); // s makes h + s wrap
            byte[] msg = new byte[rnd.nextInt(700)];
            if (it % 2 == 0) java.util.Arrays.fill(msg, (byte) 0xff);
            else rnd.nextBytes(msg);
            byte[] want = reference(key, msg);

            p.init(key, 0);
            p.update(msg, 0, msg.length);
            byte[] got = new byte[16];
            p.finish(got, 0);
            assertArrayEquals(want, got, "update, iteration " + it);

            // The AEAD paths: padded() on 16-byte multiples equals the plain MAC of the same bytes.
            int full = msg.length & ~15;
            byte[] aligned = java.util.Arrays.copyOf(msg, full);
            p.init(key, 0);
            p.padded(MemorySegment.ofArray(aligned), 0, full);
            p.finish(got, 0);
            assertArrayEquals(reference(key, aligned), got, "padded, iteration " + it);
        }
    }
}
