package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.util.List;
import org.ice4j.ice.CandidateType;
import org.junit.jupiter.api.Test;

class RelayReachTest {
    private static final InetAddress PUBLIC_SERVER = ip("203.0.113.1"), LOOPBACK_SERVER = ip("127.0.0.1");
    private static final CandidateType HOST = CandidateType.HOST_CANDIDATE;

    private static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    @Test
    void aPublicServerDoesNotCheckPrivateHostAddresses() {
        for (String a : List.of("10.1.2.3", "172.16.0.9", "192.168.1.10", "100.64.0.1", "169.254.1.1", "fd00::1"))
            assertFalse(RelayReach.mayCheck(PUBLIC_SERVER, HOST, ip(a), List.of()), a);
        assertTrue(RelayReach.mayCheck(PUBLIC_SERVER, HOST, ip("100.128.0.1"), List.of()), "outside 100.64/10");
        assertTrue(RelayReach.mayCheck(PUBLIC_SERVER, HOST, ip("2001:db8::1"), List.of()));
    }

    @Test
    void aServerReachesItsOwnScopeAndWider() {
        assertTrue(RelayReach.mayCheck(LOOPBACK_SERVER, HOST, ip("127.0.0.1"), List.of()));
        assertTrue(RelayReach.mayCheck(LOOPBACK_SERVER, HOST, ip("192.168.1.10"), List.of()));
        assertTrue(RelayReach.mayCheck(ip("10.0.0.1"), HOST, ip("192.168.1.10"), List.of()));
        assertFalse(RelayReach.mayCheck(ip("10.0.0.1"), HOST, ip("127.0.0.1"), List.of()));
    }

    @Test
    void aHostBehindANatIsNotCheckedButItsReflexiveAddressIs() {
        InetAddress lan = ip("198.51.100.10"), wan = ip("203.0.113.2");
        assertFalse(RelayReach.mayCheck(PUBLIC_SERVER, HOST, lan, List.of(wan)), "host behind a NAT");
        assertTrue(RelayReach.mayCheck(PUBLIC_SERVER, CandidateType.SERVER_REFLEXIVE_CANDIDATE, wan, List.of(wan)));
        assertTrue(RelayReach.mayCheck(PUBLIC_SERVER, CandidateType.PEER_REFLEXIVE_CANDIDATE, lan, List.of(wan)));
        assertTrue(RelayReach.mayCheck(PUBLIC_SERVER, CandidateType.RELAYED_CANDIDATE, wan, List.of(wan)));
    }

    @Test
    void aPublicHostIsChecked() {
        InetAddress pub = ip("198.51.100.7");
        assertTrue(RelayReach.mayCheck(PUBLIC_SERVER, HOST, pub, List.of()), "no reflexive candidate offered");
        assertTrue(RelayReach.mayCheck(PUBLIC_SERVER, HOST, pub, List.of(pub)), "reflexive = host: no NAT");
        assertTrue(
                RelayReach.mayCheck(PUBLIC_SERVER, HOST, pub, List.of(ip("2001:db8::5"))),
                "a reflexive address of the other family says nothing about this one");
    }
}
