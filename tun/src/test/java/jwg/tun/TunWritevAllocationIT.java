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
 * {@link LinuxTun#writev} from the middle of an iovec array allocates nothing: echo requests
 * written as two iovecs (header, rest) starting at iovec 3 are answered by the kernel, and the
 * thread's allocation counter does not move once the loop is compiled.
 */
class TunWritevAllocationIT {
    @Test
    void writevFromAnIovecOffsetAllocatesNothing() throws Exception {
        Requires.root();
        Requires.tool("ip");
        try (Netns ns = Netns.create("jt")) {
            String name = Netns.uniqueName("jt");
            try (LinuxTun tun =
                    NetNs.run(ns.path(), () -> LinuxTun.open(TunConfig.of(name).withAddresses("192.0.2.1/24")))) {
                assertEquals(0, tun.offloads());
                assertEquals(false, tun.vnetHeader());
                MemorySegment req = Arena.ofAuto().allocate(2048);
                MemorySegment buf = Arena.ofAuto().allocate(65536);
                int n = Echo.request(req, new byte[] {(byte) 192, 0, 2, 2}, new byte[] {(byte) 192, 0, 2, 1}, 56, 1);
                MemorySegment iov = Arena.ofAuto().allocate(16 * 5);
                iov.set(ValueLayout.JAVA_LONG, 3 * 16, req.address());
                iov.set(ValueLayout.JAVA_LONG, 3 * 16 + 8, 20);
                iov.set(ValueLayout.JAVA_LONG, 4 * 16, req.address() + 20);
                iov.set(ValueLayout.JAVA_LONG, 4 * 16 + 8, n - 20);
                var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long per = Long.MAX_VALUE;
                for (int round = 0; round < 30 && per != 0; round++) {
                    long before = mx.getCurrentThreadAllocatedBytes();
                    int replies = 0;
                    for (int i = 0; i < 5_000; i++) {
                        assertEquals(n, tun.writev(iov, 3, 2));
                        int r;
                        do {
                            r = tun.read(buf, 0, 65536);
                        } while (r > 0 && buf.get(ValueLayout.JAVA_BYTE, 9) != 1);
                        if (r == n && buf.get(ValueLayout.JAVA_BYTE, 20) == 0) replies++;
                    }
                    per = (mx.getCurrentThreadAllocatedBytes() - before) / 5_000;
                    assertEquals(5_000, replies);
                }
                assertEquals(0, per, "bytes allocated per writev");
            }
        }
    }
}
