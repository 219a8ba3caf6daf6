package jwg.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** UDP on loopback through sendto/recvfrom and sendmmsg/recvmmsg. */
class SocketsTest {
    private static int udpOnLoopback(Arena a) throws Exception {
        int fd = Sockets.socket(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
        MemorySegment addr = a.allocate(SockAddrs.MAX_SIZE);
        int len = SockAddrs.write(addr, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Sockets.bind(fd, addr, len, "127.0.0.1:0");
        return fd;
    }

    @Test
    void sendtoRecvfromAndMmsg() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            int rx = udpOnLoopback(a), tx = udpOnLoopback(a);
            try {
                MemorySegment rxAddr = a.allocate(SockAddrs.MAX_SIZE);
                int rxLen = Sockets.getsockname(rx, rxAddr);
                int port = SockAddrs.read(rxAddr).getPort();
                assertTrue(port > 0);
                MemorySegment buf = a.allocate(2048);
                buf.fill((byte) 7);
                assertEquals(100, Sockets.trySendto(tx, buf, 100, 0, rxAddr, rxLen));
                MemorySegment from = a.allocate(SockAddrs.MAX_SIZE);
                MemorySegment fromLen = a.allocateFrom(JAVA_INT, (int) SockAddrs.MAX_SIZE);
                assertEquals(100, Sockets.tryRecvfrom(rx, buf, 2048, 0, from, fromLen));
                assertEquals(
                        InetAddress.getLoopbackAddress(), SockAddrs.read(from).getAddress());

                // a batch of 8 datagrams of different sizes with sendmmsg, received with recvmmsg
                int n = 8;
                MemorySegment msgs = a.allocate(Layouts.MMSGHDR, n);
                MemorySegment iovs = a.allocate(Layouts.IOVEC, n);
                MemorySegment bufs = a.allocate(1500L * n);
                for (int i = 0; i < n; i++) {
                    MemorySegment iov = iovs.asSlice(i * Layouts.IOVEC.byteSize(), Layouts.IOVEC);
                    iov.set(ADDRESS, Layouts.IOV_BASE, bufs.asSlice(1500L * i, 1500));
                    iov.set(JAVA_LONG, Layouts.IOV_LEN, 100 + i);
                    MemorySegment m = msgs.asSlice(i * Layouts.MMSGHDR.byteSize(), Layouts.MMSGHDR);
                    m.set(ADDRESS, Layouts.MSG_NAME, rxAddr);
                    m.set(JAVA_INT, Layouts.MSG_NAMELEN, rxLen);
                    m.set(ADDRESS, Layouts.MSG_IOV, iov);
                    m.set(JAVA_LONG, Layouts.MSG_IOVLEN, 1);
                    bufs.set(JAVA_BYTE, 1500L * i, (byte) i);
                }
                assertEquals(n, Sockets.trySendmmsg(tx, msgs, n, 0));
                for (int i = 0; i < n; i++) {
                    MemorySegment m = msgs.asSlice(i * Layouts.MMSGHDR.byteSize(), Layouts.MMSGHDR);
                    m.set(ADDRESS, Layouts.MSG_NAME, MemorySegment.NULL);
                    m.set(JAVA_INT, Layouts.MSG_NAMELEN, 0);
                    iovs.set(JAVA_LONG, i * Layouts.IOVEC.byteSize() + Layouts.IOV_LEN, 1500);
                    bufs.set(JAVA_BYTE, 1500L * i, (byte) -1);
                }
                int got = 0;
                while (got < n) {
                    int r = Sockets.tryRecvmmsg(
                            rx, msgs.asSlice(got * Layouts.MMSGHDR.byteSize()), n - got, 0, MemorySegment.NULL);
                    assertTrue(r > 0, "recvmmsg " + r);
                    got += r;
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(100 + i, msgs.get(JAVA_INT, i * Layouts.MMSGHDR.byteSize() + Layouts.MMSG_LEN));
                    assertEquals(i, bufs.get(JAVA_BYTE, 1500L * i));
                }
                assertEquals(-Errno.EAGAIN, Sockets.tryRecvmmsg(rx, msgs, n, Linux.MSG_DONTWAIT, MemorySegment.NULL));
                assertEquals(1, Sockets.getInt(rx, Linux.SOL_SOCKET, 3 /* SO_TYPE */) == Linux.SOCK_DGRAM ? 1 : 0);
            } finally {
                Fds.close(rx);
                Fds.close(tx);
            }
        }
    }

    @Test
    void bindFailureNamesTheAddress() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            int fd = Sockets.socket(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
            try {
                MemorySegment addr = a.allocate(SockAddrs.MAX_SIZE);
                int len = SockAddrs.write(addr, new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 9));
                ErrnoException e = assertThrows(ErrnoException.class, () -> Sockets.bind(fd, addr, len, "192.0.2.1:9"));
                assertEquals(Errno.EADDRNOTAVAIL, e.errno());
                assertEquals("bind 192.0.2.1:9: Cannot assign requested address", e.getMessage());
            } finally {
                Fds.close(fd);
            }
        }
    }

    @Test
    void netlinkSocketOpens() throws Exception {
        try (NetlinkSocket s = NetlinkSocket.open(Linux.NETLINK_ROUTE, 0)) {
            assertTrue(s.portId() != 0);
            try (Arena a = Arena.ofConfined()) {
                assertEquals(-Errno.EAGAIN, s.tryReceive(a.allocate(4096), Linux.MSG_DONTWAIT));
            }
        }
    }
}
