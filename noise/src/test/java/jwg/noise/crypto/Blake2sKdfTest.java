package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** BLAKE2s (RFC 7693), keyed BLAKE2s, HMAC-BLAKE2s and WireGuard's KDF1..3. */
class Blake2sKdfTest {
    @Test
    void blake2s256_rfc7693_appendixB() {
        assertEquals(
                "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
                Hex.of(Blake2s.hash(Hex.ascii("abc"))));
        byte[] out = new byte[32];
        Blake2s.hash(Hex.ascii("ab"), Hex.ascii("xc"), 1, 1, out);
        assertEquals("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982", Hex.of(out), "two-part form");
        assertArrayEquals(Blake2s.hash(Hex.ascii("a"), Hex.ascii("bc")), Blake2s.hash(Hex.ascii("abc")));
    }

    @Test
    void blake2sEmptyAndWireGuardConstructionHash() {
        assertEquals(
                "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9", Hex.of(Blake2s.hash(new byte[0])));
        // HASH("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"), the chaining key every WireGuard handshake starts from
        // (wireguard-go's initialChainKey).
        assertEquals(
                "60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36",
                Hex.of(Blake2s.hash(Hex.ascii("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"))));
    }

    @Test
    void keyedMacMatchesBouncyCastleReference() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int len = 0; len < 300; len += 7) {
            byte[] key = new byte[1 + rnd.nextInt(32)];
            rnd.nextBytes(key);
            byte[] msg = new byte[len + 3];
            rnd.nextBytes(msg);
            byte[] got = new byte[20];
            Blake2s.mac(key, msg, 3, len, got, 2);
            Blake2sDigest ref = new Blake2sDigest(key, 16, null, null);
            ref.update(msg, 3, len);
            byte[] want = new byte[16];
            ref.doFinal(want, 0);
            assertArrayEquals(want, java.util.Arrays.copyOfRange(got, 2, 18), "len " + len);
        }
    }

    @Test
    void keyedBlake2sKnownAnswer() {
        // Keyed BLAKE2s-256 from the BLAKE2 reference KAT (blake2s-kat.txt): key 00..1f, empty input.
        byte[] out = new byte[32];
        new Blake2s().init(Rfc8439Test.KEY_00_1F, 0, 32, 32).doFinal(out, 0);
        assertEquals("48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49", Hex.of(out));
    }

    @Test
    void everyLengthAndSplitMatchesBouncyCastle() {
        // block boundaries (63, 64, 65, 128, ...), keyed and unkeyed, fed whole and in two pieces,
        // through one reused (re-keyed) instance
        SplittableRandom rnd = new SplittableRandom(64);
        Blake2s mine = new Blake2s();
        for (int len = 0; len <= 200; len++) {
            for (int keyLen : new int[] {0, 1, 16, 32}) {
                byte[] key = new byte[keyLen], msg = new byte[len];
                rnd.nextBytes(key);
                rnd.nextBytes(msg);
                int outLen = keyLen == 16 ? 16 : 32;
                Blake2sDigest ref =
                        keyLen == 0 ? new Blake2sDigest(outLen * 8) : new Blake2sDigest(key, outLen, null, null);
                ref.update(msg, 0, len);
                byte[] want = new byte[outLen], whole = new byte[outLen], split = new byte[outLen];
                ref.doFinal(want, 0);
                mine.init(key, 0, keyLen, outLen).update(msg, 0, len).doFinal(whole, 0);
                int cut = len == 0 ? 0 : rnd.nextInt(len + 1);
                mine.init(key, 0, keyLen, outLen)
                        .update(msg, 0, cut)
                        .update(msg, cut, len - cut)
                        .doFinal(split, 0);
                assertArrayEquals(want, whole, "len " + len + " key " + keyLen);
                assertArrayEquals(want, split, "len " + len + " key " + keyLen + " cut " + cut);
            }
        }
    }

    private static byte[] bcHmac(byte[] key, byte[] msg) {
        HMac h = new HMac(new Blake2sDigest(256));
        h.init(new KeyParameter(key));
        h.update(msg, 0, msg.length);
        byte[] out = new byte[32];
        h.doFinal(out, 0);
        return out;
    }

    @Test
    void hmacMatchesBouncyCastleHMac() {
        SplittableRandom rnd = new SplittableRandom(8);
        for (int keyLen : new int[] {0, 1, 32, 63, 64, 65, 100}) {
            for (int len : new int[] {0, 1, 33, 64, 65, 200}) {
                byte[] key = new byte[keyLen], msg = new byte[len];
                rnd.nextBytes(key);
                rnd.nextBytes(msg);
                byte[] got = new byte[32];
                Kdf.hmac(key, msg, 0, len, got);
                assertArrayEquals(bcHmac(key, msg), got, "key " + keyLen + " msg " + len);
            }
        }
    }

    @Test
    void kdfMatchesIndependentHkdf() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int len : new int[] {0, 1, 32, 77}) {
            byte[] key = new byte[32], input = new byte[len];
            rnd.nextBytes(key);
            rnd.nextBytes(input);
            byte[] tau0 = bcHmac(key, input);
            byte[] t1 = bcHmac(tau0, new byte[] {1});
            byte[] t2 = bcHmac(tau0, concat(t1, (byte) 2));
            byte[] t3 = bcHmac(tau0, concat(t2, (byte) 3));
            byte[] a = new byte[32], b = new byte[32], c = new byte[32];
            Kdf.kdf(key, input, a, b, c);
            assertArrayEquals(t1, a);
            assertArrayEquals(t2, b);
            assertArrayEquals(t3, c);
            byte[] only1 = new byte[32];
            Kdf.kdf(key, input, only1);
            assertArrayEquals(t1, only1);
            byte[] x = new byte[32];
            Kdf.kdf(key, len == 0 ? null : input, 2, null, x, null);
            assertArrayEquals(t2, x, "null outputs skipped, later ones still right");
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> Kdf.kdf(new byte[32], null, new byte[32], new byte[32], new byte[32], new byte[32]));
    }

    @Test
    void kdfOutputMayAliasItsKey() {
        // Noise's MixKey does ck = KDF(ck, ...): the first output overwrites the key.
        byte[] ck = Blake2s.hash(Hex.ascii("ck"));
        byte[] want = new byte[32];
        Kdf.kdf(ck.clone(), Hex.ascii("in"), want);
        Kdf.kdf(ck, Hex.ascii("in"), ck);
        assertArrayEquals(want, ck);
    }

    private static byte[] concat(byte[] a, byte b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = b;
        return r;
    }
}
