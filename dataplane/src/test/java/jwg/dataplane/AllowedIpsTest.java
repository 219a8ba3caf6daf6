package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import jwg.tun.ip.IpPrefix;
import jwg.tun.ip.IpText;
import org.junit.jupiter.api.Test;

class AllowedIpsTest {
    record Peer(String name) {}

    /** The slow reference: a linear scan for the longest matching prefix. */
    static final class Reference {
        final Map<IpPrefix, Peer> map = new LinkedHashMap<>();

        Peer lookup4(int a) {
            Peer best = null;
            int bestLen = -1;
            for (var e : map.entrySet()) {
                if (e.getKey().containsIpv4(a) && e.getKey().length() > bestLen) {
                    best = e.getValue();
                    bestLen = e.getKey().length();
                }
            }
            return best;
        }

        Peer lookup6(long h, long l) {
            Peer best = null;
            int bestLen = -1;
            for (var e : map.entrySet()) {
                if (e.getKey().containsIpv6(h, l) && e.getKey().length() > bestLen) {
                    best = e.getValue();
                    bestLen = e.getKey().length();
                }
            }
            return best;
        }
    }

    static IpPrefix p(String s) {
        return IpPrefix.parse(s);
    }

    static int v4(String s) {
        return p(s).ipv4();
    }

    @Test
    void randomIpv4AgainstReference() {
        Random r = new Random(1);
        for (int round = 0; round < 4; round++) {
            AllowedIps<Peer> t = new AllowedIps<>();
            Reference ref = new Reference();
            List<Peer> peers = new ArrayList<>();
            for (int i = 0; i < 64; i++) peers.add(new Peer("p" + i));
            List<IpPrefix> inserted = new ArrayList<>();
            for (int i = 0; i < 4000; i++) {
                // cluster addresses so that prefixes overlap a lot
                int a = (r.nextInt(4) << 30) | (r.nextInt(16) << 20) | r.nextInt();
                a = r.nextBoolean() ? a : (a & 0xFFF0_0000) | (r.nextInt(256));
                IpPrefix prefix = IpPrefix.ofIpv4(a, r.nextInt(33)).network();
                Peer peer = peers.get(r.nextInt(peers.size()));
                t.insert(prefix, peer);
                ref.map.put(prefix, peer);
                inserted.add(prefix);
            }
            for (int i = 0; i < 1000; i++) {
                IpPrefix prefix = inserted.get(r.nextInt(inserted.size()));
                Peer owner = ref.map.get(prefix);
                if (owner != null && r.nextBoolean()) {
                    assertTrue(t.remove(prefix, owner));
                    ref.map.remove(prefix);
                } else if (owner != null) {
                    assertFalse(t.remove(prefix, new Peer("stranger")));
                }
            }
            Peer gone = peers.get(7);
            t.removeAll(gone);
            ref.map.values().removeIf(v -> v == gone);
            assertEquals(ref.map.size(), t.size());
            for (int i = 0; i < 20000; i++) {
                int a = i % 2 == 0
                        ? r.nextInt()
                        : inserted.get(r.nextInt(inserted.size())).ipv4() | r.nextInt(4);
                assertSame(ref.lookup4(a), t.lookupIpv4(a), () -> "address " + IpText.ipv4(a));
            }
            for (Peer peer : peers) {
                var expected = ref.map.entrySet().stream()
                        .filter(e -> e.getValue() == peer)
                        .map(Map.Entry::getKey)
                        .sorted(java.util.Comparator.comparing(IpPrefix::toString))
                        .toList();
                var actual = t.prefixesOf(peer).stream()
                        .sorted(java.util.Comparator.comparing(IpPrefix::toString))
                        .toList();
                assertEquals(expected, actual);
            }
        }
    }

