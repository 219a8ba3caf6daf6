package jwg.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;

class NetNsIT {
    private static String netnsOfThisThread() throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    @Test
    void runsATaskInsideTheNamespaceAndLeavesTheCallerWhereItWas() throws Exception {
        Requires.root();
        Requires.tool("ip");
        String mine = netnsOfThisThread();
        try (Netns ns = Netns.create("jn")) {
            String inside = NetNs.run(ns.path(), NetNsIT::netnsOfThisThread);
            String byName = NetNs.run(ns.name(), NetNsIT::netnsOfThisThread);
            assertNotEquals(mine, inside);
            assertEquals(inside, byName);
            assertEquals(mine, netnsOfThisThread());
            // a socket opened inside stays there: its namespace's only interface is lo
            try (NetlinkSocket s = NetNs.run(ns.path(), () -> NetlinkSocket.open(Linux.NETLINK_ROUTE, 0))) {
                assertNotEquals(0, s.portId());
            }
        }
        var e = assertThrows(ErrnoException.class, () -> NetNs.run("jn-does-not-exist", () -> 1));
        assertEquals("open /run/netns/jn-does-not-exist: No such file or directory", e.getMessage());
    }
}
