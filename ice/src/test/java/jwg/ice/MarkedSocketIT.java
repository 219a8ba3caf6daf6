package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import jwg.sys.NetNs;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;

/**
 * A {@link MarkedSocket}'s packets carry its fwmark through policy routing, as wg-quick's full
 * tunnel sets it up: namespace A reaches 198.51.100.2 (namespace B, over a veth) only by a rule
 * for fwmark 0x2a; the same socket without the mark finds no route. The doctor's route lookup
 * ({@link MarkedSocket#routeSource}) sees the same.
 */
class MarkedSocketIT {
    private static final int MARK = 0x2a;

    @Test
    void onlyTheMarkedSocketTakesThePolicyRoute() throws Exception {
        Requires.root();
        try (Netns a = Netns.create("jmka");
                Netns b = Netns.create("jmkb")) {
            String va = Netns.uniqueName("jva"), vb = Netns.uniqueName("jvb");
            a.addVeth(va, vb, b);
            a.exec("ip", "addr", "add", "198.51.100.1/32", "dev", va);
            a.exec("ip", "link", "set", va, "up");
            b.exec("ip", "addr", "add", "198.51.100.2/24", "dev", vb);
            b.exec("ip", "link", "set", vb, "up");
            b.exec("ip", "route", "add", "198.51.100.1/32", "dev", vb);
            // only in table 100, and only packets with the mark go there
            a.exec("ip", "route", "add", "198.51.100.2/32", "dev", va, "table", "100");
            a.exec("ip", "rule", "add", "fwmark", String.valueOf(MARK), "lookup", "100", "pref", "100");
            InetSocketAddress any = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0);
            try (MarkedSocket receiver = NetNs.run(
                            b.name(),
                            () -> MarkedSocket.openNative(
                                    new InetSocketAddress(InetAddress.getByName("198.51.100.2"), 0), 0));
                    MarkedSocket marked = NetNs.run(a.name(), () -> MarkedSocket.openNative(any, MARK));
                    MarkedSocket unmarked = NetNs.run(a.name(), () -> MarkedSocket.openNative(any, 0))) {
                assertEquals(MARK, marked.mark());
                // the doctor's route lookup (its STUN and TURN sockets bind to the source it gives)
                InetSocketAddress target = new InetSocketAddress(InetAddress.getByName("198.51.100.2"), 3478);
                assertEquals(
                        InetAddress.getByName("198.51.100.1"),
                        NetNs.run(a.name(), () -> MarkedSocket.routeSource(target, MARK)));
                assertNull(NetNs.run(a.name(), () -> MarkedSocket.routeSource(target, 0)), "no route without the mark");
                InetSocketAddress to = (InetSocketAddress) receiver.getLocalSocketAddress();
                SocketException e = assertThrows(
                        SocketException.class, () -> unmarked.send(new DatagramPacket(new byte[] {1}, 1, to)));
                assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
                marked.send(new DatagramPacket(new byte[] {2}, 1, to));
                DatagramPacket p = new DatagramPacket(new byte[10], 10);
                receiver.setSoTimeout(3000);
                receiver.receive(p);
                assertEquals(2, p.getData()[0]);
                assertEquals(
                        InetAddress.getByName("198.51.100.1"), ((InetSocketAddress) p.getSocketAddress()).getAddress());
            }
        }
    }
}
