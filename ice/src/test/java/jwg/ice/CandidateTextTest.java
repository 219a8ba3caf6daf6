package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import org.ice4j.ice.CandidateType;
import org.junit.jupiter.api.Test;

/** Candidates in signaling messages: round trips, and hostile text refused with the reason. */
class CandidateTextTest {
    @Test
    void roundTripsHostAndReflexiveAndIpv6() {
        for (String s : new String[] {
            "1 2130706431 198.51.100.10 51820 typ host",
            "2 1694498815 203.0.113.2 40000 typ srflx raddr 198.51.100.10 rport 51820",
            "3 16777215 203.0.113.1 49152 typ relay raddr 203.0.113.2 rport 6000",
            "4 2130706431 fd00:1::5 51820 typ host"
        }) {
            CandidateText c = CandidateText.parse(s);
            assertEquals(CandidateText.parse(c.format()), c, s);
        }
        CandidateText r = CandidateText.parse("3 16777215 203.0.113.1 49152 typ relay raddr 203.0.113.2 rport 6000");
        assertEquals(CandidateType.RELAYED_CANDIDATE, r.type());
        assertEquals(new InetSocketAddress("203.0.113.2", 6000), r.related());
    }

    @Test
    void refusesMalformedText() {
        String[] bad = {
            "",
            "1 2 3",
            "1 2130706431 198.51.100.10 51820 type host",
            "1 x 198.51.100.10 51820 typ host",
            "1 -1 198.51.100.10 51820 typ host",
            "1 4294967296 198.51.100.10 51820 typ host",
            "1 1 198.51.100.10 0 typ host",
            "1 1 198.51.100.10 65536 typ host",
            "1 1 example.com 1 typ host",
            "1 1 198.51.100.10 1 typ bogus",
            "1 1 198.51.100.10 1 typ host raddr 1.2.3.4",
            "1 1 198.51.100.10 1 typ srflx rad 1.2.3.4 rport 5",
            "123456789012345678901234567890123 1 198.51.100.10 1 typ host"
        };
        for (String s : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CandidateText.parse(s), s);
            assertTrue(e.getMessage().startsWith("candidate '"), e.getMessage());
        }
    }
}
