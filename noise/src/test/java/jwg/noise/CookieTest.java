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
    void underLoadInitiationGetsCookieThenSucceedsWithMac2AtOnce() {
        try (TestNet n = new TestNet()) {
            n.devB.setUnderLoad(true);
            TestNet.Res first = n.send(n.a, TestNet.ipv4(40, 1));
            assertTrue(jwg.noise.crypto.ConstantTime.isZero(first.data(), Messages.INIT_MAC2, 16), "no cookie yet");
            TestNet.Res cookie = n.deliver(n.devB, first.data());
            assertEquals(Action.WRITE_TO_NETWORK, cookie.action());
            assertEquals(Messages.COOKIE_REPLY_LENGTH, cookie.length());
            assertEquals(Drop.COOKIE_REQUIRED, cookie.drop());
            assertNull(n.b.nextKeypair(), "under load without MAC2: a cookie and nothing else");
            assertEquals(0, n.devB.counters().get(Counters.Event.INITIATION_RECEIVED));

            // the cookie reply: A sends the same initiation again at once, now with MAC2
            assertFalse(n.a.handshake.cookies.hasFreshCookie(n.now));
            TestNet.Res resent = n.deliver(n.devA, cookie.data());
            assertTrue(n.a.handshake.cookies.hasFreshCookie(n.now));
            assertEquals(Action.WRITE_TO_NETWORK, resent.action());
            assertSame(n.a, resent.tunnel());
            assertEquals(Messages.INITIATION_LENGTH, resent.length());
            assertArrayEquals(
                    java.util.Arrays.copyOf(first.data(), Messages.INIT_MAC2),
                    java.util.Arrays.copyOf(resent.data(), Messages.INIT_MAC2),
                    "the same initiation (ephemeral, timestamp, index, MAC1)");
            assertFalse(jwg.noise.crypto.ConstantTime.isZero(resent.data(), Messages.INIT_MAC2, 16), "with MAC2");
            assertEquals(1, n.devA.counters().get(Counters.Event.COOKIE_REPLY_RECEIVED));
            assertEquals(1, n.devA.counters().get(Counters.Event.INITIATION_RESENT_WITH_COOKIE));
            assertEquals(1, n.devA.counters().get(Counters.Event.INITIATION_SENT), "no new initiation was made");

            // a copy of the reply (replayed, or the responder answering twice) gets nothing more
            TestNet.Res again = n.deliver(n.devA, cookie.data());
            assertNotEquals(Action.WRITE_TO_NETWORK, again.action(), "at most one resend per initiation");
            assertEquals(0, again.length());
            assertEquals(1, n.devA.counters().get(Counters.Event.INITIATION_RESENT_WITH_COOKIE));

            // B, still under load, accepts the MAC2 and answers; the handshake completes in one round trip
            TestNet.Res resp = n.deliver(n.devB, resent.data());
            assertEquals(
                    Action.WRITE_TO_NETWORK,
                    resp.action(),
                    () -> n.devB.counters().toString());
            assertEquals(Messages.RESPONSE_LENGTH, resp.length(), "MAC2 valid: processed under load");
            TestNet.Res ka = n.deliver(n.devA, resp.data());
            assertEquals(Action.WRITE_TO_NETWORK, ka.action());
            n.deliver(n.devB, ka.data());
            n.roundTrip(n.a, TestNet.ipv4(40, 2));
            // after the handshake, the old reply concerns no initiation: nothing is sent
            assertNotEquals(
                    Action.WRITE_TO_NETWORK, n.deliver(n.devA, cookie.data()).action());
            assertEquals(1, n.devA.counters().get(Counters.Event.INITIATION_RESENT_WITH_COOKIE));
        }
    }

    /** A cookie reply to an initiation A has since replaced (a retransmission) resends nothing. */
    @Test
    void cookieReplyToAnOlderInitiationResendsNothing() {
        try (TestNet n = new TestNet()) {
            n.devB.setUnderLoad(true);
            TestNet.Res first = n.send(n.a, TestNet.ipv4(40, 1));
            TestNet.Res cookie = n.deliver(n.devB, first.data());
            byte[] retry = nextInitiation(n); // 5 s later, a new initiation (new index and MAC1)
            TestNet.Res late = n.deliver(n.devA, cookie.data());
            assertEquals(Action.DROPPED, late.action(), "the old index is gone (and its AD was the old MAC1)");
            assertEquals(Drop.UNKNOWN_RECEIVER_INDEX, late.drop());
            assertEquals(0, late.length());
            // the retry's own cookie reply: resent once, with MAC2
            TestNet.Res cookie2 = n.deliver(n.devB, retry);
            TestNet.Res resent = n.deliver(n.devA, cookie2.data());
            assertEquals(Messages.INITIATION_LENGTH, resent.length());
            assertEquals(
                    Messages.RESPONSE_LENGTH, n.deliver(n.devB, resent.data()).length());
            assertEquals(1, n.devA.counters().get(Counters.Event.INITIATION_RESENT_WITH_COOKIE));
        }
    }

    /**
     * A forged cookie reply (anyone who saw the initiation can make one: the key is derived from
     * B's public key, the AD is A's MAC1) while B really consumed the initiation: A's resend is a
     * replay B drops, and B's response still completes A's pending handshake.
     */
    @Test
    void forgedCookieReplyCannotBreakTheHandshakeInFlight() {
        try (TestNet n = new TestNet()) {
            TestNet.Res first = n.send(n.a, TestNet.ipv4(40, 1));
            TestNet.Res resp = n.deliver(n.devB, first.data()); // B not under load: a response
            assertEquals(Messages.RESPONSE_LENGTH, resp.length());
            // the forger builds a valid reply with B's cookie checker stand-in (same public inputs)
            CookieChecker forger = new CookieChecker(n.devB.publicKey(), new java.security.SecureRandom());
            byte[] reply = new byte[Messages.COOKIE_REPLY_LENGTH];
            forger.createReply(
                    first.data(),
                    Messages.INIT_SENDER,
                    Messages.INIT_MAC1,
                    new SourceAddress().set(new InetSocketAddress("192.0.2.7", 4242)),
                    n.now,
                    reply);
            TestNet.Res resent = n.deliver(n.devA, reply);
            assertEquals(Messages.INITIATION_LENGTH, resent.length(), "valid as far as A can tell: resent once");
            assertEquals(
                    Drop.REPLAYED_INITIATION, n.deliver(n.devB, resent.data()).drop(), "B: a replay");
            TestNet.Res ka = n.deliver(n.devA, resp.data());
            assertEquals(Action.WRITE_TO_NETWORK, ka.action(), "the response still completes A's handshake");
            assertNotNull(n.a.currentKeypair());
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
