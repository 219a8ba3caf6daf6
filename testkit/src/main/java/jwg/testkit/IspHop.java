package jwg.testkit;

import java.io.IOException;

/**
 * The lab's "ISP" ({@link LabOptions#ispHop}): the public namespace forwards the routers' traffic
 * to each other, one routed hop that decrements the TTL, and the routers' WAN addresses are /32s
 * whose only neighbour it is. UDP between the routers then crosses an ip forward chain, not the
 * bridge's: {@link #block} drops it there.
 */
final class IspHop {
    private static final String TABLE = "jwglabisp";

    private IspHop() {}

    /** The public namespace as the routers' next hop: forwarding, no redirects, a forward chain. */
    static void isp(Netns pub, String bridge) throws IOException {
        pub.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
        pub.exec("sysctl", "-qw", "net.ipv4.conf.all.send_redirects=0"); // the routers are to keep using it
        pub.exec("sysctl", "-qw", "net.ipv4.conf." + bridge + ".send_redirects=0");
        pub.exec("nft", "add", "table", "ip", TABLE);
        pub.exec(
                "nft",
                "add",
                "chain",
                "ip",
                TABLE,
                "forward",
                "{ type filter hook forward priority 0; policy accept; }");
    }

    /** A router whose WAN ({@code wanIf}, a /32) reaches only {@code isp}: the other router is a hop away. */
    static void router(Netns r, String wanIf, String isp) throws IOException {
        r.exec("ip", "route", "add", isp + "/32", "dev", wanIf, "scope", "link");
        r.exec("sysctl", "-qw", "net.ipv4.conf.all.accept_redirects=0");
    }

    /** Drops UDP between {@code a} and {@code b}, both directions, where the ISP forwards it. */
    static void block(Netns pub, String a, String b) throws IOException {
        for (String[] p : new String[][] {{a, b}, {b, a}})
            pub.exec(
                    "nft", "add", "rule", "ip", TABLE, "forward", "ip", "saddr", p[0], "ip", "daddr", p[1], "meta",
                    "l4proto", "udp", "counter", "drop");
    }

    static void unblock(Netns pub) throws IOException {
        pub.exec("nft", "flush", "chain", "ip", TABLE, "forward");
    }

    /** The ISP's forward chain with the drop rules' counters. */
    static String rules(Netns pub) throws IOException {
        return pub.exec("nft", "list", "table", "ip", TABLE).output();
    }
}
