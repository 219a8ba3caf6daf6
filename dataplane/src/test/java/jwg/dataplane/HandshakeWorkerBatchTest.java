package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import jwg.noise.Counters;
import jwg.noise.Drop;
import org.junit.jupiter.api.Test;

/**
 * A burst of initiations waits in the handshake workers' queue below the under-load mark: the
 * worker takes them in batches ({@link jwg.noise.InitiationFilter#admitsAll}) and every one is
 * still judged and counted as alone — each junk one refused after its Diffie-Hellman, none
 * answered with a cookie, nothing accepted.
 */
class HandshakeWorkerBatchTest {
    @Test
    void aBurstBelowTheMarkIsAdmittedInBatchesEachCountedOnce() throws Exception {
        SecureRandom random = new SecureRandom();
        int burst = 100, bursts = 20;
        // 1,024 slots: the mark is 128 waiting, so a burst of 100 never puts the device under load
        try (FloodedDevice f = FloodedDevice.start("hsbatch", new DeviceOptions(0, 1024, 100, 1))) {
            Counters c = f.counters;
            byte[] msg = new byte[FloodedDevice.INITIATION];
            long sent = 0;
            for (int b = 0; b < bursts; b++) {
                for (int i = 0; i < burst; i++) {
                    f.sendJunk(msg, random, true);
                    sent++;
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (f.handled() < sent && System.nanoTime() < deadline) Thread.sleep(1);
            }
            long dropped = f.device.stats().get(DeviceStats.Drop.HANDSHAKE_QUEUE_FULL);
            assertEquals(0, dropped, "the queue never filled: " + c);
            assertEquals(0, c.get(Drop.COOKIE_REQUIRED), "never under load: " + c);
            // loopback may lose a datagram under load; each one that arrived is refused exactly once
            long refused = c.get(Drop.INVALID_INITIATION);
            assertTrue(refused > sent * 0.95 && refused <= sent, refused + " of " + sent + " refused: " + c);
            assertEquals(0, c.get(Counters.Event.INITIATION_RECEIVED), "no junk initiation was accepted");
        }
    }
}
