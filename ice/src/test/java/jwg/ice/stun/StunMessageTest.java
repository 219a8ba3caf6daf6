package jwg.ice.stun;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * STUN encoding and strict parsing against the RFC 5769 test vectors. The byte arrays below are
 * copied from RFC 5769 ("Test Vectors for STUN", April 2010), sections 2.1–2.4, as printed there
 * (the 0x20 padding of SOFTWARE and USERNAME included); the keys are the RFC's: short-term password
 * "VOkJxbRl1RmTxUk/WvJxBt", long-term user "マトリックス", realm "example.org", password (after
 * SASLprep) "TheMatrIX".
 */
class StunMessageTest {
    static final byte[] SHORT_TERM = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

    // RFC 5769 §2.1 Sample Request
    static final byte[] REQUEST = hex("""
            00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
            00 24 00 04 6e 00 01 ff 80 29 00 08 93 2f f9 b1 51 26 3b 36
            00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
            00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04 e5 7a 3b cf""");
    // §2.2 Sample IPv4 Response
    static final byte[] RESPONSE_V4 = hex("""
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96""");
    // §2.3 Sample IPv6 Response
    static final byte[] RESPONSE_V6 = hex("""
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c""");
    // §2.4 Sample Request with Long-Term Authentication
    static final byte[] LONG_TERM = hex("""
            00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
            00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
            00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
            00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
            00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66""");
    static final String MATRIX_USER = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";

    @Test
    void sampleRequestVerifiesIntegrityAndFingerprint() {
        StunMessage m = StunMessage.parse(REQUEST, REQUEST.length);
        assertNotNull(m);
        assertEquals(Stun.BINDING, m.method());
        assertEquals(Stun.REQUEST, m.cls());
        assertEquals("STUN test client", m.text(Stun.SOFTWARE));
        assertEquals("evtj:h6vY", m.text(Stun.USERNAME));
        assertTrue(m.integrityValid(SHORT_TERM));
        assertFalse(m.integrityValid("wrong".getBytes(StandardCharsets.UTF_8)));
        assertTrue(m.fingerprintValid());
    }

