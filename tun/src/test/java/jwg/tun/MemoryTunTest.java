package jwg.tun;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class MemoryTunTest {
    @Test
    void packetsCrossBothWaysFullQueuesDropAndCloseWakesTheReader() throws Exception {
        MemoryTun tun = new MemoryTun("m0", 1420, 4);
        MemorySegment buf = Arena.ofAuto().allocate(2000);
        byte[] packet = new byte[100];
        packet[0] = 0x45;
        assertTrue(tun.inject(packet));
        assertEquals(100, tun.read(buf, 500, 2000 - 500));
        assertEquals(0x45, buf.get(ValueLayout.JAVA_BYTE, 500));
        assertEquals(0, tun.tryRead(buf, 0, 2000), "nothing queued");
        tun.inject(new byte[77]);
        assertEquals(77, tun.tryRead(buf, 0, 2000));
        tun.inject(new byte[300]);
        assertEquals(200, tun.read(buf, 0, 200), "a short buffer truncates");

        buf.set(ValueLayout.JAVA_BYTE, 10, (byte) 0x60);
        tun.write(buf, 10, 60);
        byte[] out = tun.take(1000);
        assertEquals(60, out.length);
        assertEquals(0x60, out[0]);
        assertNull(tun.take(50), "nothing more written");
        for (int i = 0; i < 10; i++) tun.write(buf, 0, 60); // 4 fit, the rest drop
        for (int i = 0; i < 6; i++) assertTrue(tun.inject(new byte[20]) == (i < 4), "4 fit, the rest drop");
        assertEquals(6 + 2, tun.dropped());
        for (int i = 0; i < 4; i++) assertEquals(60, tun.take(1000).length);
        assertNull(tun.take(50));
        for (int i = 0; i < 4; i++) assertEquals(20, tun.read(buf, 0, 2000));

        int[] result = {0};
        Thread t = Thread.ofPlatform().start(() -> result[0] = tun.read(buf, 0, 2000));
        Thread.sleep(100);
        tun.close();
        t.join(1000);
        assertFalse(t.isAlive());
        assertEquals(-1, result[0]);
        assertEquals(-1, tun.tryRead(buf, 0, 2000), "closed");
        assertEquals(-1, tun.read(buf, 0, 2000), "closed");
        assertFalse(tun.inject(new byte[20]), "closed");
        assertEquals("m0", tun.name());
        assertEquals(1420, tun.mtu());
    }
}
