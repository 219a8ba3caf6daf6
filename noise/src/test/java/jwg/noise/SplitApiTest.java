package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jwg.noise.crypto.ChaCha20Poly1305;
import org.junit.jupiter.api.Test;

/**
 * The dataplane's split path: counters reserved in order, sealing/opening on worker threads in
 * parallel with per-thread AEADs, replay check and timers back on the ordered side.
 */
class SplitApiTest {

    @Test
    void parallelSealAndOpenWithOrderedBookkeeping() throws Exception {
        try (TestNet n = new TestNet();
                Arena arena = Arena.ofShared()) {
            n.handshake(n.a);
            int count = 2000, size = 1420;
            ThreadLocal<ChaCha20Poly1305> aead = ThreadLocal.withInitial(ChaCha20Poly1305::new);
            MemorySegment bufs = arena.allocate((long) count * 2048);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                // ordered send side: pick the keypair and reserve counters, then seal on workers (in place)
                List<Future<Integer>> sealed = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    Keypair kp = n.a.sendingKeypair(n.now);
                    assertNotNull(kp);
                    long c = kp.nextSendCounter();
                    assertEquals(i + 1, c); // 0 went to the keepalive that confirmed the session
                    byte[] pkt = TestNet.ipv4(size - 10, i);
                    long off = (long) i * 2048;
                    MemorySegment.copy(MemorySegment.ofArray(pkt), 0, bufs, off + 16, pkt.length);
                    sealed.add(pool.submit(
                            () -> kp.seal(aead.get(), c, bufs, off + 16, pkt.length, bufs, off, n.a.mtu())));
                }
                int[] lens = new int[count];
                for (int i = 0; i < count; i++) {
                    lens[i] = sealed.get(i).get();
                    n.a.sentDataWantsHandshake(n.now, n.a.currentKeypair(), false);
                }
                // the network reorders a little (within the window)
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < count; i++) order.add(i);
                Collections.shuffle(order.subList(0, 1000), new java.util.Random(1));
                // receive: lookup on the I/O side, open on workers (in place), replay check in order
                List<Future<Boolean>> opened = new ArrayList<>();
                List<Keypair> kps = new ArrayList<>();
                for (int i : order) {
                    long off = (long) i * 2048;
                    int idx = bufs.get(Messages.INT_LE, off + 4);
                    Keypair kp = n.devB.lookup(idx);
                    assertNotNull(kp);
                    assertSame(n.b, kp.tunnel());
                    kps.add(kp);
                    int len = lens[i];
                    opened.add(pool.submit(() -> kp.open(aead.get(), bufs, off, len, bufs, off + 16)));
                }
                Result out = new Result();
                for (int k = 0; k < count; k++) {
                    int i = order.get(k);
                    assertTrue(opened.get(k).get());
                    long off = (long) i * 2048;
                    long counter = Messages.transportCounter(bufs, off);
                    Action a = n.b.receivedData(n.now, kps.get(k), counter, bufs, off + 16, lens[i] - 32, out)
                            .action();
                    assertEquals(Action.WRITE_TO_TUNNEL_V4, a);
                    assertEquals(size - 10, out.length());
                    byte[] got = bufs.asSlice(off + 16, out.length()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                    assertArrayEquals(TestNet.ipv4(size - 10, i), got);
                }
                // a replay through the split path is caught by the ordered side
                assertEquals(
                        Action.DROPPED,
                        n.b.receivedData(
                                        n.now,
                                        kps.get(0),
                                        Messages.transportCounter(bufs, (long) order.get(0) * 2048),
                                        bufs,
                                        16,
                                        0,
                                        out)
                                .action());
                assertEquals(Drop.REPLAYED_COUNTER, out.drop());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
