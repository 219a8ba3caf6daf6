package jwg.bench.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jwg.tun.offload.Coalescer;
import jwg.tun.offload.Segmenter;
import jwg.tun.offload.TcpSuperPacket;
import jwg.tun.offload.VirtioNetHdr;
import org.openjdk.jmh.annotations.*;

/**
 * The TUN offloads without the kernel: TSO split of a 64 KB TCPv4 super-packet into MTU-1420
 * packets (IPv4 and TCP checksums per segment), GRO coalescing of 44 such packets back into one
 * write (a TCP checksum verified per packet, the head's headers fixed, the iovecs planned), and
 * both in a row. Average time per operation; run with -prof gc: ~0 B/op expected.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OffloadBench {
    static final int MTU = 1420, MSS = MTU - 40, SLOTS = 64, SLOT = 1536, COALESCED = 44;

    private Arena arena;
    private MemorySegment superPacket, slots, pristineHead;
    private final MemorySegment[] dst = new MemorySegment[SLOTS];
    private final int[] lengths = new int[SLOTS];
    private int superLen, segments;
    private final Segmenter segmenter = new Segmenter();
    private final Coalescer coalescer = new Coalescer(SLOTS, false);

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        int ipLen = 65535;
        superLen = VirtioNetHdr.SIZE + ipLen;
        superPacket = arena.allocate(superLen, 64);
        byte[] payload = new byte[ipLen - 40];
        new SplittableRandom(1).nextBytes(payload);
        MemorySegment.copy(payload, 0, superPacket, ValueLayout.JAVA_BYTE, VirtioNetHdr.SIZE + 40, payload.length);
        TcpSuperPacket.write(superPacket, 0, ipLen, MSS, 0xc0000201, 0xc0000202);
        slots = arena.allocate((long) SLOTS * SLOT, 64);
        for (int i = 0; i < SLOTS; i++) dst[i] = slots.asSlice((long) i * SLOT, SLOT);
        segments = segmenter.split(superPacket, 0, superLen, dst, 0, SLOTS, VirtioNetHdr.SIZE, lengths);
        if (segments != 48) throw new IllegalStateException("segments " + segments);
        pristineHead = arena.allocate(40);
        MemorySegment.copy(dst[0], VirtioNetHdr.SIZE, pristineHead, 0, 40);
        if (coalesce44() != 1) throw new IllegalStateException("44 packets did not merge into one write");
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    /** Splits the 64 KB super-packet into 48 packets of at most 1420 bytes. */
    @Benchmark
    public int split64k() {
        return segmenter.split(superPacket, 0, superLen, dst, 0, SLOTS, VirtioNetHdr.SIZE, lengths);
    }

    /**
     * Merges the first 44 packets into one write. The head's 40 header bytes are restored first
     * (the previous merge fixed them in place): a 40-byte copy, part of the figure.
     */
    @Benchmark
    public int coalesce44() {
        MemorySegment.copy(pristineHead, 0, dst[0], VirtioNetHdr.SIZE, 40);
        coalescer.reset();
        for (int i = 0; i < COALESCED; i++) coalescer.add(dst[i], VirtioNetHdr.SIZE, lengths[i]);
        return coalescer.finish();
    }

    /** Both: what a forwarding loop TUN -> TUN does per 64 KB. */
    @Benchmark
    public int splitThenCoalesce64k() {
        int n = segmenter.split(superPacket, 0, superLen, dst, 0, SLOTS, VirtioNetHdr.SIZE, lengths);
        coalescer.reset();
        for (int i = 0; i < n; i++) coalescer.add(dst[i], VirtioNetHdr.SIZE, lengths[i]);
        return coalescer.finish();
    }
}
