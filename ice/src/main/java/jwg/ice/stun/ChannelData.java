package jwg.ice.stun;

/**
 * TURN ChannelData (RFC 5766 §11.4): a 4-byte header — the channel number (0x4000–0x7FFF, so the
 * top two bits are 01 where STUN has 00) and the data's length — then the data, padded to a
 * multiple of 4 over TCP and optionally over UDP. Reads in place, never throws.
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
}
