package jwg.tun.netlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jwg.sys.Errno;
import jwg.sys.ErrnoException;
import jwg.sys.Layouts;
import jwg.sys.Linux;
import jwg.sys.NetlinkSocket;
import jwg.tun.ip.IpPrefix;

/**
 * Interface configuration over rtnetlink (rtnetlink(7)), the way iproute2 does it but from
 * Java: link up/down, MTU, addresses, routes, policy routing rules, route lookups. Every request asks for an ACK (NLM_F_ACK) and a
 * failure becomes an {@link ErrnoException} naming the operation and the interface, e.g.
 * {@code "add address 192.0.2.1/24 to jwg0: File exists"}. Works on the network namespace
 * the socket was opened in (see {@link jwg.sys.NetNs}). Thread-safe (one request at a time).
 */
public final class Rtnetlink implements AutoCloseable {
    private static final int BUF = 32 * 1024;
    private final NetlinkSocket socket;
    private final MemorySegment request = Arena.ofAuto().allocate(4096, 8);
    private final MemorySegment reply = Arena.ofAuto().allocate(BUF, 8);
    private final NlMessage msg = new NlMessage(request);
    private int seq = (int) (System.nanoTime() & 0x7fffffff);

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opens a NETLINK_ROUTE socket in the calling thread's network namespace. */
    public static Rtnetlink open() throws ErrnoException {
        return new Rtnetlink(NetlinkSocket.open(Linux.NETLINK_ROUTE, 0));
    }

    /** Uses a NETLINK_ROUTE socket opened elsewhere (e.g. received from the rootless helper). */
    public static Rtnetlink adopt(int fd) throws ErrnoException {
        return new Rtnetlink(NetlinkSocket.adopt(fd, Linux.NETLINK_ROUTE));
    }

    /** What the kernel says about a link. */
    public record Link(int index, String name, int mtu, boolean up) {}

    /** The ifindex of {@code name}; "no interface named X" when there is none. */
    public int index(String name) throws ErrnoException {
        return link(name).index();
    }

    /** RTM_GETLINK by name. */
    public synchronized Link link(String name) throws ErrnoException {
        msg.begin(Linux.RTM_GETLINK, Linux.NLM_F_REQUEST, ++seq)
                .ifinfo((byte) 0, 0, 0, 0)
                .attr(Linux.IFLA_IFNAME, name);
        return getLink("look up interface " + name);
    }

    /** RTM_GETLINK by index. */
    public synchronized Link link(int index) throws ErrnoException {
        msg.begin(Linux.RTM_GETLINK, Linux.NLM_F_REQUEST, ++seq).ifinfo((byte) 0, index, 0, 0);
        return getLink("look up interface #" + index);
    }

    private Link getLink(String what) throws ErrnoException {
        long len = msg.finish();
        send(len, what);
        long at = awaitReply(what, Linux.RTM_NEWLINK);
        long payload = at + Layouts.NLMSGHDR.byteSize();
        long end = at + reply.get(JAVA_INT, at + Layouts.NLMSG_LEN);
        int index = reply.get(JAVA_INT, payload + Layouts.IFI_INDEX);
        int flags = reply.get(JAVA_INT, payload + Layouts.IFI_FLAGS);
        long attrs = payload + Layouts.IFINFOMSG.byteSize();
        long nameAt = NlMessage.findAttr(reply, attrs, end, Linux.IFLA_IFNAME);
        long mtuAt = NlMessage.findAttr(reply, attrs, end, Linux.IFLA_MTU);
        return new Link(
                index,
                nameAt < 0 ? "" : NlMessage.attrString(reply, nameAt),
                mtuAt < 0 || NlMessage.attrPayloadLength(reply, mtuAt) < 4 ? 0 : reply.get(JAVA_INT, mtuAt),
                (flags & Linux.IFF_UP) != 0);
    }

    /** Brings the link up or down (RTM_NEWLINK changing IFF_UP), like {@code ip link set NAME up}. */
    public synchronized void setUp(int index, String name, boolean up) throws ErrnoException {
        msg.begin(Linux.RTM_NEWLINK, (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_ACK), ++seq)
                .ifinfo((byte) 0, index, up ? Linux.IFF_UP : 0, Linux.IFF_UP);
        call((up ? "bring up " : "bring down ") + name);
    }

