package jwg.dataplane.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Bind#sendWithTtl}: the native bind sets the TTL (hop limit) of that one datagram, as the
 * receiver's IP_RECVTTL / IPV6_RECVHOPLIMIT reads it on loopback, and the datagrams around it keep
 * the default; the JDK bind cannot and sends nothing.
 */
class TtlSendTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]"})
    void theNativeBindSetsTheTtlOfOneDatagram(String host) throws Exception {
        try (LinuxUdpBind b = new LinuxUdpBind();
                TtlReceiver r = TtlReceiver.open();
                Arena arena = Arena.ofConfined()) {
            b.open(0);
            assertTrue(b.ttlControl());
            Endpoint to = Endpoint.parse(host + ":" + r.port());
            MemorySegment data = arena.allocate(64);
            for (int ttl : new int[] {0, 2, 0, 7, 255, 0}) {
                data.set(ValueLayout.JAVA_INT, 0, ttl);
                if (ttl == 0) b.send(data, 0, 64, to);
                else assertTrue(b.sendWithTtl(data, 0, 64, to, ttl));
                TtlReceiver.Received got = r.receive(2000);
                assertNotNull(got, "datagram with ttl " + ttl);
                assertEquals(host.startsWith("1"), got.ipv4());
                assertEquals(ttl, MemorySegment.ofArray(got.data()).get(ValueLayout.JAVA_INT_UNALIGNED, 0));
                if (ttl == 0) assertEquals(64, got.ttl(), "the default (net.ipv4.ip_default_ttl, hop_limit)");
                else assertEquals(ttl, got.ttl());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 256})
    void aTtlOutOfRangeIsRefused(int ttl) throws Exception {
        try (LinuxUdpBind b = new LinuxUdpBind();
                Arena arena = Arena.ofConfined()) {
            b.open(0);
            MemorySegment data = arena.allocate(8);
            Endpoint to = Endpoint.parse("127.0.0.1:9");
            org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> b.sendWithTtl(data, 0, 8, to, ttl));
        }
    }

    @org.junit.jupiter.api.Test
    void theJdkBindSendsNothing() throws Exception {
        try (NioBind b = new NioBind();
                TtlReceiver r = TtlReceiver.open();
                Arena arena = Arena.ofConfined()) {
            b.open(0);
            assertFalse(b.ttlControl());
            assertFalse(b.sendWithTtl(arena.allocate(8), 0, 8, Endpoint.parse("127.0.0.1:" + r.port()), 2));
            assertEquals(null, r.receive(200), "nothing sent");
        }
    }
}
