package jwg.ice.relay;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.LongAdder;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.dataplane.bind.LinuxUdpBind;

/**
 * Datagrams on their way out of one socket, gathered over one received batch and sent with one
 * sendmmsg ({@link LinuxUdpBind#send(Datagrams)}: a run of equal-sized datagrams to one endpoint
 * leaves as one UDP GSO message). A slot either points at received bytes where they lie
 * ({@link #point}: a header stripped or rewritten in place) or at a copy framed as ChannelData in
 * the outbox's own buffer ({@link #frame}). Sent when the socket changes, when full, and by the
 * reader at the end of each batch — before the next receive reuses the bytes pointed at.
 * One per reader thread and target kind; allocates nothing after construction.
 */
final class Outbox {
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** The framing buffer: two maximal datagrams and more, so a full one always fits after a flush. */
    static final int STAGING = 4 << 16;

    private final Datagrams batch = new Datagrams(Bind.BATCH);
    private final MemorySegment staging = Arena.ofAuto().allocate(STAGING, 16);
    private final LongAdder sent, failed;
    private LinuxUdpBind socket;
    private long used;
    private int count;

    /** Datagrams sent count in {@code sent}, those the kernel refused in {@code failed}. */
    Outbox(LongAdder sent, LongAdder failed) {
        this.sent = sent;
        this.failed = failed;
    }

    /** Queues the {@code len} bytes at {@code off} of {@code buf} for {@code to} from {@code s}, in place. */
    void point(LinuxUdpBind s, MemorySegment buf, long off, int len, Endpoint to) {
        makeRoom(s, 0);
        batch.set(count, buf, off, len);
        batch.endpoint(count++).copyFrom(to);
    }

    /**
     * Queues the {@code len} bytes at {@code off} of {@code buf} for {@code to} from {@code s} as
     * ChannelData on {@code channel}: copied behind the 4-byte header (RFC 8656 §12.4) into the
     * outbox's buffer.
     */
    void frame(LinuxUdpBind s, int channel, MemorySegment buf, long off, int len, Endpoint to) {
        int total = 4 + len;
        makeRoom(s, total);
        long at = used;
        staging.set(SHORT_BE, at, (short) channel);
        staging.set(SHORT_BE, at + 2, (short) len);
        MemorySegment.copy(buf, off, staging, at + 4, len);
        used = at + ((total + 7) & ~7);
        batch.set(count, staging, at, total);
        batch.endpoint(count++).copyFrom(to);
    }

    private void makeRoom(LinuxUdpBind s, int bytes) {
        if (count > 0 && (s != socket || count == batch.capacity() || used + bytes > STAGING)) flush();
        socket = s;
    }

    /** Sends what is queued. */
    void flush() {
        int n = count;
        if (n == 0) return;
        count = 0;
        used = 0;
        batch.count(n);
        int ok;
        try {
            ok = socket.send(batch);
        } catch (IOException e) {
            ok = 0; // the socket closed under us (allocation ended)
        }
        sent.add(ok);
        if (ok < n) failed.add(n - ok);
    }
}
