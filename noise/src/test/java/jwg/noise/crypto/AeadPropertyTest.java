package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** The fast AEAD against two independent implementations (JDK Cipher, Bouncy Castle) on random inputs. */
class AeadPropertyTest {
    private static final int CASES = 100_000;
    private static final int MAX = 9000;
    private static final int[] EDGES = {0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 257, 1420, 8999, 9000};

    private static byte[] nonce(long counter) {
        byte[] n = new byte[12];
        for (int i = 0; i < 8; i++) n[4 + i] = (byte) (counter >>> (8 * i));
        return n;
    }

    static byte[] jdkSeal(Cipher c, byte[] key, long counter, byte[] ad, byte[] pt) throws Exception {
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce(counter)));
        if (ad.length > 0) c.updateAAD(ad);
        return c.doFinal(pt);
    }

    static byte[] bcSeal(byte[] key, long counter, byte[] ad, byte[] pt) throws Exception {
        ChaCha20Poly1305 bc = new ChaCha20Poly1305();
        bc.init(true, new AEADParameters(new KeyParameter(key), 128, nonce(counter), ad));
        byte[] out = new byte[bc.getOutputSize(pt.length)];
        int n = bc.processBytes(pt, 0, pt.length, out, 0);
        bc.doFinal(out, n);
        return out;
    }

    private static int length(SplittableRandom rnd, int i) {
        if (i < EDGES.length * 8) return EDGES[i % EDGES.length];
        int r = rnd.nextInt(100);
        if (r < 60) return rnd.nextInt(129); // mostly small
        if (r < 90) return rnd.nextInt(1500); // MTU-sized
        return rnd.nextInt(MAX + 1); // anything up to 9000
    }

    @Test
    void matchesJdkAndBouncyCastleOnRandomInputs() throws Exception {
        SplittableRandom rnd = new SplittableRandom(0x5eed);
        Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
        jwg.noise.crypto.ChaCha20Poly1305 aead = new jwg.noise.crypto.ChaCha20Poly1305();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeapA = arena.allocate(MAX + 64), offHeapB = arena.allocate(MAX + 64);
            byte[] heapA = new byte[MAX + 64], heapB = new byte[MAX + 64];
            int bcChecked = 0;
            for (int i = 0; i < CASES; i++) {
                int len = length(rnd, i);
                byte[] key = new byte[32];
                rnd.nextBytes(key);
                long counter = rnd.nextLong();
                byte[] ad = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(70) : 0];
                rnd.nextBytes(ad);
                byte[] pt = new byte[len];
                rnd.nextBytes(pt);
                byte[] want = jdkSeal(jdk, key, counter, ad, pt);
                if (i % 4 == 0) { // BC is slow: a quarter of the cases, still tens of thousands
                    assertArrayEquals(want, bcSeal(key, counter, ad, pt), "JDK and BC disagree");
                    bcChecked++;
                }
                boolean offHeap = (i & 1) == 0, inPlace = (i & 2) == 0;
                MemorySegment a = offHeap ? offHeapA : MemorySegment.ofArray(heapA);
                MemorySegment b = inPlace ? a : (offHeap ? offHeapB : MemorySegment.ofArray(heapB));
                long srcOff = rnd.nextInt(16), dstOff = inPlace ? srcOff : rnd.nextInt(16);
                MemorySegment.copy(pt, 0, a, ValueLayout.JAVA_BYTE, srcOff, len);
                assertEquals(len + 16, aead.seal(key, counter, ad, a, srcOff, len, b, dstOff));
                byte[] got = b.asSlice(dstOff, len + 16).toArray(ValueLayout.JAVA_BYTE);
                if (!java.util.Arrays.equals(want, got))
                    fail("seal differs: case " + i + " len " + len + " offHeap " + offHeap + " inPlace " + inPlace);
                // open the JDK's ciphertext (in place or not) and get the plaintext back
                MemorySegment.copy(want, 0, a, ValueLayout.JAVA_BYTE, srcOff, want.length);
                assertTrue(aead.open(key, counter, ad, a, srcOff, len + 16, b, dstOff), "open failed: case " + i);
                assertArrayEquals(pt, b.asSlice(dstOff, len).toArray(ValueLayout.JAVA_BYTE));
            }
            assertTrue(bcChecked >= CASES / 4);
        }
    }

    @Test
    void rejectsEverySingleBitFlipAndWritesNothing() throws Exception {
        jwg.noise.crypto.ChaCha20Poly1305 aead = new jwg.noise.crypto.ChaCha20Poly1305();
        SplittableRandom rnd = new SplittableRandom(99);
        for (int len : new int[] {0, 1, 17, 64, 1420}) {
            byte[] key = new byte[32];
            rnd.nextBytes(key);
            byte[] ad = len == 17 ? new byte[] {1, 2, 3} : new byte[0];
            byte[] pt = new byte[len];
            rnd.nextBytes(pt);
            byte[] sealed = new byte[len + 16];
            aead.seal(key, 42, ad, pt, 0, len, sealed, 0);
            byte[] out = new byte[Math.max(len, 1)];
            for (int bit = 0; bit < sealed.length * 8; bit++) {
                sealed[bit >>> 3] ^= (byte) (1 << (bit & 7));
                java.util.Arrays.fill(out, (byte) 0x5a);
                assertFalse(
                        aead.open(key, 42, ad, sealed, 0, sealed.length, out, 0),
                        "accepted flip of bit " + bit + " at len " + len);
                for (byte x : out) assertEquals((byte) 0x5a, x, "wrote output on failure");
                sealed[bit >>> 3] ^= (byte) (1 << (bit & 7));
            }
            assertTrue(aead.open(key, 42, ad, sealed, 0, sealed.length, out, 0));
            assertFalse(aead.open(key, 43, ad, sealed, 0, sealed.length, out, 0), "wrong counter accepted");
            byte[] otherKey = key.clone();
            otherKey[0] ^= 1;
            assertFalse(aead.open(otherKey, 42, ad, sealed, 0, sealed.length, out, 0), "wrong key accepted");
            assertFalse(aead.open(key, 42, new byte[] {9}, sealed, 0, sealed.length, out, 0), "wrong AD accepted");
        }
    }

    @Test
    void malformedInputReturnsFalseWithoutThrowing() {
        jwg.noise.crypto.ChaCha20Poly1305 aead = new jwg.noise.crypto.ChaCha20Poly1305();
        byte[] buf = new byte[64];
        assertFalse(aead.open(new byte[32], 0, null, buf, 0, 15, buf, 0), "shorter than a tag");
        assertFalse(aead.open(new byte[32], 0, null, buf, 0, -1, buf, 0), "negative length");
        assertFalse(aead.open(new byte[32], 0, null, buf, 60, 32, buf, 0), "source out of bounds");
        assertFalse(aead.open(new byte[32], 0, null, buf, 0, 48, new byte[8], 0), "destination too small");
        assertFalse(aead.open(new byte[31], 0, null, buf, 0, 32, buf, 0), "short key");
        assertFalse(aead.open(null, 0, null, buf, 0, 32, buf, 0), "null key");
        assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(new byte[32], 0, null, buf, 0, 60, buf, 0));
        assertThrows(IllegalArgumentException.class, () -> aead.seal(new byte[16], 0, null, buf, 0, 1, buf, 0));
    }
}
