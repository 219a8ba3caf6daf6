package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The demultiplexing facts about STUN and ChannelData, on RFC 5769's sample request and hostile bytes. */
class StunPacketTest {
    // RFC 5769 §2.1 sample request (USERNAME "evtj:h6vY", with MESSAGE-INTEGRITY and FINGERPRINT)
    static final byte[] SAMPLE_REQUEST = HexFormat.of()
            .parseHex("000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74002400046e0001ff"
                    + "80290008932ff9b151263b36000600096576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249"
                    + "c1b571a280280004e57a3bcf");

    @Test
    void classifiesRfc5769SampleRequest() {
        assertTrue(StunPacket.isStun(SAMPLE_REQUEST, SAMPLE_REQUEST.length));
        assertEquals(StunPacket.Kind.REQUEST, StunPacket.kind(SAMPLE_REQUEST, SAMPLE_REQUEST.length));
        assertEquals("evtj:h6vY", StunPacket.username(SAMPLE_REQUEST, SAMPLE_REQUEST.length));
        assertEquals("evtj", StunPacket.localUfrag(SAMPLE_REQUEST, SAMPLE_REQUEST.length));
        assertEquals("b7e7a701bc34d686fa87dfae", StunPacket.transactionId(SAMPLE_REQUEST));
    }

    @Test
    void responsesIndicationsAndChannelData() {
        byte[] resp = SAMPLE_REQUEST.clone();
        resp[0] = 0x01; // 0x0101 Binding success response
        assertEquals(StunPacket.Kind.RESPONSE, StunPacket.kind(resp, resp.length));
        byte[] err = SAMPLE_REQUEST.clone();
        err[0] = 0x01;
        err[1] = 0x11; // 0x0111 error response
        assertEquals(StunPacket.Kind.RESPONSE, StunPacket.kind(err, err.length));
        byte[] ind = SAMPLE_REQUEST.clone();
        ind[1] = 0x17; // 0x0017 Data indication
        assertEquals(StunPacket.Kind.INDICATION, StunPacket.kind(ind, ind.length));
        byte[] cd = {0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4};
        assertEquals(StunPacket.Kind.CHANNEL_DATA, StunPacket.kind(cd, cd.length));
    }

    @Test
    void classifyingAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] cd = {0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4};
        int sum = 0;
        for (int i = 0; i < 20_000; i++)
            sum += StunPacket.kind(SAMPLE_REQUEST, SAMPLE_REQUEST.length).ordinal()
                    + StunPacket.kind(cd, cd.length).ordinal();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++)
            sum += StunPacket.kind(SAMPLE_REQUEST, SAMPLE_REQUEST.length).ordinal()
                    + StunPacket.kind(cd, cd.length).ordinal();
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(
                100_000 * (StunPacket.Kind.REQUEST.ordinal() + StunPacket.Kind.CHANNEL_DATA.ordinal())
                        + 20_000 * (StunPacket.Kind.REQUEST.ordinal() + StunPacket.Kind.CHANNEL_DATA.ordinal()),
                sum);
        assertTrue(allocated < 4096, "200,000 classifications allocated " + allocated + " bytes");
    }

    @Test
    void aLengthThatIsNotAMultipleOfFourIsNotStun() {
        byte[] b = java.util.Arrays.copyOf(SAMPLE_REQUEST, SAMPLE_REQUEST.length + 3);
        b[3] = 0x59; // 0x58 + 1
        assertFalse(StunPacket.isStun(b, b.length));
        assertEquals(StunPacket.Kind.OTHER, StunPacket.kind(b, b.length));
    }

    @Test
    void hostileBytesAreOtherAndNeverThrow() {
        byte[] truncated = java.util.Arrays.copyOf(SAMPLE_REQUEST, 30); // header claims 0x58 bytes
        assertEquals(StunPacket.Kind.OTHER, StunPacket.kind(truncated, truncated.length));
        byte[] noCookie = SAMPLE_REQUEST.clone();
        noCookie[4] = 0;
        assertEquals(StunPacket.Kind.OTHER, StunPacket.kind(noCookie, noCookie.length));
        byte[] cdShort = {0x40, 0x00, 0x00, 0x10, 1};
        assertEquals(StunPacket.Kind.OTHER, StunPacket.kind(cdShort, cdShort.length));
        // an attribute whose length runs past the message: no USERNAME, no exception
        byte[] badAttr = SAMPLE_REQUEST.clone();
        badAttr[22] = 0x7f;
        assertNull(StunPacket.username(badAttr, badAttr.length));
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length > 8 && r.nextBoolean()) {
                b[4] = 0x21;
                b[5] = 0x12;
                b[6] = (byte) 0xa4;
                b[7] = 0x42;
                b[0] &= 0x3f;
            }
            StunPacket.kind(b, b.length);
            if (b.length >= 20) StunPacket.localUfrag(b, b.length);
        }
    }
}
