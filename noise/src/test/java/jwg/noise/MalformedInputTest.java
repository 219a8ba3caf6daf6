package jwg.noise;

import static jwg.noise.TestNet.S;
import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile input of every type and length: dropped, counted, never answered, never thrown. */
class MalformedInputTest {

    private static void assertDropped(TestNet.Res r, Drop reason) {
        assertEquals(Action.DROPPED, r.action(), () -> "expected drop " + reason + ", got " + r);
        assertEquals(reason, r.drop());
        assertEquals(0, r.length(), "nothing is sent in reply");
    }

    @Test
    void wrongTypesAndLengths() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            long before = n.devB.counters().get(Drop.INVALID_TYPE);
            assertDropped(n.deliver(n.devB, new byte[0]), Drop.INVALID_TYPE);
            assertDropped(n.deliver(n.devB, new byte[3]), Drop.INVALID_TYPE);
            assertDropped(n.deliver(n.devB, new byte[148]), Drop.INVALID_TYPE); // type 0
            byte[] t5 = new byte[148];
            t5[0] = 5;
            assertDropped(n.deliver(n.devB, t5), Drop.INVALID_TYPE);
            byte[] reserved = new byte[148];
            reserved[0] = 1;
            reserved[3] = 1; // reserved bytes must be zero
            assertDropped(n.deliver(n.devB, reserved), Drop.INVALID_TYPE);
            assertEquals(before + 5, n.devB.counters().get(Drop.INVALID_TYPE));

