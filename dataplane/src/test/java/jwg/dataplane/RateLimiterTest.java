package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    static final long MS = 1_000_000L;

    @Test
    void burstThenTwentyPerSecond() {
        RateLimiter rl = new RateLimiter();
        long now = 123 * MS;
        int ip = 0xC000_0201;
        // An instant burst: a new source starts with 5 packets' worth of tokens minus the first
        // packet, and (as wireguard-go) a packet needs strictly more than its cost: 4 pass.
        assertEquals(4, passed(rl, ip, now, 10));
        // 50 ms refill one cost: with the 50 ms left over, one more passes
        now += 50 * MS;
        assertEquals(1, passed(rl, ip, now, 10));
        // after a long silence the bucket is full again (capped at 5 costs): 4 pass
        now += 10_000 * MS;
        assertEquals(4, passed(rl, ip, now, 10));
        // a steady 20/s (every 50 ms + a little) passes
        for (int i = 0; i < 100; i++) {
            now += 51 * MS;
            assertTrue(rl.allowIpv4(ip, now), "packet " + i);
        }
        // a steady 40/s passes only about half
        int passed = 0;
        for (int i = 0; i < 400; i++) {
            now += 25 * MS;
            if (rl.allowIpv4(ip, now)) passed++;
        }
        assertTrue(passed >= 195 && passed <= 205, "passed " + passed);
    }

    @Test
    void anotherRateAndBurst() {
        RateLimiter rl = new RateLimiter(100, 50);
        long now = 7 * MS;
        int ip = 0xC633_6401;
        assertEquals(49, passed(rl, ip, now, 100), "a burst of 50, strictly more than a cost left for each");
        now += 10 * MS; // 100/s: one cost per 10 ms
        assertEquals(1, passed(rl, ip, now, 10));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 5));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(20, 0));
    }

    static int passed(RateLimiter rl, int ip, long now, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) if (rl.allowIpv4(ip, now)) n++;
        return n;
    }

    @Test
    void sourcesAreIndependent() {
        RateLimiter rl = new RateLimiter();
        long now = 0;
        assertEquals(4, passed(rl, 1, now, 10));
        assertTrue(rl.allowIpv4(2, now));
        assertTrue(rl.allowIpv6(0x2001_0db8_0000_0001L, 1, now));
    }

    @Test
    void ipv6SharesTheBucketPerSlash64() {
        RateLimiter rl = new RateLimiter();
        long now = 5;
        long net = 0x2001_0db8_0000_0001L;
        for (int i = 0; i < 4; i++) assertTrue(rl.allowIpv6(net, i * 7919L, now));
        assertFalse(rl.allowIpv6(net, 42, now), "another host in the same /64");
        assertTrue(rl.allowIpv6(net + 1, 42, now), "another /64");
        // IPv4-mapped counts as the IPv4 address
        assertEquals(4, passed(rl, 0x0A00_0001, now, 4));
        assertFalse(rl.allowIpv6(0, 0x0000_FFFF_0A00_0001L, now));
        assertFalse(rl.allow(new byte[] {10, 0, 0, 1}, now));
    }

    @Test
    void idleEntriesAreCollected() {
        RateLimiter rl = new RateLimiter();
        long now = 0;
        for (int i = 0; i < 10; i++) rl.allowIpv4(i, now);
        assertEquals(10, rl.size());
        rl.collectGarbage(now + 1000 * MS);
        assertEquals(10, rl.size(), "exactly 1 s idle is kept");
        rl.allowIpv4(3, now + 900 * MS);
        rl.collectGarbage(now + 1500 * MS);
        assertEquals(1, rl.size());
        // the sweep also happens by itself, at most once a second, from allow()
        rl.allowIpv4(99, now + 5000 * MS);
        assertEquals(1, rl.size(), "the old entry was swept, the new one stays");
        // a forgotten source starts with a full burst again
        assertEquals(4, passed(rl, 3, now + 5000 * MS, 10));
    }

    @Test
    void timeGoingBackwardsDoesNotMintTokens() {
        RateLimiter rl = new RateLimiter();
        assertEquals(4, passed(rl, 1, 10_000 * MS, 10));
        assertFalse(rl.allowIpv4(1, 0));
        assertFalse(rl.allowIpv4(1, 10_000 * MS));
    }
}
