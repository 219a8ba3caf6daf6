package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.function.LongSupplier;
import jwg.noise.Counters;
import jwg.noise.Drop;
import org.junit.jupiter.api.Test;

/**
 * A handshake flood costs the responder no allocation: initiations with a wrong MAC1 (refused by
 * the receive thread before they take a queue slot) and initiations with a valid MAC1 but junk
 * contents (Diffie-Hellman on a handshake worker, or a cookie reply from the conductor when the
 * queues are loaded), sent over loopback UDP to a real device. Measured with the JVM's per-thread
 * allocation counters on the receive, conductor and handshake worker threads.
 */
class HandshakeFloodAllocationTest {
    @Test
    void unauthenticatedInitiationsAllocateNothing() throws Exception {
        SecureRandom random = new SecureRandom();
        // a small queue (under load at 1 waiting message), so the cookie-reply path runs too
        try (FloodedDevice f = FloodedDevice.start("floodal", new DeviceOptions(0, 16, 100, 2))) {
            DatagramChannel ch = f.channel;
            ch.configureBlocking(false); // cookie replies come back: read and ignore them
            Counters c = f.counters;
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] ids = threads(
                    "jwg-recv-floodal", "jwg-conductor-floodal", "jwg-handshake-floodal-0", "jwg-handshake-floodal-1");

            // wrong MAC1: counted by the receive thread, never queued
            LongSupplier badMac = () -> c.get(Drop.INVALID_MAC1);
            send(f, random, false, 20_000, badMac); // warm-up
            double bad = best(mx, ids, () -> send(f, random, false, 10_000, badMac));
            // valid MAC1, junk contents: DH fails (INVALID_INITIATION) or, under load, a cookie reply
            LongSupplier handled = f::handled;
            send(f, random, true, 20_000, handled); // warm-up (the cookie path compiled)
            double junk = best(mx, ids, () -> send(f, random, true, 4_000, handled));

            assertTrue(bad < 1, "bytes allocated per wrong-MAC1 initiation: " + bad);
            assertTrue(junk < 1, "bytes allocated per valid-MAC1 junk initiation: " + junk + " (" + c + ")");
            assertTrue(c.get(Drop.INVALID_MAC1) >= 50_000, "wrong MAC1 counted: " + c);
            assertTrue(c.get(Drop.COOKIE_REQUIRED) > 0, "under load, some junk got a cookie reply: " + c);
            assertEquals(0, c.get(Counters.Event.INITIATION_RECEIVED), "no junk initiation was accepted");
        }
    }

    interface Window {
        long run() throws Exception;
    }

    /** Bytes allocated on the device's handshake threads per datagram: the best of three windows (JIT recompilation may land in one). */
    private static double best(com.sun.management.ThreadMXBean mx, long[] ids, Window w) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long before = allocated(mx, ids);
            long n = w.run();
            long after = allocated(mx, ids);
            best = Math.min(best, (after - before) / (double) n);
        }
        return best;
    }

    private static long allocated(com.sun.management.ThreadMXBean mx, long[] ids) {
        long sum = 0;
        for (long id : ids) sum += mx.getThreadAllocatedBytes(id);
        return sum;
    }

    /** Sends {@code count} initiations (valid MAC1 or not) in windows of 32, each waiting until {@code done} counted it. */
    private static long send(FloodedDevice f, SecureRandom random, boolean validMac1, int count, LongSupplier done)
            throws Exception {
        byte[] msg = new byte[FloodedDevice.INITIATION];
        ByteBuffer in = ByteBuffer.allocate(256);
        long start = done.getAsLong();
        for (int sent = 0; sent < count; sent += 32) {
            for (int i = 0; i < 32; i++) f.sendJunk(msg, random, validMac1);
            long target = start + sent + 32, deadline = System.nanoTime() + 5_000_000_000L;
            while (done.getAsLong() < target && System.nanoTime() < deadline) {
                while (f.channel.receive(in.clear()) != null) {
                    /* a cookie reply */
                }
                Thread.onSpinWait();
            }
            if (done.getAsLong() < target) start = done.getAsLong() - sent - 32; // lost on loopback: re-sync
        }
        return count;
    }

    private static long[] threads(String... names) {
        long[] ids = new long[names.length];
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            for (int i = 0; i < names.length; i++) if (t.getName().equals(names[i])) ids[i] = t.threadId();
        }
        for (int i = 0; i < ids.length; i++) assertNotEquals(0, ids[i], "thread " + names[i] + " not found");
        return ids;
    }
}
