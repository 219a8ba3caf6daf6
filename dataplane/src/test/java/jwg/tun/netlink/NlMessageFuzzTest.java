package jwg.tun.netlink;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jwg.sys.Layouts;
import jwg.sys.Linux;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target (docs/fuzzing.md) for the rtattr walk over netlink replies,
 * {@link NlMessage#findAttr}, which Rtnetlink and LinkMonitor use on what the kernel sends back.
 *
 * <p>THIS TARGET LIVES IN dataplane/, NOT tun/: it tests tun's package-private jwg.tun.netlink
 * from the dataplane module's test sources (same package, split across modules on the class
 * path), because tun/ is being changed by another engineer. Move it to tun/src/test/java when
 * convenient.
 *
 * <p>The contract the callers rely on: a payload offset that findAttr returns lies inside [from,
 * to), and so does the whole payload, whose length is {@link NlMessage#attrPayloadLength}: Rtnetlink
 * reads IFLA_IFNAME with attrString and IFLA_MTU as an int at the offset. Input: byte 0 picks the
 * attribute type, the rest is the attribute area, in a native segment exactly as long (so a read
 * past {@code to} throws instead of reading stale bytes of the reply buffer).
 *
 * <p>Known finding, not yet fixed (tun/ could not be edited): findAttr checks the minimum attribute
 * length but not that the attribute fits before {@code to}; see docs/fuzzing.md for the fix. Its
 * input is kept as nlattr-overrun.bin, replayed by {@link #findAttrOverrunIsFixed} (fixed: findAttr refuses an attribute whose length runs past the message).
 */
class NlMessageFuzzTest {
    private static final short[] TYPES = {Linux.IFLA_IFNAME, Linux.IFLA_MTU, Linux.NLMSGERR_ATTR_MSG};

    @FuzzTest(maxDuration = "5m")
    void findAttr(byte[] data) {
        if (data.length < 1) return;
        short type = TYPES[(data[0] & 0xff) % TYPES.length];
        int to = data.length - 1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(Math.max(1, to), 8);
            MemorySegment.copy(data, 1, m, ValueLayout.JAVA_BYTE, 0, to);
            long at = NlMessage.findAttr(m, 0, to, type);
            if (at < 0) return;
            assertTrue(
                    at >= Layouts.RTATTR.byteSize() && at <= to,
                    () -> "payload offset " + at + " outside [0, " + to + ")");
            int n = NlMessage.attrPayloadLength(m, at);
            assertTrue(
                    n >= 0 && at + n <= to,
                    () -> "attribute of " + n + " payload bytes at " + at + " runs past the message end " + to);
            if (type == Linux.IFLA_MTU) {
                if (n >= 4)
                    m.get(
                            ValueLayout.JAVA_INT,
                            at); // what Rtnetlink.getLink does (it does not check n: see docs/fuzzing.md)
            } else {
                NlMessage.attrString(m, at);
            }
        }
    }

    @Test
    void findAttrOverrunIsFixed() throws IOException {
        byte[] input;
        try (InputStream in = NlMessageFuzzTest.class.getResourceAsStream("nlattr-overrun.bin")) {
            input = in.readAllBytes();
        }
        findAttr(input);
    }
}
