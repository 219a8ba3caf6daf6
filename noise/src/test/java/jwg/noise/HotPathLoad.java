package jwg.noise;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import jwg.noise.crypto.ChaCha20Poly1305;

/**
 * Child-JVM main of {@link HotPathDeoptTest}: the device's seal/open hot path under a mix of
 * packet shapes, the way the device drives it. Transport packets of 1..1420 bytes in random
 * order (most full-size or ACK-sized, as under TCP, the rest uniform), sealed in place in an
 * off-heap buffer of a shared arena with 16 bytes of headroom (the Sender's), copied to another
 * off-heap buffer and opened in place there (the Receiver's), each side with its own AEAD
 * instance; every few thousand packets a handshake-style AEAD over heap arrays with associated
 * data (what {@code SymmetricState} does), a keepalive (empty packet), and a rejected forgery.
 *
 * <p>Arguments: warm-up seconds, measured seconds. Prints {@code window START END} (wall-clock
 * milliseconds of the measured part) and the packet count, for the parent to cut the
 * deoptimization log.
 */
public final class HotPathLoad {
    static final int MTU = 1420;

    public static void main(String[] args) throws Exception {
        double warm = Double.parseDouble(args[0]), measure = Double.parseDouble(args[1]);
        SplittableRandom rnd = new SplittableRandom(args.length > 2 ? Long.parseLong(args[2]) : 1);
        byte[] k1 = new byte[32], k2 = new byte[32];
        rnd.nextBytes(k1);
        rnd.nextBytes(k2);
        Keypair a = new Keypair(null, k1.clone(), k2.clone(), 1, 2, 0, true);
        Keypair b = new Keypair(null, k2.clone(), k1.clone(), 2, 1, 0, false);
        ChaCha20Poly1305 sendAead = new ChaCha20Poly1305(),
                recvAead = new ChaCha20Poly1305(),
                hsAead = new ChaCha20Poly1305();
        long packets = 0, counter = 0;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment tx = arena.allocate(1500 + 64, 16), rx = arena.allocate(1500 + 64, 16);
            long t0 = System.nanoTime();
            long warmEnd = t0 + (long) (warm * 1e9), end = warmEnd + (long) (measure * 1e9);
            boolean measuring = false;
            long start = 0;
            for (; ; ) {
                counter = burst(rnd, a, b, sendAead, recvAead, hsAead, tx, rx, counter);
                packets += 256;
                long now = System.nanoTime();
                if (!measuring && now >= warmEnd) {
                    measuring = true;
                    start = System.currentTimeMillis();
                    packets = 0;
                }
                if (now >= end) break;
            }
            System.out.println("window " + start + " " + System.currentTimeMillis());
            System.out.println("packets " + packets);
        }
    }

    /** 256 packets (and every 4096, the heap and control cases); returns the next counter. */
    static long burst(
            SplittableRandom rnd,
            Keypair a,
            Keypair b,
            ChaCha20Poly1305 sendAead,
            ChaCha20Poly1305 recvAead,
            ChaCha20Poly1305 hsAead,
            MemorySegment tx,
            MemorySegment rx,
            long counter) {
        for (int burst = 0; burst < 256; burst++) {
            int len = length(rnd);
            tx.set(ValueLayout.JAVA_LONG_UNALIGNED, 16, counter); // content does not matter, lengths do
            int n = a.seal(sendAead, counter, tx, 16, len, tx, 0, MTU);
            MemorySegment.copy(tx, 0, rx, 0, n);
            if (!b.open(recvAead, rx, 0, n, rx, 16)) throw new AssertionError("open failed at length " + len);
            counter++;
            if ((counter & 4095) == 0) counter = rare(rnd, a, b, sendAead, recvAead, hsAead, tx, rx, counter);
        }
        return counter;
    }

    private static final byte[] HS_KEY = new byte[32],
            AD = new byte[32],
            HS_PT = new byte[32],
            HS_CT = new byte[48],
            HS_BACK = new byte[32];

    /** A handshake-style AEAD over heap arrays with an AD, a keepalive, a forgery. */
    static long rare(
            SplittableRandom rnd,
            Keypair a,
            Keypair b,
            ChaCha20Poly1305 sendAead,
            ChaCha20Poly1305 recvAead,
            ChaCha20Poly1305 hsAead,
            MemorySegment tx,
            MemorySegment rx,
            long counter) {
        rnd.nextBytes(HS_KEY);
        int hl = (counter & 8192) == 0 ? 32 : 12;
        int c = hsAead.seal(HS_KEY, 0, AD, HS_PT, 0, hl, HS_CT, 0);
        if (!hsAead.open(HS_KEY, 0, AD, HS_CT, 0, c, HS_BACK, 0)) throw new AssertionError("handshake AEAD");
        int k = a.seal(sendAead, counter++, tx, 16, 0, tx, 0, MTU);
        if (!b.open(recvAead, tx, 0, k, rx, 16)) throw new AssertionError("keepalive");
        tx.set(ValueLayout.JAVA_BYTE, 20, (byte) (tx.get(ValueLayout.JAVA_BYTE, 20) ^ 1));
        if (b.open(recvAead, tx, 0, k, rx, 16)) throw new AssertionError("forgery accepted");
        return counter;
    }

    /** Packet lengths as under TCP: half full-size, a third ACK-sized, the rest anything. */
    static int length(SplittableRandom rnd) {
        int r = rnd.nextInt(100);
        if (r < 50) return MTU - rnd.nextInt(48);
        if (r < 83) return 20 + rnd.nextInt(80);
        return 1 + rnd.nextInt(MTU);
    }
}
