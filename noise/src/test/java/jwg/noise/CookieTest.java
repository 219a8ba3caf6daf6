package jwg.noise;

import static jwg.noise.TestNet.MS;
import static jwg.noise.TestNet.S;
import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** MAC2 and cookie replies under load, keyed by source IP and port, secret rotating every 120 s. */
class CookieTest {

    private static byte[] nextInitiation(TestNet n) {
        for (int i = 0; i < 10_000; i++) {
            n.advance(MS);
            TestNet.Res t = n.tick(n.a);
            if (t.action() == Action.WRITE_TO_NETWORK && t.length() == Messages.INITIATION_LENGTH) return t.data();
        }
        throw new AssertionError("no retransmission");
    }

    @Test
    void underLoadInitiationGetsCookieThenSucceedsWithMac2() {
        try (TestNet n = new TestNet()) {
            n.devB.setUnderLoad(true);
            TestNet.Res first = n.send(n.a, TestNet.ipv4(40, 1));
            TestNet.Res cookie = n.deliver(n.devB, first.data());
            assertEquals(Action.WRITE_TO_NETWORK, cookie.action());
            assertEquals(Messages.COOKIE_REPLY_LENGTH, cookie.length());
            assertEquals(Drop.COOKIE_REQUIRED, cookie.drop());
            assertNull(n.b.nextKeypair(), "under load without MAC2: a cookie and nothing else");
            assertEquals(0, n.devB.counters().get(Counters.Event.INITIATION_RECEIVED));

            assertFalse(n.a.handshake.cookies.hasFreshCookie(n.now));
            assertEquals(Action.DONE, n.deliver(n.devA, cookie.data()).action());
            assertTrue(n.a.handshake.cookies.hasFreshCookie(n.now));
            assertEquals(
                    Drop.INVALID_COOKIE_REPLY,
                    n.deliver(n.devA, cookie.data()).drop(),
                    "one reply per message: a duplicate is dropped");

            byte[] retry = nextInitiation(n);
            TestNet.Res resp = n.deliver(n.devB, retry);
            assertEquals(
                    Action.WRITE_TO_NETWORK,
                    resp.action(),
                    () -> n.devB.counters().toString());
            assertEquals(Messages.RESPONSE_LENGTH, resp.length(), "MAC2 valid: processed under load");
            TestNet.Res ka = n.deliver(n.devA, resp.data());
            n.deliver(n.devB, ka.data());
            n.roundTrip(n.a, TestNet.ipv4(40, 2));
        }
    }

    /**
     * wireguard-go's admission order: the rate limit is consulted only for MAC1- and MAC2-valid
     * messages under load (a flood of MAC2-less initiations cannot spend a real peer's tokens),
     * and a refusal sends nothing.
     */
    @Test
    void underLoadTheRateLimitSeesOnlyMac2ValidSources() {
        try (TestNet n = new TestNet()) {
            java.util.List<String> asked = new java.util.ArrayList<>();
            boolean[] allow = {false};
            n.devB.setSourceLimiter((src, now) -> {
                asked.add(src.toString());
                return allow[0];
            });
            n.devB.setUnderLoad(true);
            TestNet.Res first = n.send(n.a, TestNet.ipv4(40, 1));
            // a wrong MAC1: dropped before anything else
            byte[] forged = first.data().clone();
            forged[Messages.INIT_MAC1] ^= 1;
            assertEquals(Drop.INVALID_MAC1, n.deliver(n.devB, forged).drop());
            // no MAC2: a cookie reply, and the limiter is not asked
            TestNet.Res cookie = n.deliver(n.devB, first.data());
            assertEquals(Drop.COOKIE_REQUIRED, cookie.drop());
            assertEquals(java.util.List.of(), asked, "the limiter saw no MAC2-less message");
            n.deliver(n.devA, cookie.data());
            // MAC2 valid, limiter refuses: dropped, counted, nothing sent
            byte[] retry = nextInitiation(n);
            TestNet.Res limited = n.deliver(n.devB, retry);
            assertEquals(Action.DROPPED, limited.action());
            assertEquals(Drop.RATE_LIMITED, limited.drop());
            assertEquals(0, limited.length());
            assertEquals(1, asked.size(), "asked once, for the MAC2-valid message");
            assertEquals(1, n.devB.counters().get(Drop.RATE_LIMITED));
            // MAC2 valid, limiter allows: the handshake goes on
            allow[0] = true;
            TestNet.Res resp = n.deliver(n.devB, nextInitiation(n));
            assertEquals(
                    Messages.RESPONSE_LENGTH,
                    resp.length(),
                    () -> n.devB.counters().toString());
            // not under load: the limiter is not consulted at all
            n.devB.setUnderLoad(false);
            int before = asked.size();
            n.deliver(n.devB, nextInitiation(n));
            assertEquals(before, asked.size(), "no rate limit when not under load");
        }
    }

