package jwg.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The C structs jwg passes to the kernel, declared once (Linux x86_64). Callers use the
 * layouts and the byte offsets derived from them here, never numbers of their own.
 */
public final class Layouts {
    private Layouts() {}

    /** A 16-bit field in network byte order (ports). */
    public static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private static long off(StructLayout s, String field) {
        return s.byteOffset(groupElement(field));
    }

    private static MemoryLayout bytes(long n, String name) {
        return MemoryLayout.sequenceLayout(n, JAVA_BYTE).withName(name);
    }

    /** struct ifreq { char ifr_name[IFNAMSIZ]; union { short flags; int mtu; int ifindex; ... } } — 40 bytes. */
    public static final StructLayout IFREQ = MemoryLayout.structLayout(
            bytes(Linux.IFNAMSIZ, "ifr_name"),
            MemoryLayout.unionLayout(
                            JAVA_SHORT.withName("ifr_flags"), JAVA_INT.withName("ifr_mtu"), bytes(24, "ifr_pad"))
                    .withName("ifr_ifru"));

    public static final long IFR_NAME = off(IFREQ, "ifr_name");
    public static final long IFR_FLAGS = IFREQ.byteOffset(groupElement("ifr_ifru"), groupElement("ifr_flags"));
    public static final long IFR_MTU = IFREQ.byteOffset(groupElement("ifr_ifru"), groupElement("ifr_mtu"));

    /** struct pollfd { int fd; short events; short revents; }. */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    public static final long POLLFD_FD = off(POLLFD, "fd");
    public static final long POLLFD_EVENTS = off(POLLFD, "events");
    public static final long POLLFD_REVENTS = off(POLLFD, "revents");

