package jwg.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jwg.sys.NetNs;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real TUN on the real kernel, inside a network namespace the test creates: created, addressed
 * (IPv4 and IPv6), routed and brought up through netlink; ping from inside the namespace gets
 * the replies the test writes back; deleting the interface ends the reader cleanly.
 */
class LinuxTunNetnsIT {
    @BeforeEach
    void needs() {
        Requires.root();
        Requires.tool("ip");
        Requires.tool("ping");
    }

    @Test
    void pingThroughATunConfiguredOverNetlinkThenDeleteIt() throws Exception {
        try (Netns ns = Netns.create("jt")) {
            String name = Netns.uniqueName("jt");
            TunConfig cfg = TunConfig.of(name)
                    .withMtu(1400)
                    .withAddresses("192.0.2.1/24", "fd00:2::1/64")
                    .withRoutes("198.51.100.0/24", "fd00:3::/64");
            LinuxTun tun = NetNs.run(ns.path(), () -> LinuxTun.open(cfg));
            try {
                assertEquals(name, tun.name());
                assertEquals(1400, tun.mtu());
                String link = ns.exec("ip", "-o", "link", "show", "dev", name).output();
                assertTrue(link.contains("mtu 1400") && link.contains(",UP"), link);
                String addrs = ns.exec("ip", "-o", "addr", "show", "dev", name).output();
                assertTrue(addrs.contains("inet 192.0.2.1/24"), addrs);
                assertTrue(addrs.contains("inet6 fd00:2::1/64"), addrs);
                String routes = ns.exec("ip", "route", "show", "dev", name).output()
                        + ns.exec("ip", "-6", "route", "show", "dev", name).output();
                assertTrue(routes.contains("198.51.100.0/24"), routes);
                assertTrue(routes.contains("fd00:3::/64"), routes);
                assertFalse(
                        Netns.tryRun("ip", "link", "show", name).ok(), "the TUN must not appear in the root namespace");

                Echo echo = new Echo(tun);
                Thread reader = echo.start();
                for (String dst : new String[] {"192.0.2.2", "198.51.100.7", "fd00:2::2", "fd00:3::9"}) {
                    Netns.Result r = ns.exec("ping", "-c", "2", "-i", "0.2", "-W", "2", dst);
                    assertTrue(r.output().contains("2 received"), r.output());
                }
                assertTrue(echo.replies.get() >= 8, "replies " + echo.replies.get());

                ns.exec("ip", "link", "del", name); // as wg-quick down does
                reader.join(5000);
                assertFalse(reader.isAlive(), "the reader must end when the interface is deleted");
                assertNull(echo.failure);
                assertEquals(-1, echo.endResult);
                assertTrue(tun.interfaceGone());
            } finally {
                tun.close();
            }
        }
    }

    @Test
    void closeWakesABlockedReaderAndRemovesTheInterface() throws Exception {
        try (Netns ns = Netns.create("jt")) {
            String name = Netns.uniqueName("jt");
            LinuxTun tun =
                    NetNs.run(ns.path(), () -> LinuxTun.open(TunConfig.of(name).withAddresses("203.0.113.1/24")));
            Echo echo = new Echo(tun);
            Thread reader = echo.start();
            Thread.sleep(200); // let it block in poll
            long t0 = System.nanoTime();
            tun.close();
            reader.join(2000);
            assertFalse(reader.isAlive(), "a closed device must not leave a reader stuck");
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
            assertEquals(-1, echo.endResult);
            assertFalse(tun.interfaceGone());
            assertFalse(ns.tryExec("ip", "link", "show", name).ok(), "the interface goes away with its descriptor");
            tun.close(); // idempotent
        }
    }

    @Test
    void multiQueueAndVnetHeaderFlagsReachTheKernel() throws Exception {
        try (Netns ns = Netns.create("jt")) {
            String name = Netns.uniqueName("jt");
            TunOptions mq = new TunOptions(true, true);
            try (LinuxTun q0 = NetNs.run(ns.path(), () -> LinuxTun.create(name, mq));
                    LinuxTun q1 = NetNs.run(ns.path(), () -> LinuxTun.create(name, mq))) {
                assertEquals(q0.index(), q1.index(), "two queues of one interface");
                String details =
                        ns.exec("ip", "-d", "link", "show", "dev", name).output();
                assertTrue(details.contains("multi_queue") && details.contains("vnet_hdr on"), details);
            }
            assertFalse(ns.tryExec("ip", "link", "show", name).ok(), "gone with its last queue");
        }
    }

    @Test
    void linkMonitorSeesMtuChangeAndDeletion() throws Exception {
        try (Netns ns = Netns.create("jt")) {
            String name = Netns.uniqueName("jt");
            try (LinuxTun tun = NetNs.run(ns.path(), () -> LinuxTun.open(TunConfig.of(name)));
                    jwg.tun.netlink.LinkMonitor mon = NetNs.run(ns.path(), jwg.tun.netlink.LinkMonitor::open)) {
                ns.exec("ip", "link", "set", "dev", name, "mtu", "1300");
                var e = mon.next(tun.index());
                while (e.mtu() != 1300) e = mon.next(tun.index());
                assertFalse(e.deleted());
                assertEquals(1300, tun.mtu());
                ns.exec("ip", "link", "del", name);
                do {
                    e = mon.next(tun.index());
                } while (!e.deleted());
                Thread waiter = Thread.ofPlatform().start(() -> {
                    try {
                        mon.next(tun.index());
                    } catch (Exception ignored) {
                        // ends with null on close
                    }
                });
                Thread.sleep(100);
                mon.close();
                waiter.join(2000);
                assertFalse(waiter.isAlive(), "close wakes a waiting monitor");
            }
        }
    }
}
