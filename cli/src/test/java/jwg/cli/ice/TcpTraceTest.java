package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TcpTrace}'s parsing of {@code /proc/net/netstat} and of iperf3's JSON (as iperf3 3.x prints it). */
class TcpTraceTest {
    @Test
    void readsTheTcpExtCountersByName() {
        Map<String, Long> m = TcpTrace.tcpExt("""
                TcpExt: SyncookiesSent TCPTimeouts TCPDSACKRecv
                TcpExt: 0 7 3
                IpExt: InNoRoutes
                IpExt: 1
                """);
        assertEquals(Map.of("SyncookiesSent", 0L, "TCPTimeouts", 7L, "TCPDSACKRecv", 3L), m);
    }

    @Test
    void printsEachIntervalNotTheSummary() {
        String json = "{\"start\":\t{},\n\t\"intervals\":\t[{\n\t\t\t\"streams\":\t[{\n\t\t\t\t\t\"socket\":\t5,"
                + "\n\t\t\t\t\t\"start\":\t0,\n\t\t\t\t\t\"end\":\t1.02,\n\t\t\t\t\t\"bits_per_second\":\t1793828792.2,"
                + "\n\t\t\t\t\t\"retransmits\":\t10,\n\t\t\t\t\t\"snd_cwnd\":\t1047728,\n\t\t\t\t\t\"snd_wnd\":\t1634304,"
                + "\n\t\t\t\t\t\"rtt\":\t866,\n\t\t\t\t\t\"sender\":\ttrue\n\t\t\t\t}]}, {\"streams\": [{\"end\": 2.0,"
                + " \"bits_per_second\": 9.5e+07, \"retransmits\": 0, \"snd_cwnd\": 13280, \"rtt\": 240000}]}],"
                + "\n\t\"end\":\t{\"streams\": [{\"sender\": {\"bits_per_second\": 1.0, \"retransmits\": 99,"
                + " \"snd_cwnd\": 1, \"rtt\": 1}}]}}";
        assertEquals(
                "[1794 Mbit/s re 10 cwnd 1023K rtt 0.9ms] [95 Mbit/s re 0 cwnd 12K rtt 240.0ms]",
                TcpTrace.intervals(json));
        assertEquals("(no intervals)", TcpTrace.intervals("{\"error\": \"unable to connect\"}"));
    }
}
