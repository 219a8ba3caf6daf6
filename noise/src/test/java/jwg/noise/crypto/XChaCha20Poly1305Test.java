package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** draft-irtf-cfrg-xchacha-03: HChaCha20 (2.2.1) and the AEAD (A.3.1). */
class XChaCha20Poly1305Test {
    @Test
    void hchacha20_2_2_1() {
        byte[] out = new byte[32];
        ChaCha20Core.hchacha20(Rfc8439Test.KEY_00_1F, Hex.bytes("000000090000004a0000000031415927"), 0, out);
        assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc", Hex.of(out));
    }

    @Test
    void aead_A_3_1() {
        byte[] nonce = Hex.bytes("404142434445464748494a4b4c4d4e4f5051525354555657");
        byte[] aad = Hex.bytes("50515253c0c1c2c3c4c5c6c7");
        byte[] pt = Hex.ascii(Rfc8439Test.SUNSCREEN);
        byte[] out = new byte[pt.length + 16];
        XChaCha20Poly1305.seal(Rfc8439Test.KEY_80_9F, nonce, aad, pt, out);
        assertEquals(
                "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
                        + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
                        + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
                        + "21f9664c97637da9768812f615c68b13b52e" + "c0875924c1c7987947deafd8780acf49",
                Hex.of(out));
        byte[] back = new byte[pt.length];
        assertTrue(XChaCha20Poly1305.open(Rfc8439Test.KEY_80_9F, nonce, aad, out, back));
        assertArrayEquals(pt, back);
        out[5] ^= 1;
        byte[] untouched = new byte[pt.length];
        assertFalse(XChaCha20Poly1305.open(Rfc8439Test.KEY_80_9F, nonce, aad, out, untouched));
        assertArrayEquals(new byte[pt.length], untouched);
        assertFalse(
                XChaCha20Poly1305.open(Rfc8439Test.KEY_80_9F, nonce, aad, new byte[10], back), "shorter than a tag");
        assertFalse(XChaCha20Poly1305.open(Rfc8439Test.KEY_80_9F, new byte[12], aad, out, back), "short nonce");
    }
}
