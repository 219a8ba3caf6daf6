package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** RFC 7748 section 5.2 (scalar multiplication, iterated 1 and 1000) and 6.1 (Diffie-Hellman). */
class X25519Test {
    private static String dh(String k, String u) {
        byte[] out = new byte[32];
        assertTrue(X25519.sharedSecret(Hex.bytes(k), Hex.bytes(u), out));
        return Hex.of(out);
    }

    @Test
    void scalarMultiplication_5_2() {
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
                dh("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
        assertEquals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
                dh("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
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
        assertFalse(X25519.sharedSecret(priv, Hex.bytes("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"), out));
        assertFalse(X25519.sharedSecret(priv, Hex.bytes("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), out), "p - 1");
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
}
