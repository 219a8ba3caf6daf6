package jwg.tun.netlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import jwg.sys.Layouts;

/**
 * Writes one netlink request into a preallocated segment: the nlmsghdr, a family header
 * (ifinfomsg, ifaddrmsg or rtmsg) and rtattr attributes, each 4-byte aligned, all at the
 * offsets {@link Layouts} declares.
 */
final class NlMessage {
    private final MemorySegment buf;
    private long pos;

    NlMessage(MemorySegment buf) {
        this.buf = buf;
    }

    NlMessage begin(short type, short flags, int seq) {
        buf.asSlice(0, 256).fill((byte) 0);
        buf.set(JAVA_SHORT, Layouts.NLMSG_TYPE, type);
        buf.set(JAVA_SHORT, Layouts.NLMSG_FLAGS, flags);
        buf.set(JAVA_INT, Layouts.NLMSG_SEQ, seq);
        pos = Layouts.NLMSGHDR.byteSize();
        return this;
    }

    /** struct ifinfomsg. */
    NlMessage ifinfo(byte family, int index, int flags, int change) {
        long h = pos;
        buf.asSlice(h, Layouts.IFINFOMSG.byteSize()).fill((byte) 0);
        buf.set(JAVA_BYTE, h + Layouts.IFI_FAMILY, family);
        buf.set(JAVA_INT, h + Layouts.IFI_INDEX, index);
        buf.set(JAVA_INT, h + Layouts.IFI_FLAGS, flags);
        buf.set(JAVA_INT, h + Layouts.IFI_CHANGE, change);
        pos += Layouts.IFINFOMSG.byteSize();
        return this;
    }

    /** struct ifaddrmsg. */
    NlMessage ifaddr(byte family, int prefixLength, int flags, byte scope, int index) {
        long h = pos;
        buf.set(JAVA_BYTE, h + Layouts.IFA_FAMILY, family);
        buf.set(JAVA_BYTE, h + Layouts.IFA_PREFIXLEN, (byte) prefixLength);
        buf.set(JAVA_BYTE, h + Layouts.IFA_FLAGS_FIELD, (byte) flags);
        buf.set(JAVA_BYTE, h + Layouts.IFA_SCOPE, scope);
        buf.set(JAVA_INT, h + Layouts.IFA_INDEX, index);
        pos += Layouts.IFADDRMSG.byteSize();
        return this;
    }

    /** struct rtmsg. */
    NlMessage rt(byte family, int dstLength, byte table, byte protocol, byte scope, byte type) {
        long h = pos;
        buf.asSlice(h, Layouts.RTMSG.byteSize()).fill((byte) 0);
        buf.set(JAVA_BYTE, h + Layouts.RTM_FAMILY, family);
        buf.set(JAVA_BYTE, h + Layouts.RTM_DST_LEN, (byte) dstLength);
        buf.set(JAVA_BYTE, h + Layouts.RTM_TABLE, table);
        buf.set(JAVA_BYTE, h + Layouts.RTM_PROTOCOL, protocol);
        buf.set(JAVA_BYTE, h + Layouts.RTM_SCOPE, scope);
        buf.set(JAVA_BYTE, h + Layouts.RTM_TYPE, type);
        pos += Layouts.RTMSG.byteSize();
        return this;
    }

    /**
     * struct fib_rule_hdr (a policy routing rule: same size and offsets as rtmsg, the action where
     * rtmsg has its type); the table only when it fits a byte (FRA_TABLE carries it anyway).
     */
    NlMessage rule(byte family, int table, byte action, int flags) {
        rt(family, 0, Integer.compareUnsigned(table, 255) <= 0 ? (byte) table : 0, (byte) 0, (byte) 0, action);
        buf.set(JAVA_INT, pos - Layouts.RTMSG.byteSize() + Layouts.RTM_FLAGS, flags);
        return this;
    }

    /** Sets the flags of the rtmsg just written (before any attribute). */
    NlMessage flags(int flags) {
        buf.set(JAVA_INT, pos - Layouts.RTMSG.byteSize() + Layouts.RTM_FLAGS, flags);
        return this;
    }

    private long attrHeader(short type, long payload) {
        long h = pos;
        buf.set(JAVA_SHORT, h + Layouts.RTA_LEN, (short) (Layouts.RTATTR.byteSize() + payload));
        buf.set(JAVA_SHORT, h + Layouts.RTA_TYPE, type);
        pos = Layouts.align4(h + Layouts.RTATTR.byteSize() + payload);
        return h + Layouts.RTATTR.byteSize();
    }

    NlMessage attr(short type, byte[] value) {
        long at = attrHeader(type, value.length);
        MemorySegment.copy(value, 0, buf, JAVA_BYTE, at, value.length);
        return this;
    }

    NlMessage attr(short type, int value) {
        buf.set(JAVA_INT, attrHeader(type, 4), value);
        return this;
    }

    /** A NUL-terminated string attribute. */
    NlMessage attr(short type, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        long at = attrHeader(type, b.length + 1);
        MemorySegment.copy(b, 0, buf, JAVA_BYTE, at, b.length);
        buf.set(JAVA_BYTE, at + b.length, (byte) 0);
        return this;
    }

    /** Writes the total length into the header; returns it. */
    long finish() {
        buf.set(JAVA_INT, Layouts.NLMSG_LEN, (int) pos);
        return pos;
    }

    /** Finds attribute {@code type} among the rtattrs in [from, to): its payload offset, or -1. */
    static long findAttr(MemorySegment m, long from, long to, short type) {
        long p = from;
        while (p + Layouts.RTATTR.byteSize() <= to) {
            int len = Short.toUnsignedInt(m.get(JAVA_SHORT, p + Layouts.RTA_LEN));
            if (len < Layouts.RTATTR.byteSize() || p + len > to) return -1; // a length past the message: malformed
            if ((m.get(JAVA_SHORT, p + Layouts.RTA_TYPE) & 0x3fff) == type) return p + Layouts.RTATTR.byteSize();
            p += Layouts.align4(len);
        }
        return -1;
    }

    /** The payload length of the attribute whose payload starts at {@code payload}. */
    static int attrPayloadLength(MemorySegment m, long payload) {
        return Short.toUnsignedInt(m.get(JAVA_SHORT, payload - Layouts.RTATTR.byteSize() + Layouts.RTA_LEN))
                - (int) Layouts.RTATTR.byteSize();
    }

    /** A NUL-terminated string attribute's value. */
    static String attrString(MemorySegment m, long payload) {
        int n = attrPayloadLength(m, payload);
        byte[] b = m.asSlice(payload, n).toArray(JAVA_BYTE);
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }
}