    /** Sets the MTU (IFLA_MTU), like {@code ip link set NAME mtu N}. */
    public synchronized void setMtu(int index, String name, int mtu) throws ErrnoException {
        msg.begin(Linux.RTM_NEWLINK, (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_ACK), ++seq)
                .ifinfo((byte) 0, index, 0, 0)
                .attr(Linux.IFLA_MTU, mtu);
        call("set MTU " + mtu + " on " + name);
    }

    /** Deletes the link (RTM_DELLINK), like {@code ip link del NAME}. */
    public synchronized void deleteLink(int index, String name) throws ErrnoException {
        msg.begin(Linux.RTM_DELLINK, (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_ACK), ++seq)
                .ifinfo((byte) 0, index, 0, 0);
        call("delete interface " + name);
    }

    /**
     * Adds an address (RTM_NEWADDR with IFA_LOCAL and IFA_ADDRESS, no duplicate address
     * detection), like {@code ip addr add 192.0.2.1/24 dev NAME}. Fails with "File exists" if the
     * interface already has it.
     */
    public synchronized void addAddress(int index, String name, IpPrefix address) throws ErrnoException {
        addressRequest(
                Linux.RTM_NEWADDR,
                (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_ACK | Linux.NLM_F_CREATE | Linux.NLM_F_EXCL),
                index,
                address);
        try {
            call("add address " + address + " to " + name);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EINVAL || address.isIpv4() || e.getMessage().contains("kernel:")) throw e;
            throw new ErrnoException(
                    e.operation(),
                    e.errno(),
                    "IPv6 is off on " + name + ": it needs an MTU of at least 1280 and net.ipv6.conf." + name
                            + ".disable_ipv6=0");
        }
    }

    /** Removes an address (RTM_DELADDR). */
    public synchronized void deleteAddress(int index, String name, IpPrefix address) throws ErrnoException {
        addressRequest(Linux.RTM_DELADDR, (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_ACK), index, address);
        call("remove address " + address + " from " + name);
    }

    private void addressRequest(short type, short flags, int index, IpPrefix a) {
        byte family = (byte) (a.isIpv4() ? Linux.AF_INET : Linux.AF_INET6);
        msg.begin(type, flags, ++seq)
                .ifaddr(family, a.length(), a.isIpv4() ? 0 : Linux.IFA_F_NODAD, Linux.RT_SCOPE_UNIVERSE, index)
                .attr(Linux.IFA_LOCAL, a.addressBytes())
                .attr(Linux.IFA_ADDRESS, a.addressBytes());
        if (!a.isIpv4()) msg.attr(Linux.IFA_FLAGS, Linux.IFA_F_NODAD);
    }

    /**
     * Adds a route to {@code destination} (host bits cleared) through the interface, in the main
     * table, like {@code ip route add 198.51.100.0/24 dev NAME} — what wg-quick adds for each
     * peer's AllowedIPs.
     */
    public synchronized void addRoute(int index, String name, IpPrefix destination) throws ErrnoException {
        addRoute(index, name, destination, MAIN_TABLE);
    }

    /** The main routing table's number (RT_TABLE_MAIN). */
    public static final int MAIN_TABLE = 254;

    /**
     * {@link #addRoute(int, String, IpPrefix)} into routing table {@code table} (1..2^32-1), like
     * {@code ip route add 198.51.100.0/24 dev NAME table 1234} — wg-quick's Table = 1234.
     */
    public synchronized void addRoute(int index, String name, IpPrefix destination, int table) throws ErrnoException {
        IpPrefix dst = destination.network();
        routeRequest(
                Linux.RTM_NEWROUTE,
                (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_ACK | Linux.NLM_F_CREATE | Linux.NLM_F_EXCL),
                index,
                dst,
                table);
        call("add route " + dst + " via " + name
                + (table == MAIN_TABLE ? "" : " in table " + Integer.toUnsignedString(table)));
    }

    /** Removes a route added with {@link #addRoute}. */
    public synchronized void deleteRoute(int index, String name, IpPrefix destination) throws ErrnoException {
        IpPrefix dst = destination.network();
        routeRequest(Linux.RTM_DELROUTE, (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_ACK), index, dst, MAIN_TABLE);
        call("remove route " + dst + " via " + name);
    }

    /** The table goes in rtm_table when it fits a byte, and always in RTA_TABLE (tables above 255 exist only there). */
    private void routeRequest(short type, short flags, int index, IpPrefix dst, int table) {
        byte family = (byte) (dst.isIpv4() ? Linux.AF_INET : Linux.AF_INET6);
        byte small = Integer.compareUnsigned(table, 255) <= 0 ? (byte) table : 0; // 0 = RT_TABLE_UNSPEC: see RTA_TABLE
        msg.begin(type, flags, ++seq)
                .rt(family, dst.length(), small, Linux.RTPROT_BOOT, Linux.RT_SCOPE_LINK, Linux.RTN_UNICAST)
                .attr(Linux.RTA_DST, dst.addressBytes())
                .attr(Linux.RTA_OIF, index)
                .attr(Linux.RTA_TABLE, table);
    }

    /**
     * A policy routing rule as the kernel lists it ({@code ip rule}): its priority, the table it
     * looks up, the fwmark it matches (-1: none), whether it is inverted ({@code not}), and its
     * {@code suppress_prefixlength} (-1: none).
     */
    public record Rule(boolean ipv6, int priority, int table, long fwmark, boolean invert, int suppressPrefixLength) {
        @Override
        public String toString() {
            return (invert ? "not " : "") + "from all" + (fwmark >= 0 ? " fwmark 0x" + Long.toHexString(fwmark) : "")
                    + " lookup " + Integer.toUnsignedString(table)
                    + (suppressPrefixLength >= 0 ? " suppress_prefixlength " + suppressPrefixLength : "");
        }
    }

    /**
     * Adds a rule without a priority (the kernel takes the one below the first non-zero rule's, as
     * for {@code ip rule add}): {@code ip [-6] rule add [not] fwmark MARK table T} when {@code
     * fwmark} &ge; 0, {@code ip [-6] rule add table T suppress_prefixlength N} when {@code
     * suppressPrefixLength} &ge; 0 — wg-quick's two rules for a default route.
     */
    public synchronized void addRule(boolean ipv6, int table, long fwmark, boolean invert, int suppressPrefixLength)
            throws ErrnoException {
        ruleRequest(
                Linux.RTM_NEWRULE,
                (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_ACK | Linux.NLM_F_CREATE | Linux.NLM_F_EXCL),
                ipv6,
                table,
                fwmark,
                invert,
                suppressPrefixLength);
        call("add rule " + new Rule(ipv6, 0, table, fwmark, invert, suppressPrefixLength) + (ipv6 ? " (IPv6)" : ""));
    }

    /** Deletes the first rule that matches these attributes ({@code ip rule del ...}). */
    public synchronized void deleteRule(boolean ipv6, int table, long fwmark, boolean invert, int suppressPrefixLength)
            throws ErrnoException {
        ruleRequest(
                Linux.RTM_DELRULE,
                (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_ACK),
                ipv6,
                table,
                fwmark,
                invert,
                suppressPrefixLength);
        call("delete rule " + new Rule(ipv6, 0, table, fwmark, invert, suppressPrefixLength) + (ipv6 ? " (IPv6)" : ""));
    }

    private void ruleRequest(
            short type, short flags, boolean ipv6, int table, long fwmark, boolean invert, int suppressPrefixLength) {
        msg.begin(type, flags, ++seq)
                .rule(
                        (byte) (ipv6 ? Linux.AF_INET6 : Linux.AF_INET),
                        table,
                        Linux.FR_ACT_TO_TBL,
                        invert ? Linux.FIB_RULE_INVERT : 0)
                .attr(Linux.FRA_TABLE, table);
        if (fwmark >= 0) msg.attr(Linux.FRA_FWMARK, (int) fwmark);
        if (suppressPrefixLength >= 0) msg.attr(Linux.FRA_SUPPRESS_PREFIXLEN, suppressPrefixLength);
    }

    /** The rules of one family, in the kernel's order ({@code ip [-6] rule show}). */
    public synchronized List<Rule> rules(boolean ipv6) throws ErrnoException {
        msg.begin(Linux.RTM_GETRULE, (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_DUMP), ++seq)
                .rule((byte) (ipv6 ? Linux.AF_INET6 : Linux.AF_INET), 0, (byte) 0, 0);
        List<Rule> rules = new ArrayList<>();
        dump("list rules", Linux.RTM_NEWRULE, (at, end) -> {
            long h = at + Layouts.NLMSGHDR.byteSize();
            long attrs = h + Layouts.RTMSG.byteSize();
            int flags = reply.get(JAVA_INT, h + Layouts.RTM_FLAGS);
            long prio = NlMessage.findAttr(reply, attrs, end, Linux.FRA_PRIORITY);
            long mark = NlMessage.findAttr(reply, attrs, end, Linux.FRA_FWMARK);
            long sup = NlMessage.findAttr(reply, attrs, end, Linux.FRA_SUPPRESS_PREFIXLEN);
            int suppress = sup < 0 ? -1 : reply.get(JAVA_INT, sup);
            rules.add(new Rule(
                    ipv6,
                    prio < 0 ? 0 : reply.get(JAVA_INT, prio),
                    table(h, attrs, end),
                    mark < 0 ? -1 : Integer.toUnsignedLong(reply.get(JAVA_INT, mark)),
                    (flags & Linux.FIB_RULE_INVERT) != 0,
                    suppress == 0xFFFF_FFFF ? -1 : suppress));
        });
        return rules;
    }

    /** The routing tables that hold at least one IPv4 or IPv6 route (what wg-quick checks before taking a table). */
    public synchronized Set<Integer> tablesInUse() throws ErrnoException {
        Set<Integer> tables = new HashSet<>();
        for (int family : new int[] {Linux.AF_INET, Linux.AF_INET6}) {
            msg.begin(Linux.RTM_GETROUTE, (short) (Linux.NLM_F_REQUEST | Linux.NLM_F_DUMP), ++seq)
                    .rt((byte) family, 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0);
            dump("list routes", Linux.RTM_NEWROUTE, (at, end) -> {
                long h = at + Layouts.NLMSGHDR.byteSize();
                tables.add(table(h, h + Layouts.RTMSG.byteSize(), end));
            });
        }
        return tables;
    }

    /** Where the kernel routes a packet: its outgoing interface, source address and table. */
    public record Lookup(int oif, InetAddress source, int table) {}

    /**
     * {@code ip route get ADDRESS [mark MARK]}: the route a packet to {@code destination} carrying
     * {@code mark} (0: none) takes, through the policy rules. Fails (e.g. "Network is unreachable")
     * when there is none.
     */
    public synchronized Lookup route(InetAddress destination, int mark) throws ErrnoException {
        byte[] dst = destination.getAddress();
        msg.begin(Linux.RTM_GETROUTE, Linux.NLM_F_REQUEST, ++seq)
                .rt(
                        (byte) (dst.length == 4 ? Linux.AF_INET : Linux.AF_INET6),
                        dst.length * 8,
                        (byte) 0,
                        (byte) 0,
                        (byte) 0,
                        (byte) 0)
                .flags(Linux.RTM_F_LOOKUP_TABLE) // the IPv4 reply then names the table the lookup ended in
                .attr(Linux.RTA_DST, dst);
        if (mark != 0) msg.attr(Linux.RTA_MARK, mark);
        String what =
                "look up the route to " + destination.getHostAddress() + (mark == 0 ? "" : " with fwmark " + mark);
        send(msg.finish(), what);
        long at = awaitReply(what, Linux.RTM_NEWROUTE);
        long h = at + Layouts.NLMSGHDR.byteSize();
        long end = at + reply.get(JAVA_INT, at + Layouts.NLMSG_LEN);
        long attrs = h + Layouts.RTMSG.byteSize();
        long oif = NlMessage.findAttr(reply, attrs, end, Linux.RTA_OIF);
        long src = NlMessage.findAttr(reply, attrs, end, Linux.RTA_PREFSRC);
        InetAddress source = null;
        if (src >= 0) {
            try {
                source = InetAddress.getByAddress(reply.asSlice(src, NlMessage.attrPayloadLength(reply, src))
                        .toArray(JAVA_BYTE));
            } catch (java.net.UnknownHostException e) {
                source = null; // a length other than 4 or 16: none
            }
        }
        return new Lookup(oif < 0 ? 0 : reply.get(JAVA_INT, oif), source, table(h, attrs, end));
    }

    private int table(long header, long attrs, long end) {
        long t = NlMessage.findAttr(reply, attrs, end, Linux.RTA_TABLE); // FRA_TABLE has the same number
        return t >= 0 ? reply.get(JAVA_INT, t) : Byte.toUnsignedInt(reply.get(JAVA_BYTE, header + Layouts.RTM_TABLE));
    }

    private interface DumpEntry {
        void accept(long at, long end);
    }

    /** Sends the dump request in {@code msg} and hands each reply of {@code type} to {@code each}, until NLMSG_DONE. */
    private void dump(String what, short type, DumpEntry each) throws ErrnoException {
        send(msg.finish(), what);
        while (true) {
            long n = socket.tryReceive(reply, 0);
            if (n < 0) throw new ErrnoException(what + " (netlink receive)", (int) -n);
            long at = 0;
            while (at + Layouts.NLMSGHDR.byteSize() <= n) {
                int len = reply.get(JAVA_INT, at + Layouts.NLMSG_LEN);
                if (len < Layouts.NLMSGHDR.byteSize() || at + len > n) break;
                short t = reply.get(JAVA_SHORT, at + Layouts.NLMSG_TYPE);
                if (reply.get(JAVA_INT, at + Layouts.NLMSG_SEQ) == seq) {
                    if (t == Linux.NLMSG_DONE) return;
                    if (t == Linux.NLMSG_ERROR) {
                        int error = reply.get(JAVA_INT, at + Layouts.NLMSGHDR.byteSize() + Layouts.NLMSGERR_ERROR);
                        if (error != 0) throw new ErrnoException(what, -error, explain(-error, null));
                    } else if (t == type) each.accept(at, at + len);
                }
                at += Layouts.align4(len);
            }
        }
    }

    /** Sends the request in {@code msg} and waits for its ACK. */
    private void call(String what) throws ErrnoException {
        long len = msg.finish();
        send(len, what);
        awaitReply(what, (short) -1);
    }

    /**
     * Reads replies until the one for the current sequence number: an NLMSG_ERROR with error 0
     * (the ACK; returns -1) or a message of {@code wantType} (returns its offset in {@link #reply}).
     * An error reply becomes an ErrnoException carrying the kernel's extended-ACK text if any.
     */
    private long awaitReply(String what, short wantType) throws ErrnoException {
        while (true) {
            long n = socket.tryReceive(reply, 0);
            if (n < 0) throw new ErrnoException(what + " (netlink receive)", (int) -n);
            long at = 0;
            while (at + Layouts.NLMSGHDR.byteSize() <= n) {
                int len = reply.get(JAVA_INT, at + Layouts.NLMSG_LEN);
                if (len < Layouts.NLMSGHDR.byteSize() || at + len > n) break;
                short type = reply.get(JAVA_SHORT, at + Layouts.NLMSG_TYPE);
                int s = reply.get(JAVA_INT, at + Layouts.NLMSG_SEQ);
                if (s == seq) {
                    if (type == Linux.NLMSG_ERROR) {
                        long payload = at + Layouts.NLMSGHDR.byteSize();
                        int error = reply.get(JAVA_INT, payload + Layouts.NLMSGERR_ERROR);
                        if (error == 0) return -1;
                        throw new ErrnoException(what, -error, explain(-error, extAckMessage(at, len)));
                    }
                    if (type == wantType) return at;
                }
                at += Layouts.align4(len);
            }
        }
    }

    /** The NLMSGERR_ATTR_MSG text of an error reply, or null. */
    private String extAckMessage(long at, int len) {
        short flags = reply.get(JAVA_SHORT, at + Layouts.NLMSG_FLAGS);
        if ((flags & Linux.NLM_F_ACK_TLVS) == 0) return null;
        long payload = at + Layouts.NLMSGHDR.byteSize();
        long attrs = payload + Layouts.NLMSGERR.byteSize();
        if ((flags & Linux.NLM_F_CAPPED) == 0) {
            attrs = payload + Layouts.NLMSGERR_ERROR + 4 + reply.get(JAVA_INT, payload + 4 + Layouts.NLMSG_LEN);
        }
        long m = NlMessage.findAttr(reply, Layouts.align4(attrs), at + len, Linux.NLMSGERR_ATTR_MSG);
        return m < 0 ? null : NlMessage.attrString(reply, m);
    }

    private static String explain(int errno, String kernelText) {
        String hint = switch (errno) {
            case Errno.EPERM -> "configuring interfaces needs CAP_NET_ADMIN: run as root, or use the rootless mode";
            case Errno.ENODEV -> "no such interface: was it deleted?";
            default -> null;
        };
        if (kernelText == null || kernelText.isBlank()) return hint;
        return hint == null ? "kernel: " + kernelText : "kernel: " + kernelText + "; " + hint;
    }

    /** The socket's descriptor (to pass it to another process). */
    public int fd() {
        return socket.fd();
    }

    /** Closes the socket once no request is in progress (so its descriptor number is never reused under one). */
    @Override
    public synchronized void close() {
        socket.close();
    }

    private void send(long len, String what) throws ErrnoException {
        if (socket.isClosed()) throw new ErrnoException(what, Errno.EBADF, "the netlink socket is closed");
        socket.send(request, len, what);
    }
}
