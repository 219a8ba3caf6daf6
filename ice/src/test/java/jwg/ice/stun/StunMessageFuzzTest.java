package jwg.ice.stun;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzz target (docs/fuzzing.md): the STUN codec reads, for the doctor, whatever a STUN/TURN server (or
 * anyone spoofing one) sends back. {@link StunMessage#parse} returns null for anything malformed and
 * never throws; neither do the accessors on what it accepts. Round trip: a parsed message, rebuilt
 * from its type, transaction ID and attributes and encoded (with MESSAGE-INTEGRITY and FINGERPRINT
 * if it had them), parses back to the same attributes, with valid integrity and fingerprint.
 */
class StunMessageFuzzTest {
    private static final byte[] KEY = MessageIntegrity.longTermKey("user", "realm", "pass");
    private static final int[] ADDRESSES = {
        Stun.MAPPED_ADDRESS, Stun.XOR_MAPPED_ADDRESS, Stun.XOR_RELAYED_ADDRESS, Stun.RESPONSE_ORIGIN, Stun.OTHER_ADDRESS
    };

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] data) {
        StunMessage m = StunMessage.parse(data, data.length);
        if (m == null) return;
        for (int a : ADDRESSES) m.address(a);
        m.errorCode();
        m.uint32(Stun.LIFETIME);
        m.text(Stun.SOFTWARE);
        boolean integrity = m.has(Stun.MESSAGE_INTEGRITY), fingerprint = m.has(Stun.FINGERPRINT);
        m.integrityValid(KEY);
        m.fingerprintValid();

        StunMessage copy = StunMessage.of(m.method(), m.cls(), m.transactionId());
        assertEquals(m.type(), copy.type(), "method and class give back the type");
        for (StunMessage.Attribute a : plain(m.attributes())) copy.add(a.type(), a.value());
        byte[] wire = copy.encode(integrity ? KEY : null, fingerprint);
        StunMessage back = StunMessage.parse(wire, wire.length);
        assertNotNull(back, "an encoded message parses");
        assertEquals(m.type(), back.type());
        assertArrayEquals(m.transactionId(), back.transactionId());
        List<StunMessage.Attribute> want = plain(m.attributes()), got = plain(back.attributes());
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).type(), got.get(i).type());
            assertArrayEquals(want.get(i).value(), got.get(i).value());
        }
        assertEquals(integrity, back.integrityValid(KEY));
        assertEquals(fingerprint, back.fingerprintValid());
    }

    private static List<StunMessage.Attribute> plain(List<StunMessage.Attribute> attrs) {
        return attrs.stream()
                .filter(a -> a.type() != Stun.MESSAGE_INTEGRITY && a.type() != Stun.FINGERPRINT)
                .toList();
    }
}
