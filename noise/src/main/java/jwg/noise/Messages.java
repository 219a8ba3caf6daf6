package jwg.noise;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * WireGuard's four message types: sizes, field offsets, and allocation-free readers/writers.
 * All integers are little-endian.
 *
 * <pre>
 * 1 initiation (148): type(1) reserved(3) sender(4) ephemeral(32) static(32+16) timestamp(12+16) mac1(16) mac2(16)
 * 2 response    (92): type(1) reserved(3) sender(4) receiver(4) ephemeral(32) empty(0+16) mac1(16) mac2(16)
 * 3 cookie reply(64): type(1) reserved(3) receiver(4) nonce(24) cookie(16+16)
 * 4 transport (≥32): type(1) reserved(3) receiver(4) counter(8) packet(n+16)
 * </pre>
 */
public final class Messages {
    private Messages() {}

    public static final int TYPE_INITIATION = 1;
    public static final int TYPE_RESPONSE = 2;
    public static final int TYPE_COOKIE_REPLY = 3;
    public static final int TYPE_TRANSPORT = 4;

    public static final int INITIATION_LENGTH = 148;
    public static final int RESPONSE_LENGTH = 92;
    public static final int COOKIE_REPLY_LENGTH = 64;
    /** Transport header: type, receiver index, counter. */
    public static final int TRANSPORT_HEADER_LENGTH = 16;

    public static final int TAG_LENGTH = 16;
    /** A keepalive: header + the tag of an empty payload. Also the minimum transport length. */
    public static final int TRANSPORT_MIN_LENGTH = TRANSPORT_HEADER_LENGTH + TAG_LENGTH;
    /** Bytes a transport message adds to its (padded) plaintext. */
    public static final int TRANSPORT_OVERHEAD = TRANSPORT_HEADER_LENGTH + TAG_LENGTH;

    // initiation offsets
    static final int INIT_SENDER = 4;
    static final int INIT_NOISE = 8; // e, enc(s), enc(timestamp): 32 + 48 + 28 = 108 bytes
    static final int INIT_NOISE_LENGTH = 108;
    static final int INIT_MAC1 = 116;
    static final int INIT_MAC2 = 132;
    // response offsets
    static final int RESP_SENDER = 4;
    static final int RESP_RECEIVER = 8;
    static final int RESP_NOISE = 12; // e, enc(empty): 32 + 16 = 48 bytes
    static final int RESP_NOISE_LENGTH = 48;
    static final int RESP_MAC1 = 60;
    static final int RESP_MAC2 = 76;
    // cookie reply offsets
    static final int COOKIE_RECEIVER = 4;
    static final int COOKIE_NONCE = 8;
    static final int COOKIE_ENCRYPTED = 32;
    static final int COOKIE_ENCRYPTED_LENGTH = 32;
    // transport offsets
    static final int TRANSPORT_RECEIVER = 4;
    static final int TRANSPORT_COUNTER = 8;
    static final int TRANSPORT_PACKET = 16;

    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The message type of a datagram (1..4), or 0 if it is not a WireGuard message: too short,
     * or the first 4 bytes, little-endian, are not 1..4 (the reserved bytes must be zero).
     */
    public static int type(MemorySegment d, long off, int len) {
        if (len < 4) return 0;
        int t = d.get(INT_LE, off);
        return t >= 1 && t <= 4 ? t : 0;
    }

    /** The exact length required for a type (transport: the minimum), or -1. */
    static int expectedLength(int type) {
        return switch (type) {
            case TYPE_INITIATION -> INITIATION_LENGTH;
            case TYPE_RESPONSE -> RESPONSE_LENGTH;
            case TYPE_COOKIE_REPLY -> COOKIE_REPLY_LENGTH;
            case TYPE_TRANSPORT -> TRANSPORT_MIN_LENGTH;
            default -> -1;
        };
    }

    /** True if {@code len} is acceptable for {@code type}: exact for 1–3, at least 32 for 4. */
    public static boolean lengthOk(int type, int len) {
        return type == TYPE_TRANSPORT ? len >= TRANSPORT_MIN_LENGTH : len == expectedLength(type) && type != 0;
    }

    /** Receiver index of a response (at 8), cookie reply (4) or transport message (4). */
    public static int receiverIndex(MemorySegment d, long off, int type) {
        return d.get(INT_LE, off + (type == TYPE_RESPONSE ? RESP_RECEIVER : TRANSPORT_RECEIVER));
    }

    /** The counter of a transport message. */
    public static long transportCounter(MemorySegment d, long off) {
        return d.get(LONG_LE, off + TRANSPORT_COUNTER);
    }

    static void writeTransportHeader(MemorySegment d, long off, int receiver, long counter) {
        d.set(INT_LE, off, TYPE_TRANSPORT);
        d.set(INT_LE, off + TRANSPORT_RECEIVER, receiver);
        d.set(LONG_LE, off + TRANSPORT_COUNTER, counter);
    }

    static int getIntLE(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    static void putIntLE(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /**
     * Padded plaintext length: a multiple of 16, never past the MTU (wireguard-go's
     * calculatePaddingSize). Packets already at or past the MTU are not padded.
     */
    public static int paddedLength(int len, int mtu) {
        int padded = (len + 15) & ~15;
        if (len >= mtu) return len;
        return Math.min(padded, mtu);
    }

    /**
     * The length of the inner IP packet in a decrypted payload, or -1 if it is not a consistent
     * IPv4/IPv6 packet. Version 4: total length at bytes 2..3; version 6: 40 + payload length.
     */
    static int innerPacketLength(MemorySegment p, long off, int len) {
        if (len < 1) return -1;
        int version = (p.get(ValueLayout.JAVA_BYTE, off) & 0xff) >>> 4;
        int total;
        if (version == 4) {
            if (len < 20) return -1;
            total = ((p.get(ValueLayout.JAVA_BYTE, off + 2) & 0xff) << 8)
                    | (p.get(ValueLayout.JAVA_BYTE, off + 3) & 0xff);
            if (total < 20) return -1;
        } else if (version == 6) {
            if (len < 40) return -1;
            total = 40
                    + (((p.get(ValueLayout.JAVA_BYTE, off + 4) & 0xff) << 8)
                            | (p.get(ValueLayout.JAVA_BYTE, off + 5) & 0xff));
        } else {
            return -1;
        }
        return total <= len ? total : -1;
    }

    /** Whether an initiation's MAC2 is not all zeros (a sender that holds a cookie); not secret, no MAC computed. */
    public static boolean initiationCarriesMac2(byte[] msg) {
        int any = 0;
        for (int i = INIT_MAC2; i < INIT_MAC2 + 16; i++) any |= msg[i];
        return any != 0;
    }
}
