package jwg.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import jwg.sys.NetNs;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;

/**
 * The FFM read and write path allocates nothing per packet: echo requests written into the TUN
 * are answered by the namespace's kernel and read back, and the thread's allocation counter
 * does not move once the loop is compiled.
 */
class TunAllocationIT {
    @Test
    void readAndWriteAllocateNothingPerPacket() throws Exception {
        Requires.root();
        Requires.tool("ip");
        try (Netns ns = Netns.create("jt")) {
            String name = Netns.uniqueName("jt");
            try (LinuxTun tun =
                    NetNs.run(ns.path(), () -> LinuxTun.open(TunConfig.of(name).withAddresses("192.0.2.1/24")))) {
                MemorySegment req = Arena.ofAuto().allocate(2048);
                MemorySegment buf = Arena.ofAuto().allocate(65536);
                int n = Echo.request(req, new byte[] {(byte) 192, 0, 2, 2}, new byte[] {(byte) 192, 0, 2, 1}, 56, 1);
                var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long per = Long.MAX_VALUE;
                for (int round = 0; round < 30 && per != 0; round++) {
                    long before = mx.getCurrentThreadAllocatedBytes();
                    int replies = pingPong(tun, req, n, buf, 5_000);
                    per = (mx.getCurrentThreadAllocatedBytes() - before) / 5_000;
                    assertEquals(5_000, replies);
                }
                assertEquals(0, per, "bytes allocated per packet written and read");
            }
        }
    }

    /** Writes an echo request and reads the kernel's reply, {@code count} times. */
    private static int pingPong(LinuxTun tun, MemorySegment req, int n, MemorySegment buf, int count) throws Exception {
        int replies = 0;
        for (int i = 0; i < count; i++) {
            tun.write(req, 0, n);
            int r;
            do {
                r = tun.read(buf, 0, 65536);
            } while (r > 0 && buf.get(ValueLayout.JAVA_BYTE, 9) != 1); // skip IPv6 router solicitations etc.
            if (r == n && buf.get(ValueLayout.JAVA_BYTE, 20) == 0) replies++;
        }
        return replies;
    }
}
