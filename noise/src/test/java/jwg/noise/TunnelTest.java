package jwg.noise;

import static jwg.noise.TestNet.MS;
import static jwg.noise.TestNet.S;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two cores wired together in memory under a fake clock. */
class TunnelTest {

    @Test
    void handshakeOnFirstPacketThenDataBothWays() {
        try (TestNet n = new TestNet()) {
            byte[] p1 = TestNet.ipv4(100, 1);
            TestNet.Res staged = n.send(n.a, p1);
            assertEquals(Action.STAGE_PACKET, staged.action(), "no session yet: the caller keeps the packet");
            assertEquals(Messages.INITIATION_LENGTH, staged.length(), "and sends the initiation");
            // a second packet while the handshake is in flight: staged, no second initiation
            TestNet.Res staged2 = n.send(n.a, p1);
            assertEquals(Action.STAGE_PACKET, staged2.action());
            assertEquals(0, staged2.length());

            TestNet.Res resp = n.deliver(n.devB, staged.data());
            assertEquals(Action.WRITE_TO_NETWORK, resp.action());
            assertEquals(Messages.RESPONSE_LENGTH, resp.length());
            assertSame(n.b, resp.tunnel());
            assertNull(n.b.currentKeypair(), "responder: new keypair is only 'next'");
            assertNotNull(n.b.nextKeypair());
            assertEquals(Action.STAGE_PACKET, n.send(n.b, p1).action(), "responder may not send before confirmation");

            TestNet.Res ka = n.deliver(n.devA, resp.data());
            assertEquals(Action.WRITE_TO_NETWORK, ka.action());
            assertEquals(32, ka.length(), "keepalive = 32-byte datagram");
            assertTrue(ka.flush(), "initiator: flush staged packets now");
            assertNotNull(n.a.currentKeypair());

            // the staged packet goes out now; it confirms the responder's keypair
            TestNet.Res d = n.send(n.a, p1);
            assertEquals(Action.WRITE_TO_NETWORK, d.action());
            assertEquals(32 + 112, d.length(), "100 bytes padded to 112");
            TestNet.Res r = n.deliver(n.devB, d.data());
            assertEquals(Action.WRITE_TO_TUNNEL_V4, r.action());
            assertTrue(r.flush(), "responder confirmed: flush its staged packets");
            assertArrayEquals(p1, r.data(), "padding removed");
            assertNotNull(n.b.currentKeypair());
            assertNull(n.b.nextKeypair());

            // keepalive arriving after confirmation is just counted
            assertEquals(Action.DONE, n.deliver(n.devB, ka.data()).action());

            for (int i = 0; i < 5; i++) {
                n.roundTrip(n.a, TestNet.ipv4(20 + i * 300, i));
                n.roundTrip(n.b, TestNet.ipv4(60 + i * 200, i));
                n.roundTrip(n.b, TestNet.ipv6(i * 100, i));
            }
            assertEquals(1, n.devA.counters().get(Counters.Event.HANDSHAKE_COMPLETED));
            assertEquals(0, n.devA.counters().totalDrops());
            assertEquals(0, n.devB.counters().totalDrops());
        }
    }

