package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class Tai64nTest {
    @Test
    void encodesAsWireGuardGoDoes() {
        byte[] ts = new byte[12];
        Tai64n.encode(0, ts, 0);
        assertEquals("400000000000000a00000000", Hex.of(ts));
        Tai64n.encode(1_700_000_000_123_456_789L, ts, 0);
        // seconds = 2^62 + 10 + 1700000000 = 0x400000006553f10a, nanos 123456789 = 0x075bcd15
        assertEquals("400000006553f10a075bcd15", Hex.of(ts));
    }

    @Test
    void roundTripsAtAnOffset() {
        byte[] buf = new byte[20];
        for (long t : new long[] {0, 1, 999_999_999, 1_000_000_000, 1_700_000_000_123_456_789L, -1, -1_500_000_000L}) {
            Tai64n.encode(t, buf, 5);
            assertEquals(t, Tai64n.decode(buf, 5));
        }
    }

    @Test
    void laterIsBytewiseGreater() {
        byte[] a = new byte[12], b = new byte[12];
        long[] times = {
            0, 1, 999_999_999, 1_000_000_000, 1_000_000_001, 1_700_000_000_000_000_000L, 1_700_000_000_000_000_001L
        };
        for (int i = 0; i < times.length; i++) {
            for (int j = 0; j < times.length; j++) {
                Tai64n.encode(times[i], a, 0);
                Tai64n.encode(times[j], b, 0);
                assertEquals(
                        Integer.signum(Long.compare(times[i], times[j])),
                        Integer.signum(Tai64n.compare(a, 0, b, 0)),
                        times[i] + " vs " + times[j]);
            }
        }
    }
}
