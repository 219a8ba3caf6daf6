package jwg.ice.signal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The body of a poll response: blobs, each as {@code u32 length (big-endian) + bytes}. */
final class Frames {
    private Frames() {}

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
