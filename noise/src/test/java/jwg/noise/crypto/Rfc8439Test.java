package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RFC 8439 test vectors: ChaCha20 block (2.3.2, A.1), encryption (2.4.2, A.2), Poly1305 (2.5.2, A.3), key generation (2.6.2, A.4), AEAD (2.8.2, A.5). */
class Rfc8439Test {
    static final byte[] KEY_00_1F = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final byte[] KEY_80_9F = Hex.bytes("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    static final byte[] KEY_1C92 = Hex.bytes("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
    static final byte[] ZERO_KEY = new byte[32];
    static final String SUNSCREEN =
            "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    static final String IETF =
            "Any submission to the IETF intended by the Contributor for publication as all or part of an IETF "
                    + "Internet-Draft or RFC and any statement made within the context of an IETF activity is considered an \"IETF "
                    + "Contribution\". Such statements include oral statements in IETF sessions, as well as written and electronic "
                    + "communications made at any time or place, which are addressed to";
    static final String JABBERWOCKY =
            "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.";

    /** One keystream block from the plain-Java core. */
    private static byte[] block(byte[] key, int counter, byte[] nonce) {
        int[] s = new int[16];
        s[0] = ChaCha20Core.C0;
        s[1] = ChaCha20Core.C1;
        s[2] = ChaCha20Core.C2;
        s[3] = ChaCha20Core.C3;
        for (int i = 0; i < 8; i++) s[4 + i] = Hex.word(key, i);
        s[12] = counter;
        for (int i = 0; i < 3; i++) s[13 + i] = Hex.word(nonce, i);
        byte[] out = new byte[64];
        assertEquals(64, ChaCha20Core.blocks(s, out, 1));
        return out;
    }

    /** ChaCha20 encryption through the keystream class the AEAD uses (intrinsic or Java). */
    private static byte[] encrypt(byte[] key, int counter, byte[] nonce, byte[] pt) {
        ChaCha20 c = new ChaCha20();
        c.init(key, counter, Hex.word(nonce, 0), Hex.word(nonce, 1), Hex.word(nonce, 2));
        byte[] out = new byte[pt.length];
        c.xor(MemorySegment.ofArray(pt), 0, MemorySegment.ofArray(out), 0, pt.length);
        c.wipe();
        return out;
    }

    private static byte[] poly(byte[] key, byte[] msg) {
        Poly1305 p = new Poly1305();
        p.init(key, 0);
        p.update(msg, 0, msg.length);
        byte[] tag = new byte[16];
        p.finish(tag, 0);
        return tag;
    }

    @Test
    void blockFunction_2_3_2() {
        assertEquals(
                "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                        + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
                Hex.of(block(KEY_00_1F, 1, Hex.bytes("000000090000004a00000000"))));
    }

    @Test
    void blockFunction_A1() {
        byte[] n0 = new byte[12];
        assertEquals(
                "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
                Hex.of(block(ZERO_KEY, 0, n0)));
        assertEquals(
                "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
                Hex.of(block(ZERO_KEY, 1, n0)));
        byte[] k3 = new byte[32];
        k3[31] = 1;
        assertEquals(
                "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0",
                Hex.of(block(k3, 1, n0)));
        byte[] k4 = new byte[32];
        k4[1] = (byte) 0xff;
        assertEquals(
                "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096",
                Hex.of(block(k4, 2, n0)));
        assertEquals(
                "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c78a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d",
                Hex.of(block(ZERO_KEY, 0, Hex.bytes("000000000000000000000002"))));
    }

    @Test
    void encryption_2_4_2() {
        String ct = "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b357"
                + "1639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d";
        assertEquals(ct, Hex.of(encrypt(KEY_00_1F, 1, Hex.bytes("000000000000004a00000000"), Hex.ascii(SUNSCREEN))));
    }

    @Test
    void encryption_A2() {
        assertEquals(
                Hex.of(block(ZERO_KEY, 0, new byte[12])), Hex.of(encrypt(ZERO_KEY, 0, new byte[12], new byte[64])));
        String ct3 = "62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf166d3df2d721caf9b21e5fb14c616871"
                + "fd84c54f9d65b283196c7fe4f60553ebf39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f77"
                + "04c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1";
        assertEquals(ct3, Hex.of(encrypt(KEY_1C92, 42, Hex.bytes("000000000000000000000002"), Hex.ascii(JABBERWOCKY))));
    }

    @Test
    void encryptionIsChunkIndependent() {
        // The keystream arrives in chunks (64 bytes from Java, 256 from AVX2); split points must not matter.
        byte[] pt = new byte[1000];
        new SplittableRandom(7).nextBytes(pt);
        byte[] whole = encrypt(KEY_1C92, 5, new byte[12], pt);
        ChaCha20 c = new ChaCha20();
        c.init(KEY_1C92, 5, 0, 0, 0);
        byte[] parts = new byte[pt.length];
        int off = 0;
        for (int step : new int[] {1, 15, 48, 63, 64, 65, 200, 300}) {
            c.xor(MemorySegment.ofArray(pt), off, MemorySegment.ofArray(parts), off, step);
            off += step;
        }
        c.xor(MemorySegment.ofArray(pt), off, MemorySegment.ofArray(parts), off, pt.length - off);
        assertArrayEquals(whole, parts);
        byte[] expectFirst = block(KEY_1C92, 5, new byte[12]);
        for (int i = 0; i < 64; i++) assertEquals((byte) (expectFirst[i] ^ pt[i]), whole[i]);
    }

    @Test
    void poly1305_2_5_2() {
        byte[] key = Hex.bytes("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        assertEquals(
                "a8061dc1305136c6c22b8baf0c0127a9", Hex.of(poly(key, Hex.ascii("Cryptographic Forum Research Group"))));
    }

    @Test
    void poly1305_A3() {
        assertEquals("00000000000000000000000000000000", Hex.of(poly(new byte[32], new byte[64])));
        assertEquals(
                "36e5f6b5c5e06070f0efca96227a863e",
                Hex.of(poly(
                        Hex.bytes("0000000000000000000000000000000036e5f6b5c5e06070f0efca96227a863e"),
                        Hex.ascii(IETF))));
        assertEquals(
                "f3477e7cd95417af89a6b8794c310cf0",
                Hex.of(poly(
                        Hex.bytes("36e5f6b5c5e06070f0efca96227a863e00000000000000000000000000000000"),
                        Hex.ascii(IETF))));
        assertEquals("4541669a7eaaee61e708dc7cbcc5eb62", Hex.of(poly(KEY_1C92, Hex.ascii(JABBERWOCKY))));
        String r2 = "02000000000000000000000000000000",
                r1 = "01000000000000000000000000000000",
                s0 = "00000000000000000000000000000000";
        String ff = "ffffffffffffffffffffffffffffffff";
        // #5: partially reduced result not fully reduced
        assertEquals("03000000000000000000000000000000", Hex.of(poly(Hex.bytes(r2 + s0), Hex.bytes(ff))));
        // #6: h + s overflows 2^128
        assertEquals("03000000000000000000000000000000", Hex.of(poly(Hex.bytes(r2 + ff), Hex.bytes(r2))));
        // #7: data limb all ones with carry from the lower limb
        assertEquals(
                "05000000000000000000000000000000",
                Hex.of(poly(
                        Hex.bytes(r1 + s0),
                        Hex.bytes(ff + "f0ffffffffffffffffffffffffffffff" + "11000000000000000000000000000000"))));
        // #8: result exactly 2^130 - 5
        assertEquals(
                "00000000000000000000000000000000",
                Hex.of(poly(
                        Hex.bytes(r1 + s0),
                        Hex.bytes(ff + "fbfefefefefefefefefefefefefefefe" + "01010101010101010101010101010101"))));
        // #9: result exactly 2^130 - 6
        assertEquals(
                "faffffffffffffffffffffffffffffff",
                Hex.of(poly(Hex.bytes(r2 + s0), Hex.bytes("fdffffffffffffffffffffffffffffff"))));
        String r10 = "01000000000000000400000000000000";
        String d10 = "e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000";
        // #10: 5*H+L reduction with a 131-bit intermediate
        assertEquals(
                "14000000000000005500000000000000",
                Hex.of(poly(Hex.bytes(r10 + s0), Hex.bytes(d10 + "01000000000000000000000000000000"))));
        // #11: 131-bit final result
        assertEquals("13000000000000000000000000000000", Hex.of(poly(Hex.bytes(r10 + s0), Hex.bytes(d10))));
    }

    @Test
    void poly1305StreamingMatchesOneShot() {
        byte[] msg = new byte[333];
        new SplittableRandom(3).nextBytes(msg);
        byte[] want = poly(KEY_1C92, msg);
        Poly1305 p = new Poly1305();
        p.init(KEY_1C92, 0);
        int[] steps = {1, 2, 13, 16, 17, 31, 100};
        int off = 0;
        for (int s : steps) {
            p.update(msg, off, s);
            off += s;
        }
        p.update(msg, off, msg.length - off);
        byte[] tag = new byte[16];
        p.finish(tag, 0);
        assertArrayEquals(want, tag);
    }

    @Test
    void keyGeneration_2_6_2_and_A4() {
        assertEquals(
                "8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646",
                Hex.of(Arrays.copyOf(block(KEY_80_9F, 0, Hex.bytes("000000000001020304050607")), 32)));
        assertEquals(
                "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7",
                Hex.of(Arrays.copyOf(block(ZERO_KEY, 0, new byte[12]), 32)));
        byte[] k2 = new byte[32];
        k2[31] = 1;
        assertEquals(
                "ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739",
                Hex.of(Arrays.copyOf(block(k2, 0, Hex.bytes("000000000000000000000002")), 32)));
        assertEquals(
                "965e3bc6f9ec7ed9560808f4d229f94b137ff275ca9b3fcbdd59deaad23310ae",
                Hex.of(Arrays.copyOf(block(KEY_1C92, 0, Hex.bytes("000000000000000000000002")), 32)));
    }

    @Test
    void aead_2_8_2() {
        byte[] nonce = Hex.bytes("070000004041424344454647");
        byte[] aad = Hex.bytes("50515253c0c1c2c3c4c5c6c7");
        byte[] pt = Hex.ascii(SUNSCREEN);
        byte[] out = new byte[pt.length + 16];
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        assertEquals(
                pt.length + 16,
                aead.seal(
                        KEY_80_9F,
                        Hex.word(nonce, 0),
                        Hex.word(nonce, 1),
                        Hex.word(nonce, 2),
                        aad,
                        MemorySegment.ofArray(pt),
                        0,
                        pt.length,
                        MemorySegment.ofArray(out),
                        0));
        assertEquals(
                "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
                        + "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                        + "3ff4def08e4b7a9de576d26586cec64b6116" + "1ae10b594f09e26a7e902ecbd0600691",
                Hex.of(out));
        byte[] back = new byte[pt.length];
        assertTrue(aead.open(
                KEY_80_9F,
                Hex.word(nonce, 0),
                Hex.word(nonce, 1),
                Hex.word(nonce, 2),
                aad,
                MemorySegment.ofArray(out),
                0,
                out.length,
                MemorySegment.ofArray(back),
                0));
        assertArrayEquals(pt, back);
    }

    @Test
    void aeadDecryption_A5() {
        byte[] ct = Hex.bytes(
                "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0"
                        + "bdb7b73c321b0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
                        + "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b5216cde7a4e9"
                        + "9040c5a40433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
                        + "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a1049e617d91d361094fa68f0ff77987130"
                        + "305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b" + "eead9d67890cbb22392336fea1851f38");
        byte[] nonce = Hex.bytes("000000000102030405060708");
        byte[] aad = Hex.bytes("f33388860000000000004e91");
        byte[] pt = new byte[ct.length - 16];
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        assertTrue(aead.open(
                KEY_1C92,
                Hex.word(nonce, 0),
                Hex.word(nonce, 1),
                Hex.word(nonce, 2),
                aad,
                MemorySegment.ofArray(ct),
                0,
                ct.length,
                MemorySegment.ofArray(pt),
                0));
        assertEquals(
                "Internet-Drafts are draft documents valid for a maximum of six months and may be updated, replaced, "
                        + "or obsoleted by other documents at any time. It is inappropriate to use Internet-Drafts as reference "
                        + "material or to cite them other than as /\u201cwork in progress./\u201d",
                new String(pt, java.nio.charset.StandardCharsets.UTF_8));
        // WireGuard's nonce form (0^32 || LE64 counter) reaches the same code: counter 0x0807060504030201.
        byte[] pt2 = new byte[ct.length - 16];
        assertTrue(aead.open(KEY_1C92, 0x0807060504030201L, aad, ct, 0, ct.length, pt2, 0));
        assertArrayEquals(pt, pt2);
    }

    @Test
    void jdkBlockFunctionMatchesJavaCore() {
        // Runs the JDK's block function hot enough for C2 to compile it (with its intrinsic where the
        // CPU has one). Reachable on any CPU once com.sun.crypto.provider is opened, as surefire does
        // (jwg.jvmFlags); ChaCha20VecTest's child JVMs cover the AEAD without it.
        assertTrue(JdkChaCha20Block.AVAILABLE, "JDK ChaCha20 unreachable: run with the build's argLine (jwg.jvmFlags)");
        assertTrue(ChaCha20Poly1305.usesJdkIntrinsic());
        SplittableRandom rnd = new SplittableRandom(11);
        int[] state = new int[16];
        byte[] got = new byte[JdkChaCha20Block.OUT_LENGTH], want = new byte[JdkChaCha20Block.OUT_LENGTH];
        for (int it = 0; it < 50_000; it++) {
            for (int i = 0; i < 16; i++) state[i] = rnd.nextInt();
            state[0] = ChaCha20Core.C0;
            state[1] = ChaCha20Core.C1;
            state[2] = ChaCha20Core.C2;
            state[3] = ChaCha20Core.C3;
            int n = JdkChaCha20Block.blocks(state, got);
            assertEquals(n, ChaCha20Core.blocks(state, want, n / 64));
            if (!Arrays.equals(got, 0, n, want, 0, n)) fail("intrinsic differs at iteration " + it);
        }
    }
}
