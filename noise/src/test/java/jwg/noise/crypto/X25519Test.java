package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * RFC 7748 section 5.2 (scalar multiplication, iterated 1, 1,000 and — with
 * {@code -Djwg.x25519.million=true} — 1,000,000 times) and 6.1 (Diffie-Hellman); cross-checks
 * of the ladder and the fixed-base path against Bouncy Castle on random and non-canonical
 * inputs; the all-zero rejection.
 */
class X25519Test {
    private static String dh(String k, String u) {
        byte[] out = new byte[32];
        assertTrue(X25519.sharedSecret(Hex.bytes(k), Hex.bytes(u), out));
        return Hex.of(out);
    }

    @Test
    void scalarMultiplication_5_2() {
        assertEquals(
                "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
                dh(
                        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
        assertEquals(
                "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
                dh(
                        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"));
    }

    @Test
    void iterated_5_2() {
        byte[] k = new byte[32], u = new byte[32], out = new byte[32];
        k[0] = 9;
        u[0] = 9;
        for (int i = 1; i <= 1000; i++) {
            assertTrue(X25519.sharedSecret(k, u, out));
            System.arraycopy(k, 0, u, 0, 32);
            System.arraycopy(out, 0, k, 0, 32);
            if (i == 1) assertEquals("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Hex.of(k));
        }
        assertEquals("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Hex.of(k));
    }

    @Test
    void diffieHellman_6_1() {
        byte[] a = Hex.bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] b = Hex.bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Hex.of(X25519.publicKey(a)));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Hex.of(X25519.publicKey(b)));
        byte[] ab = new byte[32], ba = new byte[32];
        assertTrue(X25519.sharedSecret(a, X25519.publicKey(b), ab));
        assertTrue(X25519.sharedSecret(b, X25519.publicKey(a), ba));
        assertEquals("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", Hex.of(ab));
        assertArrayEquals(ab, ba);
    }

    @Test
    void rejectsLowOrderPoints() {
        byte[] priv = X25519.generatePrivateKey(new SecureRandom());
        byte[] out = new byte[32];
        // u = 0 and u = 1 are of small order: the shared secret is all zeros and must be refused.
        assertFalse(X25519.sharedSecret(priv, new byte[32], out));
        byte[] one = new byte[32];
        one[0] = 1;
        assertFalse(X25519.sharedSecret(priv, one, out));
        // a point of order 8 (from the list in Bernstein's Curve25519 page / libsodium's blocklist)
        assertFalse(X25519.sharedSecret(
                priv, Hex.bytes("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"), out));
        assertFalse(
                X25519.sharedSecret(
                        priv, Hex.bytes("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), out),
                "p - 1");
    }

    @Test
    void generatedKeysAreClampedAndAgree() {
        SecureRandom r = new SecureRandom();
        byte[] a = X25519.generatePrivateKey(r), b = X25519.generatePrivateKey(r);
        assertEquals(0, a[0] & 7);
        assertEquals(0x40, a[31] & 0xc0);
        byte[] ab = new byte[32], ba = new byte[32];
        assertTrue(X25519.sharedSecret(a, X25519.publicKey(b), ab));
        assertTrue(X25519.sharedSecret(b, X25519.publicKey(a), ba));
        assertArrayEquals(ab, ba);
        assertFalse(ConstantTime.isZero(ab, 0, 32));
    }

    @Test
    @EnabledIfSystemProperty(named = "jwg.x25519.million", matches = "true")
    void iteratedMillion_5_2() {
        byte[] k = new byte[32], u = new byte[32], out = new byte[32];
        k[0] = 9;
        u[0] = 9;
        X25519 x = new X25519();
        for (int i = 1; i <= 1_000_000; i++) {
            x.scalarMult(k, 0, u, 0, out, 0);
            System.arraycopy(k, 0, u, 0, 32);
            System.arraycopy(out, 0, k, 0, 32);
        }
        assertEquals("7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424", Hex.of(k));
    }

    private static byte[] bc(byte[] k, byte[] u) {
        byte[] out = new byte[32];
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(k, 0, u, 0, out, 0);
        return out;
    }

    @Test
    void agreesWithBouncyCastleOnRandomInputs() {
        Random r = new Random(7748);
        X25519 x = new X25519();
        byte[] k = new byte[32], u = new byte[32], out = new byte[32];
        for (int i = 0; i < 3000; i++) {
            r.nextBytes(k);
            r.nextBytes(u);
            if (i % 3 == 0) u[31] &= 0x7f; // a third with the (ignored) top bit clear
            byte[] kBefore = k.clone();
            x.scalarMult(k, 0, u, 0, out, 0);
            assertArrayEquals(bc(k, u), out, "k=" + Hex.of(k) + " u=" + Hex.of(u));
            assertArrayEquals(kBefore, k, "the caller's scalar is not clamped in place");
        }
    }

    @Test
    void nonCanonicalU() {
        BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
        Random r = new Random(25519);
        X25519 x = new X25519();
        byte[] k = new byte[32], out = new byte[32];
        // u in [p, 2^255) (non-canonical, must be taken mod p) and the same with bit 255 set
        for (int d = 0; d < 19; d++) {
            for (boolean top : new boolean[] {false, true}) {
                byte[] u = le(p.add(BigInteger.valueOf(d)));
                if (top) u[31] |= (byte) 0x80;
                r.nextBytes(k);
                x.scalarMult(k, 0, u, 0, out, 0);
                assertArrayEquals(bc(k, u), out, "u = p + " + d + (top ? " | 2^255" : ""));
                byte[] reduced = le(BigInteger.valueOf(d));
                byte[] viaReduced = new byte[32];
                x.scalarMult(k, 0, reduced, 0, viaReduced, 0);
                assertArrayEquals(viaReduced, out, "u = p + " + d + " is u = " + d);
            }
        }
        // all-ones u (2^256 - 1): 2^255 - 1 = p + 18 after dropping the top bit
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xff);
        r.nextBytes(k);
        x.scalarMult(k, 0, ones, 0, out, 0);
        assertArrayEquals(bc(k, ones), out);
    }

    @Test
    void fixedBaseAgreesWithLadderAndBouncyCastle() {
        Random r = new Random(9);
        X25519 x = new X25519();
        byte[] k = new byte[32],
                nine = new byte[32],
                viaBase = new byte[32],
                viaLadder = new byte[32],
                viaBc = new byte[32];
        nine[0] = 9;
        for (int i = 0; i < 2000; i++) {
            r.nextBytes(k);
            if (i == 0) Arrays.fill(k, (byte) 0); // clamps to 2^254
            if (i == 1) Arrays.fill(k, (byte) 0xff); // clamps to 2^255 - 8
            x.scalarMultBase(k, 0, viaBase, 0);
            x.scalarMult(k, 0, nine, 0, viaLadder, 0);
            org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(k, 0, viaBc, 0);
            assertArrayEquals(viaBc, viaBase, "k=" + Hex.of(k));
            assertArrayEquals(viaBc, viaLadder, "k=" + Hex.of(k));
        }
    }

    @Test
    void rejectsEveryLowOrderPoint() {
        // u = 0, 1, the two points of order 8, p - 1 (order 4's u = -1) and p, p + 1 (0 and 1
        // written non-canonically); each also with the ignored bit 255 set. Every one gives the
        // all-zero secret, which must be refused.
        String[] lowOrder = {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        };
        SecureRandom r = new SecureRandom();
        byte[] out = new byte[32];
        for (String hex : lowOrder) {
            for (boolean top : new boolean[] {false, true}) {
                byte[] u = Hex.bytes(hex);
                if (top) u[31] |= (byte) 0x80;
                byte[] priv = X25519.generatePrivateKey(r);
                Arrays.fill(out, (byte) 1);
                assertFalse(X25519.sharedSecret(priv, u, out), hex + (top ? " | 2^255" : ""));
                assertTrue(ConstantTime.isZero(out, 0, 32), hex);
            }
        }
    }

    @Test
    void publicKeyOfGeneratedKeyMatchesBouncyCastle() {
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < 100; i++) {
            byte[] k = X25519.generatePrivateKey(r), viaBc = new byte[32];
            org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(k, 0, viaBc, 0);
            assertArrayEquals(viaBc, X25519.publicKey(k));
        }
    }

    @Test
    void toStringIsRedacted() {
        assertFalse(new X25519().toString().matches(".*[0-9a-f]{16}.*"));
    }

    private static byte[] le(BigInteger v) {
        byte[] be = v.toByteArray(), out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) out[i] = be[be.length - 1 - i];
        return out;
    }
}
