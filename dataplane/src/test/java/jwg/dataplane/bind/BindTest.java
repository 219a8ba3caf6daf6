package jwg.dataplane.bind;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both binds on loopback: batches out, batches (or single datagrams) in, sources recorded, close wakes receive. */
class BindTest {
    static Stream<Arguments> binds() {
        return Stream.of(Arguments.of("ffm", (Supplier<Bind>) LinuxUdpBind::new), Arguments.of("nio", (Supplier<Bind>)
                NioBind::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binds")
    void batchOverLoopbackIpv4AndIpv6(String name, Supplier<Bind> factory) throws Exception {
        try (Bind a = factory.get();
                Bind b = factory.get();
                Arena arena = Arena.ofConfined()) {
            int pa = a.open(0);
            int pb = b.open(0);
            assertTrue(pa > 0 && pb > 0 && pa != pb);
            for (String host : new String[] {"127.0.0.1", "[::1]"}) {
                Datagrams out = Datagrams.allocate(arena, 20, 2048);
                for (int i = 0; i < 20; i++) {
                    out.buffer(i).set(ValueLayout.JAVA_INT, 0, i);
                    out.length(i, 100 + i);
                    out.endpoint(i).copyFrom(Endpoint.parse(host + ":" + pb));
                }
                out.count(20);
                a.send(out);
                Datagrams in = Datagrams.allocate(arena, Bind.BATCH, 2048);
                int got = 0;
                while (got < 20) {
                    int n = b.receive(in);
                    assertTrue(n > 0);
                    for (int i = 0; i < n; i++, got++) {
                        assertEquals(got, in.buffer(i).get(ValueLayout.JAVA_INT, in.offset(i)), "order on loopback");
                        assertEquals(100 + got, in.length(i));
                        assertEquals(pa, in.endpoint(i).port());
                        assertEquals(host.startsWith("["), !in.endpoint(i).isIpv4(), "source family recorded");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binds")
    void closeWakesABlockedReceive(String name, Supplier<Bind> factory) throws Exception {
        Bind b = factory.get();
        b.open(0);
        int[] result = {0};
        Thread t = Thread.ofPlatform().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                result[0] = b.receive(Datagrams.allocate(arena, 4, 2048));
            } catch (Exception e) {
                result[0] = -2;
            }
        });
        Thread.sleep(100);
        assertTrue(t.isAlive(), "receive blocks while nothing arrives");
        b.close();
        t.join(2000);
        assertFalse(t.isAlive(), "close() must wake the receiver");
        assertEquals(-1, result[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binds")
    void aDatagramTheKernelRefusesIsMarkedNotSentAndTheRestGoOut(String name, Supplier<Bind> factory) throws Exception {
        try (Bind a = factory.get();
                Bind b = factory.get();
                Arena arena = Arena.ofConfined()) {
            a.open(0);
            int pb = b.open(0);
            Datagrams out = Datagrams.allocate(arena, 3, 2048);
            for (int i = 0; i < 3; i++) {
                out.buffer(i).set(ValueLayout.JAVA_INT, 0, i);
                out.length(i, 64);
                out.endpoint(i).copyFrom(Endpoint.parse("127.0.0.1:" + pb));
            }
            out.endpoint(1).setIpv4(0x7f000001, 0); // port 0: the kernel refuses it
            out.count(3);
            assertEquals(2, a.send(out), "two of three sent");
            assertEquals(Datagrams.NOT_SENT, out.length(1), "the refused one is marked, so it is counted as dropped");
            assertEquals(64, out.length(0));
            assertEquals(64, out.length(2));
            Datagrams in = Datagrams.allocate(arena, Bind.BATCH, 2048);
            int got = 0;
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            while (got < 2) {
                int n = b.receive(in);
                for (int i = 0; i < n; i++, got++) seen.add(in.buffer(i).get(ValueLayout.JAVA_INT, in.offset(i)));
            }
            assertEquals(java.util.Set.of(0, 2), seen);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binds")
    void portInUseIsReported(String name, Supplier<Bind> factory) throws Exception {
        try (Bind a = factory.get();
                Bind b = factory.get()) {
            int p = a.open(0);
            var e = assertThrows(java.io.IOException.class, () -> b.open(p));
            assertTrue(e.getMessage().contains(String.valueOf(p)), e.getMessage());
        }
    }
}