    @Test
    void sampleResponsesGiveTheMappedAddress() throws Exception {
        StunMessage v4 = StunMessage.parse(RESPONSE_V4, RESPONSE_V4.length);
        assertEquals(Stun.SUCCESS_RESPONSE, v4.cls());
        assertEquals(new InetSocketAddress("192.0.2.1", 32853), v4.address(Stun.XOR_MAPPED_ADDRESS));
        assertTrue(v4.integrityValid(SHORT_TERM));
        assertTrue(v4.fingerprintValid());
        StunMessage v6 = StunMessage.parse(RESPONSE_V6, RESPONSE_V6.length);
        assertEquals(
                new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853),
                v6.address(Stun.XOR_MAPPED_ADDRESS));
        assertTrue(v6.integrityValid(SHORT_TERM));
        assertTrue(v6.fingerprintValid());
    }

    @Test
    void longTermKeyAndByteExactReencoding() {
        StunMessage m = StunMessage.parse(LONG_TERM, LONG_TERM.length);
        assertEquals(MATRIX_USER, m.text(Stun.USERNAME));
        assertEquals("example.org", m.text(Stun.REALM));
        assertEquals("f//499k954d6OL34oL9FSTvy64sA", m.text(Stun.NONCE));
        byte[] key =
                MessageIntegrity.longTermKey(MATRIX_USER, "example.org", "TheMatrIX"); // the password after SASLprep
        assertTrue(m.integrityValid(key));
        assertFalse(m.integrityValid(MessageIntegrity.longTermKey(MATRIX_USER, "example.org", "thematrix")));
        assertFalse(m.fingerprintValid(), "no FINGERPRINT in this vector");
        byte[] again = StunMessage.of(Stun.BINDING, Stun.REQUEST, m.transactionId())
                .add(Stun.USERNAME, MATRIX_USER)
                .add(Stun.NONCE, "f//499k954d6OL34oL9FSTvy64sA")
                .add(Stun.REALM, "example.org")
                .encode(key, false);
        assertArrayEquals(LONG_TERM, again);
    }

    @Test
    void encodedMessagesRoundTripWithIntegrityFingerprintAndTypeBits() {
        byte[] id = new byte[12];
        new Random(7).nextBytes(id);
        byte[] key = MessageIntegrity.longTermKey("u", "r", "p");
        byte[] wire = StunMessage.of(Stun.ALLOCATE, Stun.REQUEST, id)
                .addInt(Stun.REQUESTED_TRANSPORT, 17 << 24)
                .add(Stun.USERNAME, "abcde")
                .encode(key, true);
        assertEquals(0x0003, Stun.uint16(wire, 0));
        assertEquals(0x0113, Stun.messageType(Stun.ALLOCATE, Stun.ERROR_RESPONSE));
        assertEquals(0x0104, Stun.messageType(Stun.REFRESH, Stun.SUCCESS_RESPONSE));
        StunMessage m = StunMessage.parse(wire, wire.length);
        assertTrue(m.hasTransactionId(id));
        assertEquals("abcde", m.text(Stun.USERNAME));
        assertTrue(m.integrityValid(key));
        assertTrue(m.fingerprintValid());
        wire[26] ^= 1; // inside REQUESTED-TRANSPORT
        StunMessage flipped = StunMessage.parse(wire, wire.length);
        assertFalse(flipped.integrityValid(key));
        assertFalse(flipped.fingerprintValid());
    }

    @Test
    void malformedMessagesAreRejectedWithoutExceptions() {
        assertNull(StunMessage.parse(RESPONSE_V4, 19), "shorter than a header");
        assertNull(StunMessage.parse(RESPONSE_V4, RESPONSE_V4.length - 1), "Length beyond the datagram");
        assertNull(StunMessage.parse(mutate(RESPONSE_V4, 0, 0x80), RESPONSE_V4.length), "top bits set");
        assertNull(StunMessage.parse(mutate(RESPONSE_V4, 4, 0x01), RESPONSE_V4.length), "bad magic cookie");
        assertNull(StunMessage.parse(mutate(RESPONSE_V4, 3, 0x02), RESPONSE_V4.length), "Length not a multiple of 4");
        byte[] overrun = RESPONSE_V4.clone();
        overrun[23] = 0x40; // SOFTWARE claims 64 bytes
        assertNull(StunMessage.parse(overrun, overrun.length), "attribute overruns the message");
        assertNull(StunMessage.parse(null, 0));
        byte[] badMi = RESPONSE_V4.clone();
        badMi[20 + 16 + 12 + 3] = 0x10; // MESSAGE-INTEGRITY of 16 bytes
        assertNull(StunMessage.parse(badMi, badMi.length));
        byte[] trailing = java.util.Arrays.copyOf(RESPONSE_V4, RESPONSE_V4.length + 7);
        assertNotNull(StunMessage.parse(trailing, trailing.length), "bytes past Length are ignored");
        // an address attribute with a bad family
        byte[] family = RESPONSE_V4.clone();
        family[20 + 16 + 5] = 0x03;
        assertNull(StunMessage.parse(family, family.length).address(Stun.XOR_MAPPED_ADDRESS));
    }

    @Test
    void randomAndBitFlippedInputNeverThrows() {
        Random r = new Random(42);
        byte[][] seeds = {REQUEST, RESPONSE_V4, RESPONSE_V6, LONG_TERM};
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = seeds[i % 4].clone();
                for (int k = 0; k < 1 + i % 4; k++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            } else {
                b = new byte[r.nextInt(120)];
                r.nextBytes(b);
                if (b.length >= 8) {
                    b[0] = 1;
                    b[1] = 1;
                    b[4] = 0x21;
                    b[5] = 0x12;
                    b[6] = (byte) 0xa4;
                    b[7] = 0x42;
                }
            }
            StunMessage m = StunMessage.parse(b, r.nextInt(b.length + 1));
            if (m != null) {
                m.address(Stun.XOR_MAPPED_ADDRESS);
                m.address(Stun.OTHER_ADDRESS);
                m.errorCode();
                m.integrityValid(SHORT_TERM);
                m.fingerprintValid();
                m.uint32(Stun.LIFETIME);
            }
        }
    }

    @Test
    void errorCodeAndOtherAddressAttributes() throws Exception {
        byte[] id = new byte[12];
        byte[] err = {0, 0, 4, 38, 'S', 't', 'a', 'l', 'e'};
        byte[] other = {0, 1, 0x0d, (byte) 0x97, (byte) 203, 0, 113, 4}; // plain (not XORed) 203.0.113.4:3479
        byte[] wire = StunMessage.of(Stun.ALLOCATE, Stun.ERROR_RESPONSE, id)
                .add(Stun.ERROR_CODE, err)
                .add(Stun.OTHER_ADDRESS, other)
                .add(Stun.RESPONSE_ORIGIN, other)
                .encode(null, false);
        StunMessage m = StunMessage.parse(wire, wire.length);
        assertEquals(new StunMessage.ErrorCode(438, "Stale"), m.errorCode());
        assertEquals(new InetSocketAddress("203.0.113.4", 3479), m.address(Stun.OTHER_ADDRESS));
        assertEquals(new InetSocketAddress("203.0.113.4", 3479), m.address(Stun.RESPONSE_ORIGIN));
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    private static byte[] mutate(byte[] b, int i, int xor) {
        byte[] c = b.clone();
        c[i] ^= (byte) xor;
        return c;
    }
}
