package jwg.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class MemoryTunPairTest {
    @Test
    void packetsCrossAndCloseWakesTheReader() throws Exception {
        MemoryTunPair pair = new MemoryTunPair("m0", "m1", 1420, 4);
        MemorySegment buf = Arena.ofAuto().allocate(2000);
        buf.set(ValueLayout.JAVA_BYTE, 10, (byte) 0x45);
        pair.a().write(buf, 10, 100);
        assertEquals(100, pair.b().read(buf, 500, 2000 - 500));
        assertEquals(0x45, buf.get(ValueLayout.JAVA_BYTE, 500));
        assertEquals(0, pair.b().tryRead(buf, 0, 2000), "nothing queued");
        pair.a().write(buf, 0, 77);
        assertEquals(77, pair.b().tryRead(buf, 0, 2000));
        for (int i = 0; i < 10; i++) pair.b().write(buf, 0, 60); // 4 fit, the rest drop
        int got = 0;
        while (got < 4) got += pair.a().read(buf, 0, 2000) == 60 ? 1 : 0;
        int[] result = {0};
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                result[0] = pair.a().read(buf, 0, 2000);
            } catch (java.io.IOException e) {
                result[0] = -2;
            }
        });
        Thread.sleep(100);
        pair.a().close();
        t.join(1000);
        assertFalse(t.isAlive());
        assertEquals(-1, result[0]);
        assertEquals(-1, pair.a().tryRead(buf, 0, 2000), "closed");
        assertEquals("m1", pair.b().name());
        assertEquals(1420, pair.b().mtu());
    }
}
