package jwg.dataplane.bind;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UDP GSO and GRO on loopback with the real kernel: runs of same-size datagrams leave in one
 * UDP_SEGMENT send and arrive as one coalesced buffer that {@link LinuxUdpBind#receive} splits into
 * slots pointing into it; every datagram arrives whole, in order, with its source.
 */
class UdpOffloadTest {
    static final int SIZE = 1452, COUNT = 45, LAST = 300;

    private static Datagrams run(Arena arena, String host, int port) {
        Datagrams out = Datagrams.allocate(arena, COUNT + 1, 2048);
        for (int i = 0; i <= COUNT; i++) {
            int len = i == COUNT ? LAST : SIZE;
            MemorySegment b = out.buffer(i);
            for (int k = 0; k < len; k++) b.set(ValueLayout.JAVA_BYTE, k, (byte) (i * 31 + k));
            out.length(i, len);
            out.endpoint(i).copyFrom(Endpoint.parse(host + ":" + port));
        }
        out.count(COUNT + 1);
        return out;
    }

    private static void expect(Datagrams in, int slot, int index, int fromPort) {
        int len = index == COUNT ? LAST : SIZE;
        assertEquals(len, in.length(slot), "datagram " + index + " length");
        MemorySegment b = in.buffer(slot);
        long off = in.offset(slot);
        for (int k = 0; k < len; k++) {
            if (b.get(ValueLayout.JAVA_BYTE, off + k) != (byte) (index * 31 + k))
                fail("datagram " + index + " byte " + k);
        }
        assertEquals(fromPort, in.endpoint(slot).port());
    }

    @ParameterizedTest(name = "{0} into a batch of {1}")
    @ValueSource(ints = {128, 4})
    void aRunLeavesInOneSendAndArrivesCoalesced(int capacity) throws Exception {
        try (LinuxUdpBind a = new LinuxUdpBind(true);
                LinuxUdpBind b = new LinuxUdpBind(true);
                Arena arena = Arena.ofConfined()) {
            int pa = a.open(0);
            int pb = b.open(0);
            assertTrue(a.gso(), "this kernel (≥ 4.18) takes UDP_SEGMENT");
            assertTrue(b.gro(), "this kernel (≥ 5.0) takes UDP_GRO");
            for (String host : new String[] {"127.0.0.1", "[::1]"}) {
                Datagrams out = run(arena, host, pb);
                assertEquals(COUNT + 1, a.send(out));
                Datagrams in = Datagrams.allocate(arena, capacity, 2048);
                int got = 0;
                boolean coalesced = false;
                while (got <= COUNT) {
                    int n = b.receive(in);
                    assertTrue(n > 0 && n <= capacity);
                    for (int i = 0; i < n; i++, got++) {
                        expect(in, i, got, pa);
                        if (in.buffer(i) != in.home(i)) coalesced = true;
                    }
                }
                assertTrue(coalesced, "the datagrams came as one coalesced buffer (" + host + ")");
            }
        }
    }

    @ParameterizedTest(name = "offload {0}")
    @ValueSource(booleans = {false})
    void offloadsOffStillMovesEveryDatagram(boolean offload) throws Exception {
        try (LinuxUdpBind a = new LinuxUdpBind(offload);
                LinuxUdpBind b = new LinuxUdpBind(offload);
                Arena arena = Arena.ofConfined()) {
            int pa = a.open(0);
            int pb = b.open(0);
            assertFalse(a.gso());
            assertFalse(b.gro());
            assertEquals(COUNT + 1, a.send(run(arena, "127.0.0.1", pb)));
            Datagrams in = Datagrams.allocate(arena, 128, 2048);
            int got = 0;
            while (got <= COUNT) {
                int n = b.receive(in);
                for (int i = 0; i < n; i++, got++) {
                    expect(in, i, got, pa);
                    assertSame(in.home(i), in.buffer(i), "no coalescing without GRO");
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void differentEndpointsAndSizesAreNotMerged() throws Exception {
        try (LinuxUdpBind a = new LinuxUdpBind(true);
                LinuxUdpBind b = new LinuxUdpBind(true);
                LinuxUdpBind c = new LinuxUdpBind(true);
                Arena arena = Arena.ofConfined()) {
            a.open(0);
            int pb = b.open(0);
            int pc = c.open(0);
            Datagrams out = Datagrams.allocate(arena, 6, 2048);
            int[] sizes = {100, 100, 50, 100, 100, 100};
            int[] ports = {pb, pb, pb, pc, pb, pb};
            for (int i = 0; i < 6; i++) {
                out.buffer(i).set(ValueLayout.JAVA_INT, 0, i);
                out.length(i, sizes[i]);
                out.endpoint(i).copyFrom(Endpoint.parse("127.0.0.1:" + ports[i]));
            }
            out.count(6);
            assertEquals(6, a.send(out));
            Datagrams in = Datagrams.allocate(arena, 128, 2048);
            java.util.List<Integer> atB = new java.util.ArrayList<>();
            while (atB.size() < 5) {
                int n = b.receive(in);
                for (int i = 0; i < n; i++) {
                    int idx = in.buffer(i).get(ValueLayout.JAVA_INT, in.offset(i));
                    assertEquals(sizes[idx], in.length(i));
                    atB.add(idx);
                }
            }
            assertEquals(java.util.List.of(0, 1, 2, 4, 5), atB);
            int n = c.receive(in);
            assertEquals(1, n);
            assertEquals(3, in.buffer(0).get(ValueLayout.JAVA_INT, in.offset(0)));
        }
    }
    /**
     * A bind made for many GRO messages per read takes that many uncoalesced datagrams (each sent
     * on its own, so the kernel cannot merge them) in one receive when the batch has room for
     * their slots; one bound to 127.0.0.1 leaves
     * that port free on ::1.
     */
    @org.junit.jupiter.api.Test
    void moreGroMessagesTakeMoreUncoalescedDatagramsPerRead() throws Exception {
        try (LinuxUdpBind a = new LinuxUdpBind(true);
                LinuxUdpBind b = new LinuxUdpBind(true, 16);
                LinuxUdpBind two = new LinuxUdpBind(true);
                Arena arena = Arena.ofConfined()) {
            a.open(0);
            int pb = b.open(java.net.InetAddress.getByName("127.0.0.1"), 0);
            int p2 = two.open(java.net.InetAddress.getByName("127.0.0.1"), 0);
            Datagrams one = Datagrams.allocate(arena, 1, 2048);
            one.count(1);
            for (int i = 0; i < 16; i++) { // sizes differ: no two may merge
                one.buffer(0).set(ValueLayout.JAVA_INT, 0, i);
                one.length(0, 100 + i);
                one.endpoint(0).copyFrom(Endpoint.parse("127.0.0.1:" + pb));
                assertEquals(1, a.send(one));
                one.length(0, 100 + i);
                one.endpoint(0).copyFrom(Endpoint.parse("127.0.0.1:" + p2));
                assertEquals(1, a.send(one));
            }
            Datagrams in = new Datagrams(16 * 64);
            assertEquals(16, b.receive(in), "all 16 in one read");
            for (int i = 0; i < 16; i++) assertEquals(i, in.buffer(i).get(ValueLayout.JAVA_INT, in.offset(i)));
            assertEquals(2, two.receive(in), "the default bind: 2 GRO messages per read");
            try (LinuxUdpBind v6 = new LinuxUdpBind(true);
                    LinuxUdpBind all = new LinuxUdpBind(true)) {
                assertEquals(pb, v6.open(java.net.InetAddress.getByName("::1"), pb), "[::1] is another address");
                assertThrows(java.io.IOException.class, () -> all.open(pb), "all addresses include 127.0.0.1");
            }
        }
    }
}
