package jwg.tun;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jwg.sys.NetNs;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;

/** The non-blocking read the device's sender batches with: 0 when idle, a packet when one waits, -1 once closed. */
class TryReadIT {
    @Test
    void tryReadReturnsZeroWhenIdleAPacketWhenQueuedAndMinusOneWhenClosed() throws Exception {
        Requires.root();
        try (Netns ns = Netns.create("jtry");
                Arena arena = Arena.ofConfined()) {
            String name = Netns.uniqueName("jtr");
            // no IPv6 on the new link: the kernel's router solicitation can come a moment after the
            // drain below (a 48-byte packet once made "nothing queued" read one in CI)
            ns.exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            LinuxTun tun =
                    NetNs.run(ns.name(), () -> LinuxTun.open(TunConfig.of(name).withAddresses("192.0.2.1/24")));
            try {
                MemorySegment buf = arena.allocate(2048);
                // anything the kernel queued of its own when the link came up
                int drained = 0;
                while (tun.tryRead(buf, 16, 2000) > 0 && drained < 1000) drained++;
                assertTrue(drained < 1000, "tryRead must come back with 0 once the queue is empty");
                long t0 = System.nanoTime();
                assertEquals(0, tun.tryRead(buf, 16, 2000), "nothing queued: 0");
                assertTrue(System.nanoTime() - t0 < 100_000_000L, "tryRead does not block");
                // a ping to a neighbour on the TUN's subnet is routed into the TUN
                ns.tryExec("ping", "-c", "1", "-W", "1", "192.0.2.9");
                boolean sawPing = false;
                for (int i = 0; i < 200 && !sawPing; i++) {
                    int n = tun.tryRead(buf, 16, 2000);
                    if (n == 0) {
                        Thread.sleep(10);
                        continue;
                    }
                    // IPv4, protocol ICMP, destination 192.0.2.9, read at the offset
                    sawPing = n >= 28
                            && (buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 16) & 0xff) == 0x45
                            && buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 16 + 9) == 1
                            && (buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 16 + 19) & 0xff) == 9;
                }
                assertTrue(sawPing, "the queued ping is returned by tryRead");
            } finally {
                tun.close();
            }
            assertEquals(-1, tun.tryRead(arena.allocate(2048), 0, 2000), "closed: -1");
        }
    }
}