    @Test
    void randomIpv6AgainstReference() {
        Random r = new Random(2);
        AllowedIps<Peer> t = new AllowedIps<>();
        Reference ref = new Reference();
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 64; i++) peers.add(new Peer("p" + i));
        List<IpPrefix> inserted = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            long h = (0xfd00L << 48) | ((long) r.nextInt(8) << 40) | (r.nextLong() & 0xFF_FFFF_FFFFL);
            long l = r.nextInt(3) == 0 ? 0 : r.nextLong();
            IpPrefix prefix = IpPrefix.ofIpv6(h, l, r.nextInt(129)).network();
            Peer peer = peers.get(r.nextInt(peers.size()));
            t.insert(prefix, peer);
            ref.map.put(prefix, peer);
            inserted.add(prefix);
        }
        for (int i = 0; i < 1500; i++) {
            IpPrefix prefix = inserted.get(r.nextInt(inserted.size()));
            Peer owner = ref.map.remove(prefix);
            if (owner != null) assertTrue(t.remove(prefix, owner));
        }
        assertEquals(ref.map.size(), t.size());
        for (int i = 0; i < 20000; i++) {
            long h, l;
            if (i % 2 == 0) {
                h = (0xfd00L << 48) | ((long) r.nextInt(8) << 40) | (r.nextLong() & 0xFF_FFFF_FFFFL);
                l = r.nextLong();
            } else {
                IpPrefix base = inserted.get(r.nextInt(inserted.size()));
                h = base.high();
                l = base.low() | r.nextInt(4);
            }
            assertSame(ref.lookup6(h, l), t.lookupIpv6(h, l));
        }
    }

    @Test
    void edgeCases() {
        AllowedIps<Peer> t = new AllowedIps<>();
        Peer a = new Peer("a"), b = new Peer("b"), c = new Peer("c");
        assertNull(t.lookupIpv4(v4("10.0.0.1")));
        t.insert(p("0.0.0.0/0"), a);
        t.insert(p("10.0.0.0/8"), b);
        t.insert(p("10.1.2.3/32"), c);
        assertSame(a, t.lookupIpv4(v4("192.0.2.1")));
        assertSame(b, t.lookupIpv4(v4("10.1.2.4")));
        assertSame(c, t.lookupIpv4(v4("10.1.2.3")));
        assertNull(t.lookupIpv6(0, 1), "IPv4 /0 must not match IPv6");
        // the families are separate even for the same bits
        t.insert(p("::/0"), c);
        assertSame(c, t.lookupIpv6(0, 1));
        t.insert(p("fd00::1/128"), a);
        assertSame(a, t.lookupIpv6(0xfd00L << 48, 1));
        assertSame(c, t.lookupIpv6(0xfd00L << 48, 2));
        // the table keeps networks, as wg: 10.1.2.3/8 goes in as 10.0.0.0/8
        assertEquals(p("10.0.0.0/8"), p("10.1.2.3/8").network());
        // re-inserting moves the prefix
        t.insert(p("10.9.9.9/8"), a);
        assertSame(a, t.lookupIpv4(v4("10.1.2.4")));
        assertFalse(t.prefixesOf(b).contains(p("10.0.0.0/8")));
        assertTrue(t.prefixesOf(a).contains(p("10.0.0.0/8")));
        // removing the /8 leaves the /32 and the /0
        assertFalse(t.remove(p("10.0.0.0/8"), b));
        assertTrue(t.remove(p("10.0.0.0/8"), a));
        assertSame(c, t.lookupIpv4(v4("10.1.2.3")));
        assertSame(a, t.lookupIpv4(v4("10.1.2.4")));
        t.removeAll(a);
        assertNull(t.lookupIpv4(v4("10.1.2.4")));
        assertSame(c, t.lookupIpv4(v4("10.1.2.3")));
        assertSame(c, t.lookupIpv6(0xfd00L << 48, 1));
        assertEquals(List.of(), t.prefixesOf(a));
        t.removeAll(c);
        assertEquals(0, t.size());
        assertNull(t.lookupIpv6(0xfd00L << 48, 1));
    }

    @Test
    void allOnesAndAdjacentPrefixes() {
        AllowedIps<Peer> t = new AllowedIps<>();
        Peer a = new Peer("a"), b = new Peer("b");
        t.insert(p("255.255.255.255/32"), a);
        t.insert(p("255.255.255.254/31"), b);
        assertSame(a, t.lookupIpv4(-1));
        assertSame(b, t.lookupIpv4(-2));
        t.insert(p("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"), a);
        t.insert(p("ffff:ffff:ffff:ffff::/64"), b);
        assertSame(a, t.lookupIpv6(-1, -1));
        assertSame(b, t.lookupIpv6(-1, -2));
        assertNull(t.lookupIpv6(-2, -1));
    }

    @Test
    void lookupFromOffHeapPacket() {
        AllowedIps<Peer> t = new AllowedIps<>();
        Peer a = new Peer("a"), b = new Peer("b");
        t.insert(p("192.0.2.0/24"), a);
        t.insert(p("2001:db8::/32"), b);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(100);
            long off = 16; // headroom, as the pipeline reads packets
            seg.set(ValueLayout.JAVA_BYTE, off, (byte) 0x45);
            byte[] src = {(byte) 198, 51, 100, 1}, dst = {(byte) 192, 0, 2, 7};
            MemorySegment.copy(src, 0, seg, ValueLayout.JAVA_BYTE, off + 12, 4);
            MemorySegment.copy(dst, 0, seg, ValueLayout.JAVA_BYTE, off + 16, 4);
            assertSame(a, t.lookupDestination(seg, off));
            assertNull(t.lookupSource(seg, off));
            assertNull(t.lookupDestination(seg.asSlice(0, off + 19), off), "truncated IPv4 header");

            seg.fill((byte) 0);
            seg.set(ValueLayout.JAVA_BYTE, off, (byte) 0x60);
            byte[] d6 = IpText.parse("2001:db8::5");
            MemorySegment.copy(d6, 0, seg, ValueLayout.JAVA_BYTE, off + 24, 16);
            assertSame(b, t.lookupDestination(seg, off));
            MemorySegment.copy(d6, 0, seg, ValueLayout.JAVA_BYTE, off + 8, 16);
            assertSame(b, t.lookupSource(seg, off));
            assertNull(t.lookupDestination(seg.asSlice(0, off + 39), off), "truncated IPv6 header");
            seg.set(ValueLayout.JAVA_BYTE, off, (byte) 0x10);
            assertNull(t.lookupDestination(seg, off), "not IP");
            assertNull(t.lookupDestination(seg, 100), "empty");
        }
    }

    @Test
    void readersSeeConsistentTablesWhileWriterChurns() throws Exception {
        AllowedIps<Peer> t = new AllowedIps<>();
        Peer stable = new Peer("stable"), churn = new Peer("churn");
        t.insert(p("10.0.0.0/8"), stable);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        int probe = v4("10.200.0.1");
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                Peer got = t.lookupIpv4(probe);
                if (got != stable && got != churn) failure.set("lookup returned " + got);
                if (t.lookupIpv4(v4("11.0.0.1")) != null) failure.set("unrelated address matched");
            }
        });
        Random r = new Random(4);
        for (int i = 0; i < 20000; i++) {
            IpPrefix q = IpPrefix.ofIpv4(v4("10.0.0.0") | r.nextInt(1 << 24), 9 + r.nextInt(24));
            t.insert(q, churn);
            if (r.nextBoolean()) t.remove(q, churn);
            if (i % 1000 == 0) t.removeAll(churn);
        }
        stop.set(true);
        reader.join();
        assertNull(failure.get());
    }

    @Test
    void lookupsDoNotAllocate() {
        AllowedIps<Peer> t = new AllowedIps<>();
        Random r = new Random(9);
        for (int i = 0; i < 1000; i++) {
            Peer peer = new Peer("p" + (i % 50));
            t.insert(IpPrefix.ofIpv4(r.nextInt(), 8 + r.nextInt(25)), peer);
            t.insert(IpPrefix.ofIpv6(r.nextLong(), r.nextLong(), 16 + r.nextInt(113)), peer);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(64);
            var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().threadId();
            int hits = 0;
            for (int round = 0; round < 3; round++) {
                long before = mx.getThreadAllocatedBytes(id);
                for (int i = 0; i < 200_000; i++) {
                    seg.set(ValueLayout.JAVA_BYTE, 0, (byte) (i % 2 == 0 ? 0x45 : 0x60));
                    seg.set(ValueLayout.JAVA_INT_UNALIGNED, 16, i * 0x9E3779B9);
                    seg.set(ValueLayout.JAVA_LONG_UNALIGNED, 24, i * 0x9E3779B97F4A7C15L);
                    if (t.lookupDestination(seg, 0) != null) hits++;
                }
                long allocated = mx.getThreadAllocatedBytes(id) - before;
                if (round > 0) assertTrue(allocated < 4096, "200k lookups allocated " + allocated + " bytes");
            }
            assertTrue(hits > 0);
        }
    }
}
