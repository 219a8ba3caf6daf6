package jwg.cli.ice;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class NamespaceLoadTest {
    @Test
    void cpuTicksAreUtimePlusStimeEvenWithSpacesAndParenthesesInTheName() {
        String stat = "4242 (turn server) (x)) S 1 4242 4242 0 -1 4194560 300 0 0 0 125 37 0 0 20 0 7 0 100 0 0";
        assertEquals(162, NamespaceLoad.cpuTicks(stat));
        assertEquals(-1, NamespaceLoad.cpuTicks("garbage"));
    }

    @Test
    void rcvbufErrorsIsTheUdpColumnOfThatName() {
        String snmp = """
                Ip: Forwarding DefaultTTL
                Ip: 1 64
                Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
                Udp: 100 2 7 90 5 0 0 0 0
                UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
                UdpLite: 0 0 0 0 99 0 0 0 0
                """;
        assertEquals(5, NamespaceLoad.rcvbufErrors(snmp));
        assertEquals(-1, NamespaceLoad.rcvbufErrors("Ip: 1 2\n"));
    }
}
