package jwg.sys;

/**
 * Numeric constants of the Linux x86_64 ABI that jwg uses, in one place (from
 * {@code <fcntl.h>}, {@code <sys/socket.h>}, {@code <linux/netlink.h>}, {@code <linux/rtnetlink.h>},
 * {@code <linux/if_link.h>}, {@code <linux/if_addr.h>}, {@code <linux/if_tun.h>}, {@code <sched.h>}).
 * Struct layouts live in {@link Layouts}; errno values in {@link Errno}.
 */
public final class Linux {
    private Linux() {}

    // <fcntl.h>
    public static final int O_RDONLY = 0, O_RDWR = 2, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public static final int F_GETFL = 3, F_SETFL = 4;
    // <sys/eventfd.h>
    public static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    // <poll.h>
    public static final short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    // <sched.h>
    public static final int CLONE_NEWNET = 0x40000000, CLONE_NEWUSER = 0x10000000;

    // <sys/socket.h>
    public static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16;
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_RCVTIMEO = 20;
    public static final int SCM_RIGHTS = 1;
    public static final int MSG_TRUNC = 0x20,
            MSG_DONTWAIT = 0x40,
            MSG_WAITFORONE = 0x10000,
            MSG_CMSG_CLOEXEC = 0x40000000;
    public static final int SOL_IP = 0, SOL_IPV6 = 41, SOL_UDP = 17;
    /** SO_MARK (fwmark, needs CAP_NET_ADMIN); path MTU discovery: IP[V6]_MTU_DISCOVER = *_PMTUDISC_DO sets DF, IP[V6]_MTU reads the path MTU. */
    public static final int SO_MARK = 36;

    public static final int IP_MTU_DISCOVER = 10, IP_MTU = 14, IPV6_MTU_DISCOVER = 23, IPV6_MTU = 24;
    public static final int IP_PMTUDISC_DO = 2, IPV6_PMTUDISC_DO = 2;
    // <linux/udp.h>: GSO (one sendmsg, many datagrams of one size) and GRO (coalesced receive)
    public static final int UDP_SEGMENT = 103, UDP_GRO = 104;

    // <linux/netlink.h>
    public static final int NETLINK_ROUTE = 0;
    public static final int SOL_NETLINK = 270, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11;
    public static final short NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4;
    public static final short NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_DUMP = 0x300;
    public static final short NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
    /** Flags of an NLMSG_ERROR reply: the request was not echoed back; TLVs follow. */
    public static final short NLM_F_CAPPED = 0x100, NLM_F_ACK_TLVS = 0x200;

    public static final short NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3;
    public static final short NLMSGERR_ATTR_MSG = 1;

    // <linux/rtnetlink.h>
    public static final short RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19;
    public static final short RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    public static final short RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26;
    public static final int RTMGRP_LINK = 0x1;
    public static final byte RT_TABLE_MAIN = (byte) 254;
    public static final byte RTPROT_BOOT = 3, RTPROT_STATIC = 4;
    public static final byte RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = (byte) 253, RT_SCOPE_HOST = (byte) 254;
    public static final byte RTN_UNICAST = 1;
    public static final short RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6, RTA_TABLE = 15;
    public static final short RTA_PREFSRC = 7, RTA_MARK = 16;
    public static final int RTM_F_LOOKUP_TABLE = 0x1000;
    // <linux/fib_rules.h>: policy routing rules (struct fib_rule_hdr has rtmsg's size and field offsets)
    public static final short RTM_NEWRULE = 32, RTM_DELRULE = 33, RTM_GETRULE = 34;
    public static final short FRA_PRIORITY = 6, FRA_FWMARK = 10, FRA_SUPPRESS_PREFIXLEN = 14, FRA_TABLE = 15;
    public static final short FRA_FWMASK = 16;
    public static final byte FR_ACT_TO_TBL = 1;
    public static final int FIB_RULE_INVERT = 0x2;
    // <linux/if_link.h>
    public static final short IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4;
    // <linux/if_addr.h>
    public static final short IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_FLAGS = 8;
    public static final int IFA_F_NODAD = 0x02;

    // <linux/if.h>
    public static final int IFNAMSIZ = 16;
    public static final int IFF_UP = 0x1, IFF_LOWER_UP = 0x10000;
    public static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCGIFMTU = 0x8921, SIOCGIFINDEX = 0x8933;

    // <linux/if_tun.h>
    public static final long TUNSETIFF = 0x400454caL, TUNSETPERSIST = 0x400454cbL, TUNGETIFF = 0x800454d2L;
    public static final long TUNSETOFFLOAD = 0x400454d0L, TUNSETVNETHDRSZ = 0x400454d8L;
    public static final short IFF_TUN = 0x0001, IFF_NAPI = 0x0010, IFF_MULTI_QUEUE = 0x0100;
    public static final short IFF_NO_PI = 0x1000, IFF_VNET_HDR = 0x4000;
}