    @Test
    void cookieIsKeyedByIpAndPortAndExpires() {
        try (TestNet n = new TestNet()) {
            n.devB.setUnderLoad(true);
            TestNet.Res first = n.send(n.a, TestNet.ipv4(40, 1));
            n.deliver(n.devA, n.deliver(n.devB, first.data()).data());
            assertTrue(n.a.handshake.cookies.hasFreshCookie(n.now));

            byte[] retry = nextInitiation(n);
            // same IP, another port: the MAC2 does not match, another cookie comes back
            TestNet.Res otherPort =
                    n.deliver(n.devB, retry, new InetSocketAddress(n.addrA.getAddress(), n.addrA.getPort() + 1));
            assertEquals(Messages.COOKIE_REPLY_LENGTH, otherPort.length());
            // another IP, same port
            TestNet.Res otherIp = n.deliver(n.devB, retry, new InetSocketAddress("192.0.2.99", n.addrA.getPort()));
            assertEquals(Messages.COOKIE_REPLY_LENGTH, otherIp.length());
            // the right address: accepted
            assertEquals(Messages.RESPONSE_LENGTH, n.deliver(n.devB, retry).length());
        }
    }

    @Test
    void cookieSecretRotatesAfter120sAndCookieExpiresAfter120s() {
        long t0 = 1_000 * S;
        var random = new java.security.SecureRandom();
        PrivateKey responder = PrivateKey.generate(random);
        CookieChecker checker = new CookieChecker(responder.publicKey(), random);
        CookieGenerator gen = new CookieGenerator(responder.publicKey());
        SourceAddress src = new SourceAddress().set(new InetSocketAddress("192.0.2.1", 51820));
        byte[] msg = new byte[Messages.INITIATION_LENGTH];
        random.nextBytes(msg);
        gen.addMacs(msg, Messages.INIT_MAC1, t0);
        assertTrue(checker.checkMac1(msg, Messages.INIT_MAC1));
        assertFalse(checker.checkMac2(msg, Messages.INIT_MAC2, src, t0), "no cookie yet: zero MAC2");
        byte[] reply = new byte[Messages.COOKIE_REPLY_LENGTH];
        checker.createReply(msg, Messages.INIT_SENDER, Messages.INIT_MAC1, src, t0, reply);
        assertTrue(gen.consumeReply(reply, t0));
        gen.addMacs(msg, Messages.INIT_MAC1, t0 + 119 * S);
        assertTrue(checker.checkMac2(msg, Messages.INIT_MAC2, src, t0 + 119 * S));
        assertFalse(checker.checkMac2(msg, Messages.INIT_MAC2, src, t0 + 121 * S), "the secret is older than 120 s");
        // a reply after the rotation uses a new secret: the old cookie no longer matches
        checker.createReply(msg, Messages.INIT_SENDER, Messages.INIT_MAC1, src, t0 + 121 * S, reply);
        assertFalse(checker.checkMac2(msg, Messages.INIT_MAC2, src, t0 + 121 * S));
        assertTrue(gen.consumeReply(reply, t0 + 121 * S));
        gen.addMacs(msg, Messages.INIT_MAC1, t0 + 122 * S);
        assertTrue(checker.checkMac2(msg, Messages.INIT_MAC2, src, t0 + 122 * S));
        // the generator stops using a cookie older than 120 s (MAC2 all zeros)
        gen.addMacs(msg, Messages.INIT_MAC1, t0 + 242 * S);
        assertTrue(jwg.noise.crypto.ConstantTime.isZero(msg, Messages.INIT_MAC2, 16));
    }

    @Test
    void staleCookieMeansAnotherCookieReply() {
        try (TestNet n = new TestNet()) {
            n.devB.setUnderLoad(true);
            TestNet.Res first = n.send(n.a, TestNet.ipv4(40, 1));
            n.deliver(n.devA, n.deliver(n.devB, first.data()).data());
            n.advance(Constants.COOKIE_REFRESH_TIME + S);
            byte[] later = nextInitiationAfter(n, 6 * S);
            assertFalse(n.a.handshake.cookies.hasFreshCookie(n.now));
            TestNet.Res again = n.deliver(n.devB, later);
            assertEquals(Messages.COOKIE_REPLY_LENGTH, again.length());
        }
    }

    private static byte[] nextInitiationAfter(TestNet n, long wait) {
        n.advance(wait);
        Result o = new Result(n.arena.allocate(256), 0, 256);
        assertEquals(Action.WRITE_TO_NETWORK, n.a.initiateHandshake(n.now, o).action());
        return o.toArray();
    }

    @Test
    void initiatorUnderLoadDemandsCookieForTheResponse() {
        try (TestNet n = new TestNet()) {
            n.devA.setUnderLoad(true);
            TestNet.Res init = n.send(n.a, TestNet.ipv4(40, 1));
            TestNet.Res resp = n.deliver(n.devB, init.data());
            assertEquals(Messages.RESPONSE_LENGTH, resp.length());
            TestNet.Res cookie = n.deliver(n.devA, resp.data());
            assertEquals(
                    Messages.COOKIE_REPLY_LENGTH, cookie.length(), "response without MAC2 under load: cookie reply");
            assertNull(n.a.currentKeypair());
            assertEquals(Action.DONE, n.deliver(n.devB, cookie.data()).action(), "B takes the cookie for its response");
            // A retransmits; B's next response carries a valid MAC2 and is accepted under load
            byte[] retry = nextInitiation(n);
            TestNet.Res resp2 = n.deliver(n.devB, retry);
            TestNet.Res ka = n.deliver(n.devA, resp2.data());
            assertEquals(
                    Action.WRITE_TO_NETWORK,
                    ka.action(),
                    () -> n.devA.counters().toString());
            assertEquals(32, ka.length());
            assertTrue(ka.flush());
        }
    }

    @Test
    void notUnderLoadNoCookieNeeded() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            assertEquals(0, n.devB.counters().get(Counters.Event.COOKIE_REPLY_SENT));
        }
    }
}
