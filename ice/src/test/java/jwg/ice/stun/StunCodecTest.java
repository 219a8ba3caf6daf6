package jwg.ice.stun;

import static jwg.ice.stun.StunMessageTest.LONG_TERM;
import static jwg.ice.stun.StunMessageTest.REQUEST;
import static jwg.ice.stun.StunMessageTest.RESPONSE_V4;
import static jwg.ice.stun.StunMessageTest.RESPONSE_V6;
import static jwg.ice.stun.StunMessageTest.SHORT_TERM;
import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The in-place codec on RFC 5769's test vectors (the bytes are in {@link StunMessageTest}, copied
 * from RFC 5769 §2.1–2.4): the header, the attribute walk and its rules, XOR-MAPPED-ADDRESS,
 * MESSAGE-INTEGRITY and FINGERPRINT recomputed over the datagram as received, and ChannelData.
 */
class StunCodecTest {
    @Test
    void headerOfEachVector() {
        for (byte[] v : new byte[][] {REQUEST, RESPONSE_V4, RESPONSE_V6, LONG_TERM}) {
            assertTrue(Stun.isMessage(v, v.length));
            assertEquals(v.length, Stun.end(v));
            assertTrue(StunAttributes.wellFormed(v, v.length));
        }
        assertEquals(Stun.REQUEST, Stun.messageClass(Stun.type(REQUEST)));
        assertEquals(Stun.BINDING, Stun.method(Stun.type(REQUEST)));
        assertEquals(Stun.SUCCESS_RESPONSE, Stun.messageClass(Stun.type(RESPONSE_V4)));
        assertEquals(Stun.INDICATION, Stun.messageClass(0x0017)); // Data indication (RFC 5766)
        assertEquals(Stun.ERROR_RESPONSE, Stun.messageClass(Stun.messageType(Stun.ALLOCATE, Stun.ERROR_RESPONSE)));
        assertEquals(Stun.ALLOCATE, Stun.method(0x0113));
        byte[] id = Arrays.copyOfRange(REQUEST, 8, 20);
        assertTrue(Stun.hasTransactionId(REQUEST, id));
        id[11] ^= 1;
        assertFalse(Stun.hasTransactionId(REQUEST, id));
        assertFalse(Stun.hasTransactionId(REQUEST, new byte[11]));
    }