    @Test
    void paddingIsMultipleOf16ButNeverPastMtu() {
        assertEquals(0, Messages.paddedLength(0, 1420));
        assertEquals(16, Messages.paddedLength(1, 1420));
        assertEquals(16, Messages.paddedLength(16, 1420));
        assertEquals(1420, Messages.paddedLength(1415, 1420), "1424 would pass the MTU");
        assertEquals(1420, Messages.paddedLength(1420, 1420));
        assertEquals(1500, Messages.paddedLength(1500, 1420), "oversized: no padding");
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            TestNet.Res d = n.send(n.a, TestNet.ipv4(1415, 0));
            assertEquals(1420 + 32, d.length());
        }
    }

    @Test
    void replayedAndOldPacketsRejected() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            byte[] d1 = n.send(n.a, TestNet.ipv4(60, 1)).data();
            byte[] d2 = n.send(n.a, TestNet.ipv4(60, 2)).data();
            assertEquals(Action.WRITE_TO_TUNNEL_V4, n.deliver(n.devB, d2).action());
            assertEquals(Action.WRITE_TO_TUNNEL_V4, n.deliver(n.devB, d1).action(), "out of order within the window");
            TestNet.Res again = n.deliver(n.devB, d1);
            assertEquals(Action.DROPPED, again.action());
            assertEquals(Drop.REPLAYED_COUNTER, again.drop());
            assertEquals(0, again.length());
            assertEquals(1, n.devB.counters().get(Drop.REPLAYED_COUNTER));
            // a corrupted copy with a fresh counter: the tag fails and the window does not move
            byte[] forged = n.send(n.a, TestNet.ipv4(60, 3)).data();
            forged[forged.length - 1] ^= 1;
            assertEquals(Drop.DECRYPT_FAILED, n.deliver(n.devB, forged).drop());
            forged[forged.length - 1] ^= 1;
            assertEquals(
                    Action.WRITE_TO_TUNNEL_V4,
                    n.deliver(n.devB, forged).action(),
                    "the real packet still gets through");
        }
    }

    @Test
    void initiatorRekeysAfter120sOnSendAndOldKeypairStillDecrypts() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            Keypair first = n.a.currentKeypair();
            n.advance(119 * S);
            n.roundTrip(n.a, TestNet.ipv4(40, 1));
            assertFalse(n.a.handshakeWanted());
            n.advance(1 * S);
            byte[] inFlight = n.send(n.a, TestNet.ipv4(40, 2)).data();
            assertTrue(n.a.handshakeWanted(), "REKEY_AFTER_TIME reached on send");
            assertFalse(
                    n.a.sentDataWantsHandshake(n.now, n.a.currentKeypair(), false),
                    "already asked: the control thread is woken once, not per packet");
            // responder does not rekey on age (only the initiator does)
            n.roundTrip(n.b, TestNet.ipv4(40, 3));
            assertFalse(n.b.handshakeWanted());

            TestNet.Res init = n.tick(n.a);
            assertEquals(Action.WRITE_TO_NETWORK, init.action());
            assertEquals(Messages.INITIATION_LENGTH, init.length());
            TestNet.Res resp = n.deliver(n.devB, init.data());
            TestNet.Res ka = n.deliver(n.devA, resp.data());
            assertEquals(Action.WRITE_TO_NETWORK, ka.action());
            assertNotSame(first, n.a.currentKeypair());
            assertSame(first, n.a.previousKeypair(), "old keypair kept as previous");
            // the packet sealed with the old keypair, arriving late, still decrypts
            assertEquals(Action.WRITE_TO_TUNNEL_V4, n.deliver(n.devB, inFlight).action());
            assertEquals(Action.DONE, n.deliver(n.devB, ka.data()).action());
            n.roundTrip(n.a, TestNet.ipv4(40, 4));
            n.roundTrip(n.b, TestNet.ipv4(40, 5));
            assertEquals(2, n.devA.counters().get(Counters.Event.HANDSHAKE_COMPLETED));
        }
    }

    @Test
    void initiatorRekeysOnReceiveAt165s() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            n.advance(164 * S);
            n.roundTrip(n.b, TestNet.ipv4(40, 1));
            assertFalse(n.a.handshakeWanted());
            n.advance(1 * S);
            n.roundTrip(n.b, TestNet.ipv4(40, 2));
            assertTrue(n.a.handshakeWanted(), "REJECT - KEEPALIVE - REKEY_TIMEOUT reached on receive");
        }
    }

    @Test
    void sessionExpiresAfter180s() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            n.advance(179 * S);
            byte[] late = n.send(n.b, TestNet.ipv4(40, 1)).data();
            n.advance(1 * S);
            TestNet.Res r = n.deliver(n.devA, late);
            assertEquals(Action.DROPPED, r.action());
            assertEquals(Drop.KEYPAIR_EXPIRED, r.drop());
            TestNet.Res s = n.send(n.b, TestNet.ipv4(40, 2));
            assertEquals(Action.STAGE_PACKET, s.action(), "no sending with a keypair past REJECT_AFTER_TIME");
            assertEquals(Messages.INITIATION_LENGTH, s.length(), "the responder now initiates");
            assertFalse(n.b.hasSession(n.now));
        }
    }

    @Test
    void retransmitsWithJitterThenGivesUp() {
        try (TestNet n = new TestNet()) {
            TestNet.Res first = n.send(n.a, TestNet.ipv4(40, 1));
            assertEquals(Messages.INITIATION_LENGTH, first.length());
            List<Long> sentAt = new ArrayList<>();
            sentAt.add(n.now);
            List<byte[]> initiations = new ArrayList<>();
            boolean gaveUp = false;
            for (int ms = 0; ms < 200_000 && !gaveUp; ms++) { // everything is lost
                n.advance(MS);
                TestNet.Res t = n.tick(n.a);
                if (t.action() == Action.WRITE_TO_NETWORK) {
                    assertEquals(Messages.INITIATION_LENGTH, t.length());
                    sentAt.add(n.now);
                    initiations.add(t.data());
                }
                if (t.dropStaged()) gaveUp = true;
            }
            assertTrue(gaveUp, "gave up");
            assertEquals(Constants.MAX_TIMER_HANDSHAKES + 2, sentAt.size(), "1 + 19 retransmissions, as wireguard-go");
            boolean anyJitter = false;
            for (int i = 1; i < sentAt.size(); i++) {
                long gap = sentAt.get(i) - sentAt.get(i - 1);
                assertTrue(
                        gap >= Constants.REKEY_TIMEOUT
                                && gap <= Constants.REKEY_TIMEOUT + Constants.REKEY_TIMEOUT_JITTER_MAX + MS,
                        "gap " + gap);
                if (gap > Constants.REKEY_TIMEOUT + MS) anyJitter = true;
            }
            assertTrue(anyJitter, "retries are jittered");
            // each retransmission is a fresh initiation (new ephemeral, new index)
            assertFalse(java.util.Arrays.equals(initiations.get(0), initiations.get(1)));
            // after giving up, nothing more is sent
            for (int i = 0; i < 100; i++) {
                n.advance(S);
                assertEquals(Action.DONE, n.tick(n.a).action());
            }
            // a late answer to an old initiation finds no handshake: dropped, never answered
            TestNet.Res resp = n.deliver(n.devB, initiations.get(initiations.size() - 1));
            TestNet.Res late = n.deliver(n.devA, resp.data());
            assertEquals(Action.DROPPED, late.action());
            assertEquals(Drop.UNKNOWN_RECEIVER_INDEX, late.drop());
        }
    }

    @Test
    void lostResponseRecoveredByRetransmission() {
        try (TestNet n = new TestNet()) {
            TestNet.Res first = n.send(n.a, TestNet.ipv4(40, 1));
            n.deliver(n.devB, first.data()); // response lost
            TestNet.Res retry = null;
            for (int i = 0; i < 6000 && retry == null; i++) {
                n.advance(MS);
                TestNet.Res t = n.tick(n.a);
                if (t.action() == Action.WRITE_TO_NETWORK) retry = t;
            }
            assertNotNull(retry);
            TestNet.Res resp = n.deliver(n.devB, retry.data());
            assertEquals(Action.WRITE_TO_NETWORK, resp.action());
            TestNet.Res ka = n.deliver(n.devA, resp.data());
            assertTrue(ka.flush());
            assertEquals(Action.DONE, n.deliver(n.devB, ka.data()).action());
            n.roundTrip(n.a, TestNet.ipv4(40, 2));
            n.roundTrip(n.b, TestNet.ipv4(40, 3));
        }
    }

    @Test
    void keepaliveAfter10sOfOneWayTraffic() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            n.roundTrip(n.a, TestNet.ipv4(40, 1));
            n.advance(9_999 * MS);
            assertEquals(Action.DONE, n.tick(n.b).action());
            n.advance(1 * MS);
            TestNet.Res ka = n.tick(n.b);
            assertEquals(Action.WRITE_TO_NETWORK, ka.action());
            assertEquals(32, ka.length());
            assertEquals(Action.DONE, n.tick(n.b).action(), "only one");
            assertEquals(Action.DONE, n.deliver(n.devA, ka.data()).action());
        }
    }

    @Test
    void newHandshakeWhenDataGetsNoAnswerFor15s() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            n.send(n.a, TestNet.ipv4(40, 1)); // lost, and B never answers
            n.advance(15 * S - MS);
            assertEquals(Action.DONE, n.tick(n.a).action());
            TestNet.Res init = null;
            for (int i = 0; i < 400 && init == null; i++) {
                n.advance(MS);
                TestNet.Res t = n.tick(n.a);
                if (t.action() == Action.WRITE_TO_NETWORK) init = t;
            }
            assertNotNull(init, "new handshake within 15 s + 334 ms jitter");
            assertEquals(Messages.INITIATION_LENGTH, init.length());
        }
    }

    @Test
    void persistentKeepalive() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            n.b.setPersistentKeepalive(25);
            n.advance(24 * S);
            assertEquals(Action.DONE, n.tick(n.b).action());
            n.advance(1 * S);
            TestNet.Res ka = n.tick(n.b);
            assertEquals(Action.WRITE_TO_NETWORK, ka.action());
            assertEquals(32, ka.length());
            assertEquals(Action.DONE, n.tick(n.b).action());
            n.advance(25 * S);
            assertEquals(Action.WRITE_TO_NETWORK, n.tick(n.b).action());
        }
    }

    @Test
    void persistentKeepaliveBringsUpASession() {
        try (TestNet n = new TestNet()) {
            n.a.setPersistentKeepalive(25);
            TestNet.Res init = n.tick(n.a);
            assertEquals(Action.WRITE_TO_NETWORK, init.action(), "no session: a handshake starts at once");
            assertEquals(Messages.INITIATION_LENGTH, init.length());
            TestNet.Res ka = n.deliver(n.devA, n.deliver(n.devB, init.data()).data());
            assertEquals(Action.DONE, n.deliver(n.devB, ka.data()).action());
            assertTrue(n.b.hasSession(n.now));
            // and it stays up: after 180 s of silence the keepalives have kept rekeying it
            for (int s = 0; s < 400; s++) {
                n.advance(S);
                for (TestNet.Res t = n.tick(n.a); t.action() != Action.DONE; t = n.tick(n.a)) {
                    TestNet.Res r = n.deliver(n.devB, t.data());
                    if (r.action() == Action.WRITE_TO_NETWORK) {
                        TestNet.Res back = n.deliver(n.devA, r.data());
                        if (back.action() == Action.WRITE_TO_NETWORK) n.deliver(n.devB, back.data());
                    }
                }
                for (TestNet.Res t = n.tick(n.b); t.action() != Action.DONE; t = n.tick(n.b))
                    n.deliver(n.devA, t.data());
            }
            assertTrue(n.a.hasSession(n.now));
            n.roundTrip(n.b, TestNet.ipv4(40, 1));
        }
    }

    @Test
    void keysZeroedAfter540s() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            Keypair ka = n.a.currentKeypair(), kb = n.b.currentKeypair();
            n.advance(3 * Constants.REJECT_AFTER_TIME - MS);
            n.tick(n.a);
            n.tick(n.b);
            assertNotNull(n.a.currentKeypair());
            n.advance(MS);
            n.tick(n.a);
            n.tick(n.b);
            assertNull(n.a.currentKeypair());
            assertNull(n.b.currentKeypair());
            assertTrue(ka.isWiped() && kb.isWiped());
            assertNull(n.devA.lookup(ka.localIndex), "index removed");
            assertEquals(1, n.devA.counters().get(Counters.Event.KEYS_ZEROED));
        }
    }

    @Test
    void rekeyAfterMessages() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            n.advance(6 * S); // initiations are at most one per REKEY_TIMEOUT
            n.a.currentKeypair().setSendCounter(Constants.REKEY_AFTER_MESSAGES - 1);
            n.roundTrip(n.a, TestNet.ipv4(40, 1)); // counter 2^60 - 1
            assertFalse(n.a.handshakeWanted());
            n.roundTrip(n.a, TestNet.ipv4(40, 2)); // counter 2^60: next one would be past the limit
            assertTrue(n.a.handshakeWanted(), "counter past REKEY_AFTER_MESSAGES");
            // the responder rekeys on messages too
            n.b.currentKeypair().setSendCounter(Constants.REKEY_AFTER_MESSAGES + 1);
            n.roundTrip(n.b, TestNet.ipv4(40, 3));
            assertTrue(n.b.handshakeWanted());
        }
    }

    @Test
    void rejectAfterMessages() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            long last = Constants.REJECT_AFTER_MESSAGES - 1; // 2^64 - 2^13 - 2, unsigned
            n.a.currentKeypair().setSendCounter(last - 1);
            n.advance(6 * S); // past the REKEY_TIMEOUT rate limit on initiations
            n.roundTrip(n.a, TestNet.ipv4(40, 1));
            n.roundTrip(n.a, TestNet.ipv4(40, 2)); // counter = REJECT_AFTER_MESSAGES - 1: the last one allowed
            TestNet.Res s = n.send(n.a, TestNet.ipv4(40, 3));
            assertEquals(Action.STAGE_PACKET, s.action(), "counter exhausted: no more sending");
            assertEquals(Messages.INITIATION_LENGTH, s.length(), "a handshake starts");
            assertTrue(Long.compareUnsigned(n.a.currentKeypair().sendCounter(), Constants.REJECT_AFTER_MESSAGES) >= 0);
            // a receiver never accepts a counter at or past the limit
            ReplayWindow w = new ReplayWindow();
            assertFalse(w.accept(Constants.REJECT_AFTER_MESSAGES, Constants.REJECT_AFTER_MESSAGES));
            assertTrue(w.accept(Constants.REJECT_AFTER_MESSAGES - 1, Constants.REJECT_AFTER_MESSAGES));
        }
    }

    @Test
    void initiationFloodAndReplayRejected() {
        try (TestNet n = new TestNet()) {
            // a second device with A's identity lets us make two initiations 10 ms apart
            long[] twinWall = {1_795_370_100L * S};
            ProtocolCore twin = new ProtocolCore(n.keyA, new java.security.SecureRandom(), () -> twinWall[0]);
            Tunnel ta = twin.addPeer(n.keyB.publicKey(), n.psk);
            Result o = new Result(n.arena.allocate(256), 0, 256);
            assertEquals(
                    Action.WRITE_TO_NETWORK, n.a.initiateHandshake(n.now, o).action());
            byte[] i1 = o.toArray();
            n.advance(10 * MS);
            assertEquals(Action.WRITE_TO_NETWORK, ta.initiateHandshake(n.now, o).action()); // later wall clock
            byte[] i2 = o.toArray();
            assertEquals(Action.WRITE_TO_NETWORK, n.deliver(n.devB, i2).action());
            n.advance(5 * MS);
            TestNet.Res r = n.deliver(n.devB, i1);
            assertEquals(Drop.REPLAYED_INITIATION, r.drop(), "older timestamp");
            twinWall[0] += S;
            assertEquals(
                    Action.WRITE_TO_NETWORK, ta.tick(n.now + 6 * S, o).action()); // retransmission, newer timestamp
            byte[] i3 = o.toArray();
            TestNet.Res f = n.deliver(n.devB, i3);
            assertEquals(Drop.INITIATION_FLOOD, f.drop(), "within 20 ms of the last accepted one");
            assertEquals(0, f.length());
            n.advance(20 * MS);
            assertEquals(Action.WRITE_TO_NETWORK, n.deliver(n.devB, i3).action(), "fine after 20 ms");
        }
    }

    @Test
    void removePeerWipesKeys() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            Keypair k = n.a.currentKeypair();
            n.devA.removePeer(n.keyB.publicKey());
            assertTrue(k.isWiped());
            assertNull(n.devA.lookup(k.localIndex));
            assertNull(n.devA.peer(n.keyB.publicKey()));
        }
    }

    @Test
    void secretsNeverPrinted() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            String all = n.keyA + " " + n.psk + " " + n.a.currentKeypair() + " " + n.a.handshake + " " + n.a + " "
                    + n.devA + " " + n.a.handshake.cookies + " " + n.devA.cookieChecker;
            assertFalse(all.contains(n.keyA.toBase64()));
            assertFalse(all.contains(n.psk.toBase64()));
            assertFalse(all.contains(n.keyA.toHex()));
            assertTrue(all.contains("redacted"));
        }
    }

    @Test
    void crossingInitiationsConverge() {
        try (TestNet n = new TestNet()) {
            // both sides want to talk at the same moment
            TestNet.Res ia = n.send(n.a, TestNet.ipv4(40, 1));
            TestNet.Res ib = n.send(n.b, TestNet.ipv4(40, 2));
            assertEquals(Messages.INITIATION_LENGTH, ia.length());
            assertEquals(Messages.INITIATION_LENGTH, ib.length());
            java.util.ArrayDeque<byte[]> toA = new java.util.ArrayDeque<>(), toB = new java.util.ArrayDeque<>();
            toB.add(ia.data());
            toA.add(ib.data());
            java.util.List<byte[]> stagedA = new java.util.ArrayList<>(List.of(TestNet.ipv4(40, 1)));
            java.util.List<byte[]> stagedB = new java.util.ArrayList<>(List.of(TestNet.ipv4(40, 2)));
            int deliveredToA = 0, deliveredToB = 0;
            for (int ms = 0; ms < 30_000 && (deliveredToA == 0 || deliveredToB == 0); ms++) {
                while (!toA.isEmpty() || !toB.isEmpty()) {
                    if (!toB.isEmpty()) {
                        TestNet.Res r = n.deliver(n.devB, toB.poll());
                        if (r.action() == Action.WRITE_TO_NETWORK) toA.add(r.data());
                        if (r.action() == Action.WRITE_TO_TUNNEL_V4) deliveredToB++;
                        if (r.flush()) flush(n, n.b, stagedB, toA);
                    }
                    if (!toA.isEmpty()) {
                        TestNet.Res r = n.deliver(n.devA, toA.poll());
                        if (r.action() == Action.WRITE_TO_NETWORK) toB.add(r.data());
                        if (r.action() == Action.WRITE_TO_TUNNEL_V4) deliveredToA++;
                        if (r.flush()) flush(n, n.a, stagedA, toB);
                    }
                }
                n.advance(MS);
                for (TestNet.Res t = n.tick(n.a); t.action() != Action.DONE; t = n.tick(n.a)) toB.add(t.data());
                for (TestNet.Res t = n.tick(n.b); t.action() != Action.DONE; t = n.tick(n.b)) toA.add(t.data());
            }
            assertEquals(1, deliveredToA, "B's staged packet arrived");
            assertEquals(1, deliveredToB, "A's staged packet arrived");
            n.roundTrip(n.a, TestNet.ipv4(40, 3));
            n.roundTrip(n.b, TestNet.ipv4(40, 4));
        }
    }

    private static void flush(TestNet n, Tunnel t, List<byte[]> staged, java.util.Deque<byte[]> wire) {
        for (java.util.Iterator<byte[]> it = staged.iterator(); it.hasNext(); ) {
            TestNet.Res r = n.send(t, it.next());
            if (r.action() == Action.WRITE_TO_NETWORK) {
                wire.add(r.data());
                it.remove();
            } else if (r.length() > 0) {
                wire.add(r.data());
            }
        }
    }
}
