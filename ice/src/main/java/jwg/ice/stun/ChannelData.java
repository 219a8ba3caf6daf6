package jwg.ice.stun;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * TURN ChannelData (RFC 5766 §11.4): a 4-byte header — the channel number (0x4000–0x7FFF, so the
 * top two bits are 01 where STUN has 00) and the data's length — then the data, padded to a
 * multiple of 4 over TCP and optionally over UDP. Reads in place, never throws. The
 * {@link MemorySegment} forms are the data path's: they frame and unwrap a datagram where it lies,
 * allocating nothing.
 */
public final class ChannelData {
    public static final int HEADER = 4;
    public static final int MIN_CHANNEL = 0x4000, MAX_CHANNEL = 0x7FFF;

    private ChannelData() {}

    /** True if the first {@code len} bytes of {@code b} are a ChannelData message (padding after the data allowed). */
    public static boolean isChannelData(byte[] b, int len) {
        return len >= HEADER && len <= b.length && (b[0] & 0xC0) == 0x40 && HEADER + Stun.uint16(b, 2) <= len;
    }

    public static int channel(byte[] b) {
        return Stun.uint16(b, 0);
    }

    /** The data's length (the data starts at {@link #HEADER}). */
    public static int dataLength(byte[] b) {
        return Stun.uint16(b, 2);
    }

    /** Frames {@code len} bytes of {@code data} for {@code channel}, padded to a multiple of 4. */
    public static byte[] frame(int channel, byte[] data, int off, int len) {
        if (channel < MIN_CHANNEL || channel > MAX_CHANNEL)
            throw new IllegalArgumentException("channel " + channel + " outside 0x4000-0x7FFF");
        if (len > 0xFFFF) throw new IllegalArgumentException("ChannelData carries at most 65535 bytes");
        byte[] out = new byte[HEADER + Stun.pad(len)];
        Stun.put16(out, 0, channel);
        Stun.put16(out, 2, len);
        System.arraycopy(data, off, out, HEADER, len);
        return out;
    }

    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    /**
     * The channel number of the ChannelData message of {@code len} bytes at {@code off} of {@code b},
     * or -1 if it is none (top bits not 01, or a data length that overruns the datagram).
     */
    public static int channel(MemorySegment b, long off, int len) {
        if (len < HEADER) return -1;
        int ch = Short.toUnsignedInt(b.get(U16, off));
        if ((ch & 0xC000) != 0x4000) return -1;
        return HEADER + Short.toUnsignedInt(b.get(U16, off + 2)) <= len ? ch : -1;
    }

    /** The data's length of the ChannelData message at {@code off} (check {@link #channel} first). */
    public static int dataLength(MemorySegment b, long off) {
        return Short.toUnsignedInt(b.get(U16, off + 2));
    }

    /**
     * Frames the {@code len} bytes at {@code off} of {@code b} for {@code channel} where they lie: the
     * data moves {@link #HEADER} bytes up and the header takes its place (over UDP no padding,
     * RFC 8656 §12.5). The caller makes sure {@code off + HEADER + len} fits. Returns the framed length.
     */
    public static int frameInPlace(MemorySegment b, long off, int len, int channel) {
        MemorySegment.copy(b, off, b, off + HEADER, len); // overlapping: copied as if through a temporary
        writeHeader(b, off, channel, len);
        return HEADER + len;
    }

    /** Writes the 4-byte header for {@code len} bytes of data on {@code channel} at {@code off}. */
    public static void writeHeader(MemorySegment b, long off, int channel, int len) {
        b.set(U16, off, (short) channel);
        b.set(U16, off + 2, (short) len);
    }
}