    @Test
    void sampleRequestWalkedInPlace() {
        int software = StunAttributes.find(REQUEST, REQUEST.length, Stun.SOFTWARE);
        assertEquals(20, software);
        assertEquals(16, StunAttributes.valueLength(REQUEST, software));
        int user = StunAttributes.find(REQUEST, REQUEST.length, Stun.USERNAME);
        assertEquals(9, StunAttributes.valueLength(REQUEST, user), "the length excludes the padding");
        assertEquals(
                "evtj:h6vY",
                new String(REQUEST, StunAttributes.valueOffset(user), 9, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(StunAttributes.ABSENT, StunAttributes.find(REQUEST, REQUEST.length, Stun.REALM));
        int mi = StunAttributes.find(REQUEST, REQUEST.length, Stun.MESSAGE_INTEGRITY);
        int fp = StunAttributes.find(REQUEST, REQUEST.length, Stun.FINGERPRINT);
        assertEquals(REQUEST.length - 32, mi);
        assertEquals(REQUEST.length - 8, fp);
        assertTrue(MessageIntegrity.valid(REQUEST, mi, MessageIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt")));
        assertFalse(MessageIntegrity.valid(REQUEST, mi, MessageIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBT")));
        assertTrue(Fingerprint.valid(REQUEST, fp));
        assertEquals(0xe57a3bcf, Fingerprint.compute(REQUEST, fp), "RFC 5769 §2.1's FINGERPRINT");
    }

    @Test
    void integrityIsRecomputedOverTheDatagramAsReceived() {
        for (byte[] v : new byte[][] {REQUEST, RESPONSE_V4, RESPONSE_V6}) {
            int mi = StunAttributes.find(v, v.length, Stun.MESSAGE_INTEGRITY);
            byte[] mac = new byte[MessageIntegrity.LENGTH];
            MessageIntegrity.compute(SHORT_TERM, v, mi, mac, 0);
            assertArrayEquals(Arrays.copyOfRange(v, mi + 4, mi + 24), mac, "the vector's HMAC, byte for byte");
            byte[] copy = v.clone();
            assertTrue(MessageIntegrity.valid(copy, mi, SHORT_TERM));
            assertArrayEquals(v, copy, "the header's length is patched on the fly, not in the datagram");
            copy[mi + 4 + 19] ^= 1; // last byte of the HMAC
            assertFalse(MessageIntegrity.valid(copy, mi, SHORT_TERM));
            copy = v.clone();
            copy[21] ^= 1; // a covered byte
            assertFalse(MessageIntegrity.valid(copy, mi, SHORT_TERM));
            assertFalse(Fingerprint.valid(copy, StunAttributes.find(copy, copy.length, Stun.FINGERPRINT)));
        }
        int mi = StunAttributes.find(LONG_TERM, LONG_TERM.length, Stun.MESSAGE_INTEGRITY);
        String user = StunMessageTest.MATRIX_USER;
        assertTrue(
                MessageIntegrity.valid(LONG_TERM, mi, MessageIntegrity.longTermKey(user, "example.org", "TheMatrIX")));
        assertEquals(StunAttributes.ABSENT, StunAttributes.find(LONG_TERM, LONG_TERM.length, Stun.FINGERPRINT));
    }

    @Test
    void xorMappedAddressBothFamilies() {
        int p4 = StunAttributes.find(RESPONSE_V4, RESPONSE_V4.length, Stun.XOR_MAPPED_ADDRESS);
        assertEquals(new InetSocketAddress("192.0.2.1", 32853), StunAddress.decode(RESPONSE_V4, p4));
        int p6 = StunAttributes.find(RESPONSE_V6, RESPONSE_V6.length, Stun.XOR_MAPPED_ADDRESS);
        assertEquals(
                new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853),
                StunAddress.decode(RESPONSE_V6, p6));
        byte[] tid = Arrays.copyOfRange(RESPONSE_V6, 8, 20);
        assertArrayEquals(
                Arrays.copyOfRange(RESPONSE_V4, p4 + 4, p4 + 12),
                StunAddress.encode(new InetSocketAddress("192.0.2.1", 32853), tid),
                "encoding gives the vector's bytes");
        assertArrayEquals(
                Arrays.copyOfRange(RESPONSE_V6, p6 + 4, p6 + 24),
                StunAddress.encode(new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853), tid));
        byte[] plain = StunAddress.encode(new InetSocketAddress("203.0.113.4", 3479), null);
        assertArrayEquals(new byte[] {0, 1, 0x0d, (byte) 0x97, (byte) 203, 0, 113, 4}, plain);
    }

    @Test
    void theWalkEnforcesLengthsAndPadding() {
        byte[] v = RESPONSE_V4;
        int len = v.length;
        assertFalse(Stun.isMessage(v, len - 4), "the header's length runs past the datagram");
        assertFalse(Stun.isMessage(v, len + 1), "len beyond the array");
        byte[] odd = v.clone();
        odd[3] = (byte) (odd[3] - 1); // length 0x3b: not a multiple of 4
        assertFalse(Stun.isMessage(odd, len));
        byte[] overrun = v.clone();
        overrun[23] = 0x0d; // SOFTWARE claims 13 bytes: padded to 16, the walk lands inside XOR-MAPPED-ADDRESS
        assertFalse(StunAttributes.wellFormed(overrun, len));
        overrun[23] = 0x7f; // and now past the message's end
        assertEquals(StunAttributes.MALFORMED, StunAttributes.find(overrun, len, Stun.XOR_MAPPED_ADDRESS));
        assertFalse(StunAttributes.wellFormed(overrun, len));
        // FINGERPRINT must be last: move the header's length on by 4 and add 4 zero bytes after it
        byte[] afterFp = Arrays.copyOf(v, len + 4);
        afterFp[3] += 4;
        assertFalse(StunAttributes.wellFormed(afterFp, afterFp.length));
        assertEquals(StunAttributes.MALFORMED, StunAttributes.find(afterFp, afterFp.length, Stun.FINGERPRINT));
        // MESSAGE-INTEGRITY of 16 bytes
        byte[] shortMi = v.clone();
        shortMi[StunAttributes.find(v, len, Stun.MESSAGE_INTEGRITY) + 3] = 16;
        assertFalse(StunAttributes.wellFormed(shortMi, len));
        // a truncated attribute header at the end
        byte[] truncated = Arrays.copyOf(v, 24);
        truncated[2] = 0;
        truncated[3] = 4;
        truncated[22] = 0;
        truncated[23] = 8; // a 4-byte attribute area holding a header that claims 8 bytes
        assertFalse(StunAttributes.wellFormed(truncated, 24));
        assertEquals(StunAttributes.MALFORMED, StunAttributes.find(truncated, 24, Stun.USERNAME));
        assertEquals(StunAttributes.MALFORMED, StunAttributes.find(new byte[3], 3, Stun.USERNAME));
    }

    @Test
    void attributesAfterIntegrityAreNotUsed() {
        byte[] id = new byte[12];
        byte[] key = MessageIntegrity.shortTermKey("k");
        byte[] signed = StunMessage.of(Stun.BINDING, Stun.REQUEST, id)
                .add(Stun.SOFTWARE, "x")
                .encode(key, false);
        // append USERNAME after MESSAGE-INTEGRITY
        byte[] b = Arrays.copyOf(signed, signed.length + 8);
        b[signed.length + 1] = Stun.USERNAME;
        b[signed.length + 3] = 3;
        b[3] += 8;
        assertTrue(StunAttributes.wellFormed(b, b.length));
        assertEquals(StunAttributes.ABSENT, StunAttributes.find(b, b.length, Stun.USERNAME));
        assertNull(StunMessage.parse(b, b.length).text(Stun.USERNAME));
    }

    @Test
    void channelDataFraming() {
        byte[] data = {1, 2, 3, 4, 5};
        byte[] f = ChannelData.frame(0x4001, data, 0, data.length);
        assertEquals(12, f.length, "4-byte header, 5 bytes, padded to 8");
        assertTrue(ChannelData.isChannelData(f, f.length));
        assertTrue(ChannelData.isChannelData(f, 9), "the padding may be left off over UDP");
        assertFalse(ChannelData.isChannelData(f, 8), "data cut short");
        assertEquals(0x4001, ChannelData.channel(f));
        assertEquals(5, ChannelData.dataLength(f));
        assertArrayEquals(data, Arrays.copyOfRange(f, ChannelData.HEADER, ChannelData.HEADER + 5));
        assertFalse(Stun.isMessage(f, f.length), "ChannelData is never STUN");
        assertFalse(ChannelData.isChannelData(REQUEST, REQUEST.length), "STUN is never ChannelData");
        assertThrows(IllegalArgumentException.class, () -> ChannelData.frame(0x3FFF, data, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ChannelData.frame(0x8000, data, 0, 1));
    }
}
