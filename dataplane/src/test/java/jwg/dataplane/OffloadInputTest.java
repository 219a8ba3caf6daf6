package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import jwg.dataplane.DeviceAllocationTest.CountingTun;
import jwg.tun.offload.VirtioNetHdr;
import org.junit.jupiter.api.Test;

/**
 * Bad input from the TUN on the offload path: super-packets whose virtio_net_hdr or headers do
 * not add up (segment size 0, lengths past the packet, a GSO type for the wrong IP version, random
 * bytes) are dropped and counted as {@link DeviceStats.Drop#OFFLOAD_MALFORMED}; the device goes on
 * and the good super-packet after them arrives whole.
 */
class OffloadInputTest {
    @Test
    void malformedSuperPacketsAreDroppedCountedAndTheDeviceGoesOn() throws Exception {
        byte[] good = DeviceAllocationTest.superPacket();
        byte[][] bad = malformed(good);
        SequencedTun ta = new SequencedTun("offbada", bad, good);
        CountingTun tb = new CountingTun("offbadb", good, DeviceAllocationTest.OFFLOADS, DeviceAllocationTest.SEGMENTS);
        try (TwoDevices devices = TwoDevices.between(ta, tb).start()) {
            ta.permits.addAndGet(bad.length + 1);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (tb.written.get() < DeviceAllocationTest.SEGMENTS && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(
                    DeviceAllocationTest.SEGMENTS, tb.written.get(), "the good super-packet's segments all arrived");
            assertEquals(
                    bad.length,
                    devices.a().stats().get(DeviceStats.Drop.OFFLOAD_MALFORMED),
                    devices.a().stats().toString());
        }
    }

    /** Variants of a good super-packet that must each be refused, and random bytes behind plausible headers. */
    static byte[][] malformed(byte[] good) {
        java.util.ArrayList<byte[]> out = new java.util.ArrayList<>();
        byte[] b = good.clone();
        b[4] = 0;
        b[5] = 0; // gso_size 0
        out.add(b);
        b = good.clone();
        b[1] = (byte) VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV6; // IPv4 packet, IPv6 GSO type
        out.add(b);
        b = good.clone();
        b[6] = (byte) 0xff;
        b[7] = (byte) 0xff; // csum_start far past the packet
        out.add(b);
        b = java.util.Arrays.copyOf(good, VirtioNetHdr.SIZE + 30); // headers cut short
        out.add(b);
        b = good.clone();
        b[1] = 42; // no such GSO type
        out.add(b);
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20; i++) { // a super-packet header, then random bytes
            b = new byte[VirtioNetHdr.SIZE + 40 + r.nextInt(3000)];
            r.nextBytes(b);
            b[0] = 0;
            b[1] = (byte) VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV4;
            b[VirtioNetHdr.SIZE] = 0x45;
            b[VirtioNetHdr.SIZE + 9] = 6;
            b[VirtioNetHdr.SIZE + 2] = (byte) 0xff;
            b[VirtioNetHdr.SIZE + 3] = (byte) 0xff; // total length past the read
            out.add(b);
        }
        return out.toArray(byte[][]::new);
    }

    /** A CountingTun that hands out the bad packets first, then the good one for every further read. */
    static final class SequencedTun extends CountingTun {
        final byte[][] bad;
        int next;

        SequencedTun(String name, byte[][] bad, byte[] good) {
            super(name, good, DeviceAllocationTest.OFFLOADS, DeviceAllocationTest.SEGMENTS);
            this.bad = bad;
        }

        @Override
        byte[] nextPacket() {
            return next < bad.length ? bad[next++] : packet;
        }
    }
}
