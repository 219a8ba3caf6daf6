package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * The handshake workers' admission check ({@link InitiationFilter}): a real peer's initiation
 * passes and is then handled unchanged by the device; junk with our public key's MAC1, an
 * unknown initiator, a wrong length each stop there and are counted; several threads may filter
 * at once.
 */
class InitiationFilterTest {

    @Test
    void admitsAPeersInitiationAndTheDeviceStillAnswersIt() {
        try (TestNet n = new TestNet()) {
            byte[] init = n.send(n.a, TestNet.ipv4(40, 1)).data();
            InitiationFilter f = n.devB.initiationFilter();
            assertSame(n.devB, f.device());
            assertTrue(f.admits(init, init.length));
            assertTrue(f.admits(init, init.length), "it changes nothing: the same message passes again");
            assertEquals(0, n.devB.counters().get(Counters.Event.INITIATION_RECEIVED), "the filter handles nothing");
            TestNet.Res resp = n.deliver(n.devB, init);
            assertEquals(Action.WRITE_TO_NETWORK, resp.action());
            assertEquals(Messages.RESPONSE_LENGTH, resp.length(), "the device answers what the filter admitted");
        }
    }

    @Test
    void refusesJunkUnknownInitiatorsAndWrongLengthsAndCountsThem() {
        try (TestNet n = new TestNet()) {
            InitiationFilter f = n.devB.initiationFilter();
            byte[] junk = new byte[Messages.INITIATION_LENGTH];
            new SecureRandom().nextBytes(junk);
            junk[0] = Messages.TYPE_INITIATION;
            assertFalse(f.admits(junk, junk.length));
            assertEquals(1, n.devB.counters().get(Drop.INVALID_INITIATION));

            // a well-formed initiation to B from a key B does not know
            ProtocolCore stranger = new ProtocolCore(PrivateKey.generate(new SecureRandom()), new SecureRandom());
            try {
                Tunnel t = stranger.addPeer(n.keyB.publicKey(), null);
                byte[] init = new byte[Messages.INITIATION_LENGTH];
                assertTrue(t.handshake.createInitiation(n.now, ProtocolCore.systemWallClockNanos(), init));
                assertFalse(f.admits(init, init.length));
                assertEquals(1, n.devB.counters().get(Drop.UNKNOWN_PEER));
            } finally {
                stranger.close();
            }

            byte[] real = n.send(n.a, TestNet.ipv4(40, 1)).data();
            assertFalse(f.admits(real, real.length - 1));
            byte[] response = real.clone();
            response[0] = Messages.TYPE_RESPONSE;
            assertFalse(f.admits(response, response.length));
            assertEquals(2, n.devB.counters().get(Drop.INVALID_LENGTH));
        }
    }

    @Test
    void threadsFilterAtOnceEachWithItsOwnFilter() throws Exception {
        try (TestNet n = new TestNet()) {
            byte[] init = n.send(n.a, TestNet.ipv4(40, 1)).data();
            byte[] junk = init.clone();
            junk[Messages.INIT_NOISE + 40] ^= 1; // the encrypted static no longer authenticates
            int threads = 4, rounds = 200;
            int[] wrong = new int[threads];
            Thread[] ts = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                int k = i;
                ts[i] = Thread.ofPlatform().start(() -> {
                    InitiationFilter f = n.devB.initiationFilter();
                    for (int r = 0; r < rounds; r++) {
                        if (!f.admits(init, init.length)) wrong[k]++;
                        if (f.admits(junk, junk.length)) wrong[k]++;
                    }
                });
            }
            for (Thread t : ts) t.join();
            assertArrayEquals(new int[threads], wrong, "every thread: the real one admitted, the junk refused");
            assertEquals((long) threads * rounds, n.devB.counters().get(Drop.INVALID_INITIATION));
        }
    }

    @Test
    void admitsAllGivesEachInitiationTheVerdictAndTheCountAdmitsWould() {
        try (TestNet n = new TestNet()) {
            InitiationFilter f = n.devB.initiationFilter();
            assertTrue(InitiationFilter.batchSize() >= 1 && InitiationFilter.batchSize() <= InitiationFilter.MAX_BATCH);
            byte[] real = n.send(n.a, TestNet.ipv4(40, 1)).data();
            byte[] junk = new byte[Messages.INITIATION_LENGTH];
            new SecureRandom().nextBytes(junk);
            junk[0] = Messages.TYPE_INITIATION;
            byte[] lowOrder = real.clone(); // e = 0: es is all zeros and must be refused
            java.util.Arrays.fill(lowOrder, Messages.INIT_NOISE, Messages.INIT_NOISE + 32, (byte) 0);
            byte[] tampered = real.clone();
            tampered[Messages.INIT_NOISE + 40] ^= 1;
            byte[][] kinds = {real, junk, lowOrder, tampered, real};
            int[] lens = {real.length, junk.length, lowOrder.length, tampered.length, real.length - 1};
            boolean[] admit = {true, false, false, false, false};
            Drop[] drop = {
                null, Drop.INVALID_INITIATION, Drop.INVALID_INITIATION, Drop.INVALID_INITIATION, Drop.INVALID_LENGTH
            };
            byte[][] data = new byte[4][];
            int[] len = new int[4];
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(12);
            for (int round = 0; round < 60; round++) {
                int count = 1 + round % 4;
                int expect = 0;
                long invalid = n.devB.counters().get(Drop.INVALID_INITIATION);
                long length = n.devB.counters().get(Drop.INVALID_LENGTH);
                long wantInvalid = invalid, wantLength = length;
                for (int j = 0; j < count; j++) {
                    int k = rnd.nextInt(kinds.length);
                    data[j] = kinds[k];
                    len[j] = lens[k];
                    if (admit[k]) expect |= 1 << j;
                    if (drop[k] == Drop.INVALID_INITIATION) wantInvalid++;
                    if (drop[k] == Drop.INVALID_LENGTH) wantLength++;
                }
                assertEquals(expect, f.admitsAll(data, len, count), "round " + round);
                assertEquals(wantInvalid, n.devB.counters().get(Drop.INVALID_INITIATION), "round " + round);
                assertEquals(wantLength, n.devB.counters().get(Drop.INVALID_LENGTH), "round " + round);
            }
            assertThrows(IllegalArgumentException.class, () -> f.admitsAll(data, len, InitiationFilter.MAX_BATCH + 1));
            assertEquals(0, n.devB.counters().get(Counters.Event.INITIATION_RECEIVED), "the filter handles nothing");
            TestNet.Res resp = n.deliver(n.devB, real);
            assertEquals(Messages.RESPONSE_LENGTH, resp.length(), "the device still answers the real one");
        }
    }
}
