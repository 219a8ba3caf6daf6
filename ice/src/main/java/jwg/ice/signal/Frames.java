package jwg.ice.signal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The body of a poll response: blobs, each as {@code u32 length (big-endian) + bytes}. */
final class Frames {
    /** The length prefix of a frame. */
    static final int HEADER = 4;
    /**
     * The largest poll response body, frames included: the server fills a response up to it, the
     * client refuses a larger one. One constant for both sides.
     */
    static final int MAX_BODY = 1 << 20;
    /** The largest blob: an envelope. Servers refuse larger POSTs, clients skip larger frames. */
    static final int MAX_BLOB = Envelope.MAX_LENGTH;

    private Frames() {}

    /** A decoded body: the blobs, how many frames were skipped for being too large, and whether the tail was cut short. */
    record Decoded(List<byte[]> blobs, int oversized, boolean truncated) {}

    /**
     * Splits a body frame by frame: a frame over {@code maxBlob} is skipped (counted) and the next
     * one read; a length running past the end ends the body (the blobs before it are kept).
     */
    static Decoded decodeEach(byte[] body, int maxBlob) {
        List<byte[]> out = new ArrayList<>();
        int oversized = 0;
        ByteBuffer b = ByteBuffer.wrap(body);
        while (b.hasRemaining()) {
            if (b.remaining() < HEADER) return new Decoded(out, oversized, true);
            long len = b.getInt() & 0xffffffffL;
            if (len > b.remaining()) return new Decoded(out, oversized, true);
            if (len > maxBlob) {
                oversized++;
                b.position(b.position() + (int) len);
                continue;
            }
            byte[] blob = new byte[(int) len];
            b.get(blob);
            out.add(blob);
        }
        return new Decoded(out, oversized, false);
    }

    static byte[] encode(List<byte[]> blobs) {
        int size = 0;
        for (byte[] b : blobs) size += 4 + b.length;
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] b : blobs) out.putInt(b.length).put(b);
        return out.array();
    }

    /** Splits a body; empty if any length runs past the end or exceeds {@code maxBlob}. */
    static Optional<List<byte[]>> decode(byte[] body, int maxBlob) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(body);
        while (b.hasRemaining()) {
            if (b.remaining() < 4) return Optional.empty();
            int len = b.getInt();
            if (len < 0 || len > maxBlob || len > b.remaining()) return Optional.empty();
            byte[] blob = new byte[len];
            b.get(blob);
            out.add(blob);
        }
        return Optional.of(out);
    }
}
