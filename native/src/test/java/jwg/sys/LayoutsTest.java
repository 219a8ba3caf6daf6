package jwg.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The declared layouts have the sizes and offsets of the x86_64 C structs. */
class LayoutsTest {
    @Test
    void sizesMatchTheCStructs() {
        assertEquals(40, Layouts.IFREQ.byteSize());
        assertEquals(8, Layouts.POLLFD.byteSize());
        assertEquals(16, Layouts.SOCKADDR_IN.byteSize());
        assertEquals(28, Layouts.SOCKADDR_IN6.byteSize());
        assertEquals(110, Layouts.SOCKADDR_UN.byteSize());
        assertEquals(12, Layouts.SOCKADDR_NL.byteSize());
        assertEquals(16, Layouts.IOVEC.byteSize());
        assertEquals(56, Layouts.MSGHDR.byteSize());
        assertEquals(64, Layouts.MMSGHDR.byteSize());
        assertEquals(16, Layouts.CMSGHDR.byteSize());
        assertEquals(16, Layouts.NLMSGHDR.byteSize());
        assertEquals(20, Layouts.NLMSGERR.byteSize());
        assertEquals(16, Layouts.IFINFOMSG.byteSize());
        assertEquals(8, Layouts.IFADDRMSG.byteSize());
        assertEquals(12, Layouts.RTMSG.byteSize());
        assertEquals(4, Layouts.RTATTR.byteSize());
    }

    @Test
    void offsetsMatchTheCStructs() {
        assertEquals(16, Layouts.IFR_FLAGS);
        assertEquals(16, Layouts.IFR_MTU);
        assertEquals(4, Layouts.SIN_ADDR);
        assertEquals(8, Layouts.SIN6_ADDR);
        assertEquals(24, Layouts.SIN6_SCOPE_ID);
        assertEquals(16, Layouts.MSG_IOV);
        assertEquals(32, Layouts.MSG_CONTROL);
        assertEquals(48, Layouts.MSG_FLAGS);
        assertEquals(56, Layouts.MMSG_LEN);
        assertEquals(4, Layouts.IFI_INDEX);
        assertEquals(4, Layouts.IFA_INDEX);
        assertEquals(24, Layouts.cmsgSpace(8));
        assertEquals(24, Layouts.cmsgSpace(4));
    }
}
