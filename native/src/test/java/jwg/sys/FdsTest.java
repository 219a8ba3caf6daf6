package jwg.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class FdsTest {
    @Test
    void openOfAMissingFileNamesPathAndReason() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Fds.open("/nonexistent/jwg", Linux.O_RDONLY));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open /nonexistent/jwg: No such file or directory", e.getMessage());
    }

    @Test
    void hotPathCallsReturnMinusErrno() throws Exception {
        int efd = Fds.eventfd(0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(8);
            assertEquals(-Errno.EAGAIN, Fds.tryRead(efd, v, 8), "empty eventfd");
            v.set(ValueLayout.JAVA_LONG, 0, 3);
            assertEquals(8, Fds.tryWrite(efd, v, 8));
            MemorySegment pfd = a.allocate(Layouts.POLLFD);
            pfd.set(ValueLayout.JAVA_INT, Layouts.POLLFD_FD, efd);
            pfd.set(ValueLayout.JAVA_SHORT, Layouts.POLLFD_EVENTS, Linux.POLLIN);
            assertEquals(1, Fds.tryPoll(pfd, 1, 1000));
            v.set(ValueLayout.JAVA_LONG, 0, 0);
            assertEquals(8, Fds.tryRead(efd, v, 8));
            assertEquals(3, v.get(ValueLayout.JAVA_LONG, 0));
        } finally {
            Fds.close(efd);
        }
        assertEquals(-Errno.EBADF, Fds.close(efd));
    }

    @Test
    void readAndWriteAllocateNothing() throws Exception {
        int[] sp = Sockets.socketpair(Linux.AF_UNIX, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(1500);
            long per = Long.MAX_VALUE;
            for (int round = 0; round < 20 && per != 0; round++) { // until the JIT has compiled the loop
                long before = mx.getCurrentThreadAllocatedBytes();
                pingPong(sp, buf, 20_000);
                per = (mx.getCurrentThreadAllocatedBytes() - before) / 20_000;
            }
            assertEquals(0, per, "bytes allocated per read+write once compiled");
        } finally {
            Fds.close(sp[0]);
            Fds.close(sp[1]);
        }
    }

    private static void pingPong(int[] sp, MemorySegment buf, int n) {
        for (int i = 0; i < n; i++) {
            Fds.tryWrite(sp[0], buf, 1400);
            Fds.tryRead(sp[1], buf, 1500);
        }
    }

    @Test
    void readvAndWritevScatterAndGather() throws Exception {
        int[] sp = Sockets.socketpair(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment head = a.allocateFrom("head"), body = a.allocateFrom("body!");
            MemorySegment iov = a.allocate(Layouts.IOVEC, 2);
            setIov(iov, 0, head, 4);
            setIov(iov, 1, body, 5);
            assertEquals(9, Fds.tryWritev(sp[0], iov, 2));
            MemorySegment x = a.allocate(3), y = a.allocate(16);
            setIov(iov, 0, x, 3);
            setIov(iov, 1, y, 16);
            assertEquals(9, Fds.tryReadv(sp[1], iov, 2));
            assertEquals("hea", new String(x.toArray(ValueLayout.JAVA_BYTE)));
            assertEquals("dbody!", new String(y.asSlice(0, 6).toArray(ValueLayout.JAVA_BYTE)));
        } finally {
            Fds.close(sp[0]);
            Fds.close(sp[1]);
        }
    }

    private static void setIov(MemorySegment iov, int i, MemorySegment base, long len) {
        iov.set(ValueLayout.ADDRESS, i * Layouts.IOVEC.byteSize() + Layouts.IOV_BASE, base);
        iov.set(ValueLayout.JAVA_LONG, i * Layouts.IOVEC.byteSize() + Layouts.IOV_LEN, len);
    }

    @Test
    void passesFileDescriptorsOverAUnixSocket() throws Exception {
        int[] sp = Sockets.socketpair(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        int efd = Fds.eventfd(0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC);
        try (Arena a = Arena.ofConfined()) {
            FdPassing.send(sp[0], new byte[] {42}, efd);
            FdPassing.Received r = FdPassing.receive(sp[1], 16, 4);
            assertArrayEquals(new byte[] {42}, r.data());
            assertEquals(1, r.fds().length);
            int copy = r.fds()[0];
            assertTrue(copy != efd);
            MemorySegment v = a.allocate(8);
            v.set(ValueLayout.JAVA_LONG, 0, 7);
            Fds.write(copy, v, 8); // written through the received descriptor...
            v.set(ValueLayout.JAVA_LONG, 0, 0);
            Fds.read(efd, v, 8); // ...read through the original: the same open file
            assertEquals(7, v.get(ValueLayout.JAVA_LONG, 0));
            Fds.close(copy);
        } finally {
            Fds.close(efd);
            Fds.close(sp[0]);
            Fds.close(sp[1]);
        }
    }
}
