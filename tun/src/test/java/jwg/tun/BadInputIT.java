package jwg.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jwg.sys.Errno;
import jwg.sys.ErrnoException;
import jwg.sys.NetNs;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import jwg.tun.netlink.Rtnetlink;
import org.junit.jupiter.api.Test;

/** Each bad input gives a message a user understands and leaves nothing half-created. */
class BadInputIT {
    @Test
    void nameOverFifteenBytes() {
        var e = assertThrows(IllegalArgumentException.class, () -> LinuxTun.create("jwg-name-too-long0"));
        assertEquals("interface name 'jwg-name-too-long0' is 18 bytes long; Linux allows at most 15", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TunConfig.of("a/b"));
        assertThrows(IllegalArgumentException.class, () -> TunConfig.of(""));
    }

    @Test
    void missingCloneDevice() {
        var e = assertThrows(ErrnoException.class, () -> LinuxTun.openClone("/dev/net/no-such-tun", "jt0"));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "create TUN interface jt0: open /dev/net/no-such-tun: No such file or directory (the kernel has no TUN support here"),
                e.getMessage());
    }

    @Test
    void nameTakenNonexistentInterfaceAndAddressOrRouteInUse() throws Exception {
        Requires.root();
        Requires.tool("ip");
        try (Netns ns = Netns.create("jt")) {
            String name = Netns.uniqueName("jt");
            try (LinuxTun first = NetNs.run(ns.path(), () -> LinuxTun.create(name))) {
                // the name is taken by a TUN that is in use
                var busy = assertThrows(ErrnoException.class, () -> NetNs.run(ns.path(), () -> LinuxTun.create(name)));
                assertEquals(Errno.EBUSY, busy.errno());
                assertEquals(
                        "create TUN interface " + name
                                + ": Device or resource busy (the name is taken by another TUN interface that is in use)",
                        busy.getMessage());
                // the name is taken by an interface of another kind
                var other = assertThrows(ErrnoException.class, () -> NetNs.run(ns.path(), () -> LinuxTun.create("lo")));
                assertEquals(Errno.EINVAL, other.errno());
                assertTrue(
                        other.getMessage().contains("an interface named lo may already exist and not be a TUN device"),
                        other.getMessage());
                assertTrue(first.mtu() > 0, "the first device still works");
            }

            // an interface that does not exist
            try (Rtnetlink nl = NetNs.run(ns.path(), Rtnetlink::open)) {
                var missing = assertThrows(ErrnoException.class, () -> nl.index("jtnosuchif0"));
                assertEquals(Errno.ENODEV, missing.errno());
                assertEquals(
                        "look up interface jtnosuchif0: No such device (no such interface: was it deleted?)",
                        missing.getMessage());
                var gone = assertThrows(ErrnoException.class, () -> nl.setUp(987654, "jtgone", true));
                assertEquals("bring up jtgone: No such device (no such interface: was it deleted?)", gone.getMessage());
            }

            // an address already in use: the whole open fails, and no interface is left behind
            TunConfig dupAddress = TunConfig.of(name).withAddresses("192.0.2.1/24", "192.0.2.1/24");
            var exists =
                    assertThrows(ErrnoException.class, () -> NetNs.run(ns.path(), () -> LinuxTun.open(dupAddress)));
            assertEquals(Errno.EEXIST, exists.errno());
            assertTrue(
                    exists.getMessage().startsWith("add address 192.0.2.1/24 to " + name + ": File exists"),
                    exists.getMessage());
            System.out.println(exists.getMessage());
            assertFalse(ns.tryExec("ip", "link", "show", name).ok(), "nothing half-created remains");

            // a route that is already there (the address's own subnet route)
            TunConfig dupRoute =
                    TunConfig.of(name).withAddresses("192.0.2.1/24").withRoutes("192.0.2.0/24");
            var routeExists =
                    assertThrows(ErrnoException.class, () -> NetNs.run(ns.path(), () -> LinuxTun.open(dupRoute)));
            assertTrue(
                    routeExists.getMessage().startsWith("add route 192.0.2.0/24 via " + name + ": File exists"),
                    routeExists.getMessage());
            System.out.println(routeExists.getMessage());
            assertFalse(ns.tryExec("ip", "link", "show", name).ok(), "nothing half-created remains");

            // a bad MTU reported by the kernel, with its extended-ACK text
            var mtu = assertThrows(
                    ErrnoException.class,
                    () -> NetNs.run(
                            ns.path(),
                            () -> LinuxTun.open(TunConfig.of(name).withMtu(70).withAddresses("fd00::1/64"))));
            assertTrue(
                    mtu.getMessage()
                            .startsWith("add address fd00::1/64 to " + name + ": Invalid argument (IPv6 is off on "
                                    + name + ": it needs an MTU of at least 1280"),
                    mtu.getMessage());
            System.out.println(mtu.getMessage());
            assertFalse(ns.tryExec("ip", "link", "show", name).ok(), "nothing half-created remains");
        }
    }
}
