package jwg.tun.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The 8-bytes-a-step checksum against the 16-bit reference, on random data, every odd length and offset. */
class ChecksumTest {
    @Test
    void matchesTheReferenceOnRandomDataOddLengthsAndOffsets() {
        Random r = new Random(7);
        MemorySegment s = Arena.ofAuto().allocate(70_000);
        byte[] data = Pkt.random(r, 70_000);
        MemorySegment.copy(data, 0, s, ValueLayout.JAVA_BYTE, 0, data.length);
        for (int off = 0; off < 19; off++) {
            for (int len = 0; len < 300; len++) check(s, data, off, len, r.nextInt(0x10000));
        }
        for (int i = 0; i < 200; i++) {
            int off = r.nextInt(5000);
            int len = r.nextInt(65_000);
            check(s, data, off, len, i == 0 ? 0 : r.nextInt(0x10000));
        }
        byte[] ff = new byte[65536]; // worst case for carries
        java.util.Arrays.fill(ff, (byte) 0xff);
        MemorySegment.copy(ff, 0, s, ValueLayout.JAVA_BYTE, 0, ff.length);
        check(s, ff, 0, 65535, 0xffff);
        check(s, ff, 1, 65535, 0xffff);
    }

    @Test
    void zeroAsReplacesOnlyAZeroChecksum() {
        for (int c = 0; c <= 0xffff; c++) {
            assertEquals(c == 0 ? 0xffff : c, Checksum.zeroAs(c, 0xffff), "udp " + c);
            assertEquals(c, Checksum.zeroAs(c, 0), "tcp " + c);
        }
    }

    private static void check(MemorySegment s, byte[] data, int off, int len, int initial) {
        int expect = Pkt.refFold(initial + Pkt.refSum(data, off, len));
        assertEquals(expect, Checksum.fold(Checksum.sum(s, off, len, initial)), "off " + off + " len " + len);
        assertEquals(~expect & 0xffff, Checksum.checksum(s, off, len, initial));
    }

    @Test
    void pseudoHeadersMatchTheReference() {
        Random r = new Random(3);
        for (Pkt p : new Pkt[] {Pkt.tcp4(), Pkt.tcp6(), Pkt.udp4(), Pkt.udp6()}) {
            byte[] b = p.payload(Pkt.random(r, 333)).build();
            MemorySegment s = Arena.ofAuto().allocate(b.length + 3);
            MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 3, b.length);
            int ihl = p.ipHeaderLength();
            long mine = Checksum.pseudo(s, 3, p.v6, p.udp ? 17 : 6, b.length - ihl);
            assertEquals(Pkt.refFold(Pkt.refPseudo(b)), Checksum.fold(mine));
        }
    }
}
