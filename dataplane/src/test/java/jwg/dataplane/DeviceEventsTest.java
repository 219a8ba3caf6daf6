package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jwg.noise.PrivateKey;
import jwg.tun.MemoryTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JFR events of the data plane, recorded from a real handshake between two devices over
 * loopback UDP (in-memory TUNs), read back from the recording file; and the packet counters the
 * metrics endpoint reads.
 */
class DeviceEventsTest {
    private PrivateKey keyA, keyB;
    private final MemoryTun tunA = new MemoryTun("evA", 1420);
    private final MemoryTun tunB = new MemoryTun("evB", 1420);
    private Device a, b;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    private void start() throws Exception {
        TwoDevices devices = TwoDevices.between(tunA, tunB)
                .endpoints(TwoDevices.Endpoints.A_KNOWS_B)
                .start();
        a = devices.a();
        b = devices.b();
        keyA = devices.keyA();
        keyB = devices.keyB();
    }

    @Test
    void aRealHandshakeAndADropAreRecorded() throws Exception {
        Path file = dir.resolve("jwg.jfr");
        try (Recording r = new Recording()) {
            r.enable("jwg.Handshake");
            r.enable("jwg.Drop").withPeriod(Duration.ofMillis(100));
            r.start();
            start();
            byte[] ping = Packets.ipv4("192.0.2.1", "192.0.2.2", "hello".getBytes());
            tunA.inject(ping);
            assertArrayEquals(ping, tunB.take(5000));
            tunA.inject(Packets.ipv4("192.0.2.1", "203.0.113.9", "no route".getBytes())); // NO_ROUTE on A
            tunA.inject(Packets.ipv4("192.0.2.1", "203.0.113.9", "no route".getBytes()));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (a.stats().get(DeviceStats.Drop.NO_ROUTE) < 2 && System.nanoTime() < deadline) Thread.sleep(10);
            Thread.sleep(
                    2000); // many drop periods (100 ms each), also when JFR's periodic thread runs late on a loaded
            // machine
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> handshakes = events.stream()
                .filter(e -> e.getEventType().getName().equals("jwg.Handshake"))
                .toList();
        assertTrue(
                handshakes.stream()
                        .anyMatch(e -> e.getString("device").equals("evA")
                                && e.getString("role").equals("initiator")
                                && e.getString("peer").equals(keyB.publicKey().toBase64())
                                && e.getString("endpoint").contains("127.0.0.1")),
                handshakes.toString());
        assertTrue(
                handshakes.stream()
                        .anyMatch(e -> e.getString("device").equals("evB")
                                && e.getString("role").equals("responder")
                                && e.getString("peer").equals(keyA.publicKey().toBase64())),
                handshakes.toString());
        List<RecordedEvent> drops = events.stream()
                .filter(e -> e.getEventType().getName().equals("jwg.Drop")
                        && e.getString("device").equals("evA"))
                .toList();
        long noRoute = drops.stream()
                .filter(e -> e.getString("reason").equals("NO_ROUTE")
                        && e.getString("layer").equals("device"))
                .mapToLong(e -> e.getLong("count"))
                .sum();
        assertEquals(2, noRoute, "two NO_ROUTE drops, each reported once: " + drops);
        assertTrue(
                drops.stream().allMatch(e -> e.getLong("count") > 0 && e.getLong("total") >= e.getLong("count")),
                drops.toString());
        assertFalse(
                events.stream()
                        .anyMatch(e -> e.toString().contains(keyA.toBase64())
                                || e.toString().contains(keyB.toBase64())),
                "no private key in any event");
    }

    @Test
    void trafficCountsDatagramsAndBytesBothWays() throws Exception {
        start();
        assertEquals(-1, a.traffic(keyB.publicKey()).handshakeAgeNanos(), "no handshake yet");
        for (int i = 0; i < 5; i++) {
            byte[] ping = Packets.ipv4("192.0.2.1", "192.0.2.2", ("p" + i).getBytes());
            tunA.inject(ping);
            assertArrayEquals(ping, tunB.take(5000));
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        Device.PeerTraffic ta, tb;
        do {
            ta = a.traffic(keyB.publicKey());
            tb = b.traffic(keyA.publicKey());
        } while ((ta.txPackets() < 6 || tb.rxPackets() < 6) && System.nanoTime() < deadline);
        // A sent an initiation and five data packets; B received them all
        assertTrue(ta.txPackets() >= 6 && tb.rxPackets() >= 6, ta + " " + tb);
        assertTrue(ta.rxPackets() >= 1, "the handshake response: " + ta);
        assertEquals(ta.txBytes(), b.stats(keyA.publicKey()).rxBytes(), "B received every byte A sent");
        assertTrue(ta.handshakeAgeNanos() >= 0 && ta.handshakeAgeNanos() < 5_000_000_000L, ta.toString());
        assertNull(a.traffic(keyA.publicKey()), "not a peer");
    }
}
