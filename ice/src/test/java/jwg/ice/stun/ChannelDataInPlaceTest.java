package jwg.ice.stun;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** ChannelData framed and read where the datagram lies (the data path's forms), against the byte[] codec. */
class ChannelDataInPlaceTest {

    @Test
    void framesInPlaceAsTheByteArrayCodecDoes() {
        byte[] data = new byte[37];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + 1);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(100);
            MemorySegment.copy(data, 0, b, ValueLayout.JAVA_BYTE, 10, data.length);
            int n = ChannelData.frameInPlace(b, 10, data.length, 0x4A5B);
            assertEquals(ChannelData.HEADER + data.length, n);
            byte[] framed = ChannelData.frame(0x4A5B, data, 0, data.length); // padded to 44
            byte[] got = b.asSlice(10, n).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(java.util.Arrays.copyOf(framed, n), got, "same header and data, no padding over UDP");
            assertEquals(0x4A5B, ChannelData.channel(b, 10, n));
            assertEquals(data.length, ChannelData.dataLength(b, 10));
            assertTrue(ChannelData.isChannelData(got, got.length));
        }
    }

    @Test
    void readsPaddedChannelDataAndRefusesWhatIsNone() {
        byte[] padded = ChannelData.frame(0x4001, new byte[] {1, 2, 3, 4, 5}, 0, 5); // 5 data + 3 padding
        MemorySegment b = MemorySegment.ofArray(padded);
        assertEquals(0x4001, ChannelData.channel(b, 0, padded.length));
        assertEquals(5, ChannelData.dataLength(b, 0));
        assertEquals(-1, ChannelData.channel(b, 0, 8 - 4), "the data length overruns the datagram");
        assertEquals(-1, ChannelData.channel(b, 0, 3), "shorter than the header");
        byte[] stun = padded.clone();
        stun[0] = 0x00; // STUN's top bits
        assertEquals(-1, ChannelData.channel(MemorySegment.ofArray(stun), 0, stun.length));
        stun[0] = (byte) 0x80; // neither
        assertEquals(-1, ChannelData.channel(MemorySegment.ofArray(stun), 0, stun.length));
    }
}
