package jwg.dataplane.bind;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void ipv4RoundTrip() {
        Endpoint e = Endpoint.parse("198.51.100.7:51820");
        assertTrue(e.isIpv4());
        assertEquals(51820, e.port());
        assertEquals(0xC6336407, e.ipv4());
        assertEquals("198.51.100.7:51820", e.toString());
        assertEquals(new InetSocketAddress("198.51.100.7", 51820), e.toSocketAddress());
    }

    @Test
    void ipv4MappedIpv6IsIpv4() {
        Endpoint e = new Endpoint();
        e.set(InetAddress.ofLiteral("::ffff:192.0.2.1"), 9);
        assertTrue(e.isIpv4(), "an IPv4-mapped address from a dual-stack socket is IPv4");
        assertEquals("192.0.2.1:9", e.toString());
        assertTrue(e.sameAs(Endpoint.parse("192.0.2.1:9")));
    }

    @Test
    void ipv6FormattedAsWgDoes() {
        assertEquals(
                "[fd00:2::1]:51820",
                Endpoint.parse("[fd00:2:0:0:0:0:0:1]:51820").toString());
        assertEquals("[::1]:1", Endpoint.parse("[::1]:1").toString());
        assertEquals(
                "[fd00::1:0:0:1]:5",
                Endpoint.parse("[fd00:0:0:0:1:0:0:1]:5").toString(),
                "the first longest zero run is compressed");
        assertEquals(
                "[fd00:1:2:3:4:5:6:7]:5",
                Endpoint.parse("[fd00:1:2:3:4:5:6:7]:5").toString());
        assertFalse(Endpoint.parse("[fd00::1]:5").isIpv4());
    }

    @Test
    void badEndpointsNameTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("192.0.2.1"))
                .getMessage()
                .contains("host:port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("192.0.2.1:0"))
                .getMessage()
                .contains("range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("192.0.2.1:x"))
                .getMessage()
                .contains("port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("fd00::1:5"))
                .getMessage()
                .contains("brackets"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("example.invalid:5"))
                .getMessage()
                .contains("numeric"));
    }

    @Test
    void nioBindMovesDatagramsOnLoopback() throws Exception {
        try (NioBind a = new NioBind();
                NioBind b = new NioBind();
                Arena arena = Arena.ofConfined()) {
            a.open(0);
            int pb = b.open(0);
            Datagrams out = Datagrams.allocate(arena, 1, 2048);
            out.buffer(0).set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 0x01020304);
            Endpoint to = Endpoint.parse("127.0.0.1:" + pb);
            a.send(out.buffer(0), 0, 100, to);
            Datagrams in = Datagrams.allocate(arena, 4, 2048);
            assertEquals(1, b.receive(in));
            assertEquals(100, in.length(0));
            assertEquals(0x01020304, in.buffer(0).get(java.lang.foreign.ValueLayout.JAVA_INT, 0));
            assertEquals(a.port(), in.endpoint(0).port());
            assertTrue(in.endpoint(0).isIpv4());
            b.close();
            assertEquals(-1, b.receive(in), "a closed bind reports -1");
        }
    }
}
