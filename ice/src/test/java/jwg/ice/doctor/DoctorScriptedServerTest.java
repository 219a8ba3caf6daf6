package jwg.ice.doctor;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
            TurnCheck.Outcome o = TurnCheck.check(LO, (InetSocketAddress) server.getLocalSocketAddress(), USER, PASSWORD);
            server.close();
            t.join(2000);
            TurnCheck.Outcome.Allocated a = assertInstanceOf(TurnCheck.Outcome.Allocated.class, o, o + " " + seen);
            assertEquals(new InetSocketAddress("192.0.2.7", 50000), a.relayed());
            assertEquals(300, a.lifetimeSeconds());
            assertTrue(a.released());
            assertEquals(List.of("allocate no-auth", "allocate nonce=n1", "allocate nonce=n2", "refresh nonce=n2 lifetime=0"), seen);
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
            NatDiscovery.Result r = NatDiscovery.discover(LO, addr);
            t.join(4000);
            assertNotNull(r.mapped());
            assertEquals(r.local(), r.mapped());
            assertEquals(NatDiscovery.Filtering.UNKNOWN, r.filtering());
            assertTrue(r.note().contains("no OTHER-ADDRESS") && r.note().contains("not possible"), r.note());
        }
    }

    private static void turnServer(DatagramSocket s, List<String> seen) {
        byte[] key = StunMessage.longTermKey(USER, REALM, PASSWORD);
        byte[] buf = new byte[1500];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                StunMessage m = StunMessage.parse(buf, p.getLength());
                String nonce = m.text(StunMessage.NONCE);
                String what = (m.method() == StunMessage.ALLOCATE ? "allocate" : "refresh")
                        + (nonce == null ? " no-auth" : " nonce=" + nonce)
                        + (m.method() == StunMessage.REFRESH ? " lifetime=" + m.uint32(StunMessage.LIFETIME) : "");
                seen.add(what);
                StunMessage reply;
                if (nonce == null) reply = error(m, 401, "Unauthorized").add(StunMessage.REALM, REALM).add(StunMessage.NONCE, "n1");
                else if (!m.integrityValid(key) || !USER.equals(m.text(StunMessage.USERNAME))) reply = error(m, 401, "Unauthorized");
                else if (nonce.equals("n1")) reply = error(m, 438, "Stale Nonce").add(StunMessage.NONCE, "n2");
                else if (m.method() == StunMessage.ALLOCATE)
                    reply = StunMessage.of(m.method(), StunMessage.SUCCESS_RESPONSE, m.transactionId())
                            .add(StunMessage.XOR_RELAYED_ADDRESS, xor(new InetSocketAddress("192.0.2.7", 50000), m.transactionId()))
                            .addInt(StunMessage.LIFETIME, 300);
                else reply = StunMessage.of(m.method(), StunMessage.SUCCESS_RESPONSE, m.transactionId());
                byte[] out = reply.encode(nonce == null || reply.cls() == StunMessage.ERROR_RESPONSE ? null : key, true);
                s.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            }
        } catch (Exception e) {
            // closed
        }
    }

    private static StunMessage error(StunMessage req, int code, String reason) {
        byte[] r = reason.getBytes();
        byte[] v = new byte[4 + r.length];
        v[2] = (byte) (code / 100);
        v[3] = (byte) (code % 100);
        System.arraycopy(r, 0, v, 4, r.length);
        return StunMessage.of(req.method(), StunMessage.ERROR_RESPONSE, req.transactionId()).add(StunMessage.ERROR_CODE, v);
    }

    private static byte[] xor(InetSocketAddress a, byte[] id) {
        return DoctorStunClientTest.xorAddress(a, id);
    }
}
