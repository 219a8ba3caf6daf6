package jwg.ice.doctor;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jwg.ice.stun.MessageIntegrity;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;
import org.junit.jupiter.api.Test;

/**
 * Server behaviours coturn does not show on demand, scripted on loopback: a TURN server that
 * answers the first authenticated Allocate with 438 Stale Nonce, and a STUN server without
 * RFC 5780 support (no OTHER-ADDRESS).
 */
class DoctorScriptedServerTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final String REALM = "scripted", USER = "u", PASSWORD = "p";

    @Test
    void staleNonceIsRetriedOnceWithTheNewNonce() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            Thread t = Thread.ofVirtual().start(() -> turnServer(server, seen));
            TurnCheck.Outcome o =
                    TurnCheck.check(LO, 0, (InetSocketAddress) server.getLocalSocketAddress(), USER, PASSWORD);
            server.close();
            t.join(2000);
            TurnCheck.Outcome.Allocated a = assertInstanceOf(TurnCheck.Outcome.Allocated.class, o, o + " " + seen);
            assertEquals(new InetSocketAddress("192.0.2.7", 50000), a.relayed());
            assertEquals(300, a.lifetimeSeconds());
            assertTrue(a.released());
            assertEquals(
                    List.of(
                            "allocate no-auth",
                            "allocate nonce=n1",
                            "allocate nonce=n2",
                            "refresh nonce=n2 lifetime=0"),
                    seen);
        }
    }

    @Test
    void withoutOtherAddressTheClassificationIsNotPossibleButTheMappedAddressIsReported() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            Thread t = Thread.ofVirtual().start(() -> {
                DoctorStunClientTest.answer(server, false);
                DoctorStunClientTest.answer(server, false);
            });
            InetSocketAddress addr = (InetSocketAddress) server.getLocalSocketAddress();
            NatDiscovery.Result r = NatDiscovery.discover(LO, 0, addr);
            t.join(4000);
            assertNotNull(r.mapped());
            assertEquals(r.local(), r.mapped());
            assertEquals(NatDiscovery.Filtering.UNKNOWN, r.filtering());
            assertTrue(r.note().contains("no OTHER-ADDRESS") && r.note().contains("not possible"), r.note());
        }
    }

    private static void turnServer(DatagramSocket s, List<String> seen) {
        byte[] key = MessageIntegrity.longTermKey(USER, REALM, PASSWORD);
        byte[] buf = new byte[1500];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                StunMessage m = StunMessage.parse(buf, p.getLength());
                String nonce = m.text(Stun.NONCE);
                String what = (m.method() == Stun.ALLOCATE ? "allocate" : "refresh")
                        + (nonce == null ? " no-auth" : " nonce=" + nonce)
                        + (m.method() == Stun.REFRESH ? " lifetime=" + m.uint32(Stun.LIFETIME) : "");
                seen.add(what);
                StunMessage reply;
                if (nonce == null)
                    reply = error(m, 401, "Unauthorized").add(Stun.REALM, REALM).add(Stun.NONCE, "n1");
                else if (!m.integrityValid(key) || !USER.equals(m.text(Stun.USERNAME)))
                    reply = error(m, 401, "Unauthorized");
                else if (nonce.equals("n1"))
                    reply = error(m, 438, "Stale Nonce").add(Stun.NONCE, "n2");
                else if (m.method() == Stun.ALLOCATE)
                    reply = StunMessage.of(m.method(), Stun.SUCCESS_RESPONSE, m.transactionId())
                            .add(
                                    Stun.XOR_RELAYED_ADDRESS,
                                    xor(new InetSocketAddress("192.0.2.7", 50000), m.transactionId()))
                            .addInt(Stun.LIFETIME, 300);
                else reply = StunMessage.of(m.method(), Stun.SUCCESS_RESPONSE, m.transactionId());
                byte[] out = reply.encode(nonce == null || reply.cls() == Stun.ERROR_RESPONSE ? null : key, true);
                s.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            }
        } catch (Exception e) {
            // closed
        }
    }

    private static StunMessage error(StunMessage req, int code, String reason) {
        return StunMessage.of(req.method(), Stun.ERROR_RESPONSE, req.transactionId())
                .add(Stun.ERROR_CODE, StunMessage.errorCodeValue(code, reason));
    }

    private static byte[] xor(InetSocketAddress a, byte[] id) {
        return DoctorStunClientTest.xorAddress(a, id);
    }
}
