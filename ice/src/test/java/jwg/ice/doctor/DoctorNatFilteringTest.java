package jwg.ice.doctor;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import jwg.ice.doctor.NatDiscovery.Filtering;
import jwg.ice.doctor.StunClient.Reply;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;
import org.junit.jupiter.api.Test;

/** RFC 5780 §4.4's decision from the answers to tests II and III, including servers that ignore CHANGE-REQUEST. */
class DoctorNatFilteringTest {
    static final InetSocketAddress PRIMARY = new InetSocketAddress("203.0.113.1", 3478);
    static final InetSocketAddress ALT_BOTH = new InetSocketAddress("203.0.113.4", 3479);
    static final InetSocketAddress ALT_PORT = new InetSocketAddress("203.0.113.1", 3479);
    static final Reply NONE = new Reply.NoAnswer("timeout");

    static Reply answerFrom(InetSocketAddress from) {
        byte[] id = new byte[12];
        byte[] wire = StunMessage.of(Stun.BINDING, Stun.SUCCESS_RESPONSE, id)
                .add(
                        Stun.XOR_MAPPED_ADDRESS,
                        DoctorStunClientTest.xorAddress(new InetSocketAddress("203.0.113.2", 4000), id))
                .encode(null, false);
        return new Reply.Answer(StunMessage.parse(wire, wire.length), from, 1000);
    }

    @Test
    void decisions() {
        assertEquals(
                Filtering.ENDPOINT_INDEPENDENT,
                NatDiscovery.filtering(answerFrom(ALT_BOTH), answerFrom(ALT_PORT), PRIMARY));
        assertEquals(Filtering.ENDPOINT_INDEPENDENT, NatDiscovery.filtering(answerFrom(ALT_BOTH), NONE, PRIMARY));
        assertEquals(Filtering.ADDRESS_DEPENDENT, NatDiscovery.filtering(NONE, answerFrom(ALT_PORT), PRIMARY));
        assertEquals(Filtering.ADDRESS_AND_PORT_DEPENDENT, NatDiscovery.filtering(NONE, NONE, PRIMARY));
    }

    @Test
    void aServerIgnoringChangeRequestDoesNotFakeOpenFiltering() {
        assertEquals(
                Filtering.UNKNOWN,
                NatDiscovery.filtering(answerFrom(PRIMARY), NONE, PRIMARY),
                "test II answered from the primary");
        assertEquals(
                Filtering.UNKNOWN,
                NatDiscovery.filtering(answerFrom(ALT_PORT), NONE, PRIMARY),
                "test II: only the port changed");
        assertEquals(
                Filtering.UNKNOWN,
                NatDiscovery.filtering(NONE, answerFrom(PRIMARY), PRIMARY),
                "test III answered from the primary");
        assertEquals(
                Filtering.UNKNOWN,
                NatDiscovery.filtering(NONE, answerFrom(ALT_BOTH), PRIMARY),
                "test III: the IP changed too");
    }

    @Test
    void anErrorResponseIsNoAnswer() {
        byte[] id = new byte[12];
        byte[] wire = StunMessage.of(Stun.BINDING, Stun.ERROR_RESPONSE, id)
                .add(Stun.ERROR_CODE, new byte[] {0, 0, 4, 20})
                .encode(null, false);
        Reply error = new Reply.Answer(StunMessage.parse(wire, wire.length), ALT_BOTH, 1000);
        assertEquals(Filtering.ADDRESS_AND_PORT_DEPENDENT, NatDiscovery.filtering(error, NONE, PRIMARY));
        assertEquals("error 420 ", NatDiscovery.why(error));
    }
}
