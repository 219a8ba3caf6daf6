package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import jwg.testkit.Daemon;
import jwg.testkit.Requires;
import org.ice4j.ice.CandidateType;
import org.junit.jupiter.api.Test;

/**
 * {@code #! IceRelay} on two agents over a real coturn on loopback, where a host pair would work:
 * {@code force} on one side ends relayed all the same, {@code off} allocates no relay and pairs
 * none of the peer's relayed candidates, so it ends on the host pair.
 */
class RelayPolicyTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final IceConfig.HostCandidates HOSTS = new IceConfig.HostCandidates(List.of(LO), Set.of(), true);

    @Test
    void forceEndsRelayedAlthoughAHostPairWouldWork() throws Exception {
        PeerAgent.Selected s = connect(RelayPolicy.FORCE, RelayPolicy.ON, true);
        assertTrue(s.relayed(), s.toString());
    }

    @Test
    void offAllocatesNoRelayAndPairsNoRelayedCandidate() throws Exception {
        PeerAgent.Selected s = connect(RelayPolicy.OFF, RelayPolicy.ON, false);
        assertFalse(s.relayed(), s.toString());
        assertEquals(CandidateType.HOST_CANDIDATE, s.localType());
    }

    /** A (controlling, policy {@code a}) and B (policy {@code b}) with every candidate exchanged; A's selected pair. */
    private static PeerAgent.Selected connect(RelayPolicy a, RelayPolicy b, boolean aHasRelay) throws Exception {
        Requires.tool("turnserver");
        int port = ThreadLocalRandom.current().nextInt(45000, 50000);
        Path dir = Files.createTempDirectory("jwg-turn");
        try (Daemon turn = Daemon.start(dir.resolve("out"), IceRelayTest.coturn(port, dir));
                IceLoopbackTest.Side sa = new IceLoopbackTest.Side();
                IceLoopbackTest.Side sb = new IceLoopbackTest.Side()) {
            Thread.sleep(700);
            IceServers servers =
                    new IceServers(List.of(), List.of(new IceServers.Turn(new InetSocketAddress(LO, port), "u", "p")));
            CompletableFuture<PeerAgent.Outcome> doneA = new CompletableFuture<>(), doneB = new CompletableFuture<>();
            try (PeerAgent ia = new PeerAgent(sa.mux, servers, true, 1, HOSTS, a, 0, doneA::complete);
                    PeerAgent ib = new PeerAgent(sb.mux, servers, false, 1, HOSTS, b, 0, doneB::complete)) {
                assertEquals(
                        aHasRelay,
                        ia.candidateTypes().contains(CandidateType.RELAYED_CANDIDATE),
                        ia.candidateTypes() + "\n" + IceRelayTest.log(dir));
                if (a == RelayPolicy.FORCE)
                    assertTrue(
                            ia.candidates().stream().allMatch(c -> c.contains("typ relay")),
                            ia.candidates().toString());
                assertTrue(ib.candidates().stream().anyMatch(c -> c.contains("typ relay")), "B offers its relay too");
                ib.connect(ia.ufrag(), ia.password(), ia.candidates());
                ia.connect(ib.ufrag(), ib.password(), ib.candidates());
                assertEquals(PeerAgent.Outcome.CONNECTED, doneA.get(20, TimeUnit.SECONDS), IceRelayTest.log(dir));
                PeerAgent.Selected s = ia.selected();
                assertNotNull(s);
                return s;
            }
        }
    }
}