            int[][] exact = {{1, 148}, {2, 92}, {3, 64}};
            for (int[] te : exact) {
                for (int len : new int[] {4, te[1] - 1, te[1] + 1, te[1] + 16, 1500}) {
                    byte[] m = new byte[len];
                    m[0] = (byte) te[0];
                    assertDropped(n.deliver(n.devB, m), Drop.INVALID_LENGTH);
                }
            }
            for (int len : new int[] {4, 16, 31}) {
                byte[] m = new byte[len];
                m[0] = 4;
                assertDropped(n.deliver(n.devB, m), Drop.INVALID_LENGTH);
            }
            assertEquals(18, n.devB.counters().get(Drop.INVALID_LENGTH));
            // the session is unharmed
            n.roundTrip(n.a, TestNet.ipv4(40, 1));
        }
    }

    @Test
    void badMacBadTagUnknownIndexUnknownPeer() {
        try (TestNet n = new TestNet()) {
            // initiation with a broken MAC1
            Result o = new Result(n.arena.allocate(256), 0, 256);
            n.a.initiateHandshake(n.now, o);
            byte[] init = o.toArray();
            byte[] badMac = init.clone();
            badMac[Messages.INIT_MAC1] ^= 1;
            assertDropped(n.deliver(n.devB, badMac), Drop.INVALID_MAC1);
            // garbage in the encrypted part (MAC1 recomputed so it passes): does not decrypt
            byte[] badStatic = init.clone();
            badStatic[Messages.INIT_NOISE + 40] ^= 1;
            n.a.handshake.cookies.addMacs(badStatic, Messages.INIT_MAC1, n.now);
            assertDropped(n.deliver(n.devB, badStatic), Drop.INVALID_INITIATION);
            // a valid initiation from a stranger (B does not know C)
            TestNet other = new TestNet();
            ProtocolCore c = new ProtocolCore(
                    PrivateKey.generate(new java.security.SecureRandom()), new java.security.SecureRandom());
            Tunnel cb = c.addPeer(n.keyB.publicKey(), null);
            cb.initiateHandshake(n.now, o);
            assertDropped(n.deliver(n.devB, o.toArray()), Drop.UNKNOWN_PEER);
            other.close();

            // the real handshake
            TestNet.Res resp = n.deliver(n.devB, init);
            assertEquals(Action.WRITE_TO_NETWORK, resp.action());
            byte[] badResp = resp.data().clone();
            badResp[Messages.RESP_NOISE + 33] ^= 1; // inside the encrypted empty payload
            n.b.handshake.cookies.addMacs(badResp, Messages.RESP_MAC1, n.now);
            assertDropped(n.deliver(n.devA, badResp), Drop.INVALID_RESPONSE);
            byte[] badRespMac = resp.data().clone();
            badRespMac[Messages.RESP_MAC1 + 3] ^= 1;
            assertDropped(n.deliver(n.devA, badRespMac), Drop.INVALID_MAC1);
            TestNet.Res ka = n.deliver(n.devA, resp.data());
            assertEquals(
                    Action.WRITE_TO_NETWORK, ka.action(), "the forged responses did not spoil the pending handshake");
            assertDropped(n.deliver(n.devA, resp.data()), Drop.UNKNOWN_RECEIVER_INDEX); // replayed response
            n.deliver(n.devB, ka.data());

            byte[] data = n.send(n.a, TestNet.ipv4(80, 1)).data();
            byte[] badTag = data.clone();
            badTag[20] ^= 1;
            assertDropped(n.deliver(n.devB, badTag), Drop.DECRYPT_FAILED);
            byte[] badIndex = data.clone();
            badIndex[4] ^= 1;
            assertDropped(n.deliver(n.devB, badIndex), Drop.UNKNOWN_RECEIVER_INDEX);
            byte[] cookie = new byte[64];
            cookie[0] = 3;
            assertDropped(n.deliver(n.devB, cookie), Drop.UNKNOWN_RECEIVER_INDEX);
            System.arraycopy(data, 4, cookie, 4, 4); // a known index, but a forged cookie
            assertDropped(n.deliver(n.devB, cookie), Drop.INVALID_COOKIE_REPLY);
            assertEquals(Action.WRITE_TO_TUNNEL_V4, n.deliver(n.devB, data).action(), "the real packet still works");

            // an authenticated payload that is not an IP packet
            byte[] notIp = new byte[40];
            notIp[0] = 0x15;
            assertDropped(n.deliver(n.devB, n.send(n.a, notIp).data()), Drop.INVALID_INNER_PACKET);
            byte[] lies = TestNet.ipv4(40, 2);
            lies[3] = (byte) 200; // claims 200 bytes
            assertDropped(n.deliver(n.devB, n.send(n.a, lies).data()), Drop.INVALID_INNER_PACKET);
        }
    }

    @Test
    void randomGarbageNeverThrowsNorAnswers() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            byte[] valid = n.send(n.a, TestNet.ipv4(100, 1)).data();
            Random r = new Random(7);
            int[] lengths = {0, 1, 4, 31, 32, 33, 63, 64, 65, 91, 92, 93, 147, 148, 149, 200, 1500};
            long drops = n.devB.counters().totalDrops();
            int count = 0;
            for (int i = 0; i < 5000; i++) {
                byte[] m;
                if (i % 3 == 0) {
                    m = valid.clone(); // a valid packet with a few flipped bits
                    for (int k = 0; k <= r.nextInt(3); k++) m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
                } else {
                    m = new byte[lengths[r.nextInt(lengths.length)]];
                    r.nextBytes(m);
                    if (m.length >= 4 && r.nextBoolean()) {
                        m[0] = (byte) (1 + r.nextInt(4));
                        m[1] = m[2] = m[3] = 0;
                    }
                }
                if (java.util.Arrays.equals(m, valid)) continue;
                TestNet.Res res = n.deliver(n.devB, m, new InetSocketAddress("198.51.100.7", 1000 + i));
                assertEquals(Action.DROPPED, res.action(), "garbage #" + i);
                assertEquals(0, res.length());
                count++;
            }
            assertEquals(drops + count, n.devB.counters().totalDrops(), "every drop counted");
        }
    }

    @Test
    void garbageUnderLoadIsNotAnsweredEither() {
        try (TestNet n = new TestNet()) {
            n.devB.setUnderLoad(true);
            Random r = new Random(9);
            for (int i = 0; i < 500; i++) {
                byte[] m = new byte[i % 2 == 0 ? 148 : 92];
                r.nextBytes(m);
                m[0] = (byte) (i % 2 == 0 ? 1 : 2);
                m[1] = m[2] = m[3] = 0;
                TestNet.Res res = n.deliver(n.devB, m);
                assertEquals(Drop.INVALID_MAC1, res.drop(), "no cookie for a message without a valid MAC1");
                assertEquals(0, res.length());
            }
            n.advance(S);
        }
    }
}