    /** struct sockaddr_in { sa_family_t family; in_port_t port; struct in_addr addr; char zero[8]; }. */
    public static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"), NET_SHORT.withName("sin_port"),
            bytes(4, "sin_addr"), bytes(8, "sin_zero"));

    public static final long SIN_FAMILY = off(SOCKADDR_IN, "sin_family");
    public static final long SIN_PORT = off(SOCKADDR_IN, "sin_port");
    public static final long SIN_ADDR = off(SOCKADDR_IN, "sin_addr");

    /** struct sockaddr_in6 { family; port; uint32 flowinfo; struct in6_addr addr; uint32 scope_id; }. */
    public static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin6_family"),
            NET_SHORT.withName("sin6_port"),
            JAVA_INT.withName("sin6_flowinfo"),
            bytes(16, "sin6_addr"),
            JAVA_INT.withName("sin6_scope_id"));

    public static final long SIN6_FAMILY = off(SOCKADDR_IN6, "sin6_family");
    public static final long SIN6_PORT = off(SOCKADDR_IN6, "sin6_port");
    public static final long SIN6_ADDR = off(SOCKADDR_IN6, "sin6_addr");
    public static final long SIN6_SCOPE_ID = off(SOCKADDR_IN6, "sin6_scope_id");

    /** struct sockaddr_un { sa_family_t family; char path[108]; }. */
    public static final StructLayout SOCKADDR_UN =
            MemoryLayout.structLayout(JAVA_SHORT.withName("sun_family"), bytes(108, "sun_path"));

    public static final long SUN_FAMILY = off(SOCKADDR_UN, "sun_family");
    public static final long SUN_PATH = off(SOCKADDR_UN, "sun_path");

    /** struct sockaddr_nl { sa_family_t family; unsigned short pad; uint32 pid; uint32 groups; }. */
    public static final StructLayout SOCKADDR_NL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("nl_family"), JAVA_SHORT.withName("nl_pad"),
            JAVA_INT.withName("nl_pid"), JAVA_INT.withName("nl_groups"));

    public static final long NL_FAMILY = off(SOCKADDR_NL, "nl_family");
    public static final long NL_PID = off(SOCKADDR_NL, "nl_pid");
    public static final long NL_GROUPS = off(SOCKADDR_NL, "nl_groups");

    /** struct iovec { void *base; size_t len; }. */
    public static final StructLayout IOVEC =
            MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

    public static final long IOV_BASE = off(IOVEC, "iov_base");
    public static final long IOV_LEN = off(IOVEC, "iov_len");

    /** struct msghdr (56 bytes on x86_64). */
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));

    public static final long MSG_NAME = off(MSGHDR, "msg_name");
    public static final long MSG_NAMELEN = off(MSGHDR, "msg_namelen");
    public static final long MSG_IOV = off(MSGHDR, "msg_iov");
    public static final long MSG_IOVLEN = off(MSGHDR, "msg_iovlen");
    public static final long MSG_CONTROL = off(MSGHDR, "msg_control");
    public static final long MSG_CONTROLLEN = off(MSGHDR, "msg_controllen");
    public static final long MSG_FLAGS = off(MSGHDR, "msg_flags");

    /** struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; } (64 bytes). */
    public static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"), JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));

    public static final long MMSG_HDR = off(MMSGHDR, "msg_hdr");
    public static final long MMSG_LEN = off(MMSGHDR, "msg_len");

    /** struct cmsghdr { size_t len; int level; int type; } followed by data at CMSG_DATA. */
    public static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));

    public static final long CMSG_LEN = off(CMSGHDR, "cmsg_len");
    public static final long CMSG_LEVEL = off(CMSGHDR, "cmsg_level");
    public static final long CMSG_TYPE = off(CMSGHDR, "cmsg_type");
    /** CMSG_DATA: the payload starts right after the (8-aligned) header. */
    public static final long CMSG_DATA = CMSGHDR.byteSize();

    /** CMSG_SPACE(n): header plus payload rounded up to 8. */
    public static long cmsgSpace(long payload) {
        return CMSG_DATA + ((payload + 7) & ~7L);
    }

    /** struct timespec { time_t sec; long nsec; }. */
    public static final StructLayout TIMESPEC =
            MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

    // ---- netlink ----

    /** struct nlmsghdr { uint32 len; uint16 type; uint16 flags; uint32 seq; uint32 pid; }. */
    public static final StructLayout NLMSGHDR = MemoryLayout.structLayout(
            JAVA_INT.withName("nlmsg_len"),
            JAVA_SHORT.withName("nlmsg_type"),
            JAVA_SHORT.withName("nlmsg_flags"),
            JAVA_INT.withName("nlmsg_seq"),
            JAVA_INT.withName("nlmsg_pid"));

    public static final long NLMSG_LEN = off(NLMSGHDR, "nlmsg_len");
    public static final long NLMSG_TYPE = off(NLMSGHDR, "nlmsg_type");
    public static final long NLMSG_FLAGS = off(NLMSGHDR, "nlmsg_flags");
    public static final long NLMSG_SEQ = off(NLMSGHDR, "nlmsg_seq");
    public static final long NLMSG_PID = off(NLMSGHDR, "nlmsg_pid");

    /** struct nlmsgerr { int error; struct nlmsghdr msg; } (then the request or TLVs). */
    public static final StructLayout NLMSGERR =
            MemoryLayout.structLayout(JAVA_INT.withName("error"), NLMSGHDR.withName("msg"));

    public static final long NLMSGERR_ERROR = off(NLMSGERR, "error");

    /** struct ifinfomsg { uchar family; uchar pad; ushort type; int index; uint flags; uint change; }. */
    public static final StructLayout IFINFOMSG = MemoryLayout.structLayout(
            JAVA_BYTE.withName("ifi_family"),
            JAVA_BYTE.withName("ifi_pad"),
            JAVA_SHORT.withName("ifi_type"),
            JAVA_INT.withName("ifi_index"),
            JAVA_INT.withName("ifi_flags"),
            JAVA_INT.withName("ifi_change"));

    public static final long IFI_FAMILY = off(IFINFOMSG, "ifi_family");
    public static final long IFI_INDEX = off(IFINFOMSG, "ifi_index");
    public static final long IFI_FLAGS = off(IFINFOMSG, "ifi_flags");
    public static final long IFI_CHANGE = off(IFINFOMSG, "ifi_change");

    /** struct ifaddrmsg { uchar family, prefixlen, flags, scope; uint32 index; }. */
    public static final StructLayout IFADDRMSG = MemoryLayout.structLayout(
            JAVA_BYTE.withName("ifa_family"),
            JAVA_BYTE.withName("ifa_prefixlen"),
            JAVA_BYTE.withName("ifa_flags"),
            JAVA_BYTE.withName("ifa_scope"),
            JAVA_INT.withName("ifa_index"));

    public static final long IFA_FAMILY = off(IFADDRMSG, "ifa_family");
    public static final long IFA_PREFIXLEN = off(IFADDRMSG, "ifa_prefixlen");
    public static final long IFA_FLAGS_FIELD = off(IFADDRMSG, "ifa_flags");
    public static final long IFA_SCOPE = off(IFADDRMSG, "ifa_scope");
    public static final long IFA_INDEX = off(IFADDRMSG, "ifa_index");

    /** struct rtmsg { uchar family, dst_len, src_len, tos, table, protocol, scope, type; uint flags; }. */
    public static final StructLayout RTMSG = MemoryLayout.structLayout(
            JAVA_BYTE.withName("rtm_family"),
            JAVA_BYTE.withName("rtm_dst_len"),
            JAVA_BYTE.withName("rtm_src_len"),
            JAVA_BYTE.withName("rtm_tos"),
            JAVA_BYTE.withName("rtm_table"),
            JAVA_BYTE.withName("rtm_protocol"),
            JAVA_BYTE.withName("rtm_scope"),
            JAVA_BYTE.withName("rtm_type"),
            JAVA_INT.withName("rtm_flags"));

    public static final long RTM_FAMILY = off(RTMSG, "rtm_family");
    public static final long RTM_DST_LEN = off(RTMSG, "rtm_dst_len");
    public static final long RTM_TABLE = off(RTMSG, "rtm_table");
    public static final long RTM_PROTOCOL = off(RTMSG, "rtm_protocol");
    public static final long RTM_SCOPE = off(RTMSG, "rtm_scope");
    public static final long RTM_TYPE = off(RTMSG, "rtm_type");
    public static final long RTM_FLAGS = off(RTMSG, "rtm_flags");

    /** struct rtattr { ushort len; ushort type; } followed by the (4-aligned) payload. */
    public static final StructLayout RTATTR =
            MemoryLayout.structLayout(JAVA_SHORT.withName("rta_len"), JAVA_SHORT.withName("rta_type"));

    public static final long RTA_LEN = off(RTATTR, "rta_len");
    public static final long RTA_TYPE = off(RTATTR, "rta_type");

    /** NLMSG_ALIGN / RTA_ALIGN: netlink rounds everything up to 4 bytes. */
    public static long align4(long n) {
        return (n + 3) & ~3L;
    }
}
