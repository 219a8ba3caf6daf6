package jwg.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jwg.testkit.NatLab.Host;
import jwg.testkit.NatLab.NatType;
import jwg.testkit.NatLab.Topology;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Proves the NAT lab: reachability, NAT mapping behaviour, TURN credentials, blocking, cleanup. */
class NatLabIT {
    @BeforeEach
    void requirements() throws IOException {
        Requires.root();
        Requires.tool("turnserver");
        Requires.tool("nft");
        Requires.tool("ip");
        Requires.tool("python3");
        Requires.tool("turnutils_natdiscovery");
        // A system turnserver (Debian's coturn package may start one) does not matter: ours runs
        // in the lab's own namespace and the hosts can only reach that one. Never pkill it here:
        // other tests' labs run turnservers at the same time.
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void topology(Topology topology) throws IOException {
        NatLab lab = NatLab.start(topology);
        List<String> names;
        long coturnPid;
        try (lab) {
            names = lab.namespaceNames();
            coturnPid = lab.coturn().pid();
            for (Host h : Host.values()) {
                Netns.Result ping = lab.tryExec(h, "ping", "-c", "1", "-W", "2", NatLab.STUN_IP);
                assertTrue(ping.ok(), topology + ": ping from " + h + " to " + NatLab.STUN_IP + ":\n" + ping.output());
            }
            InetSocketAddress stun = lab.stunAddress(), alt = lab.stunAlternateAddress();
            for (Host h : Host.values()) {
                List<InetSocketAddress> m = lab.stunMappedAddresses(h, 0, stun, alt);
                String what = topology + ": host " + h + " (" + lab.hostAddress(h) + ", " + lab.natType(h)
                        + ") mapped to " + m + " by " + stun + " and " + alt;
                System.out.println(what);
                assertEquals(lab.wanAddress(h), m.get(0).getHostString(), what);
                assertEquals(lab.wanAddress(h), m.get(1).getHostString(), what);
                if (lab.natType(h) == NatType.CONE)
                    assertEquals(m.get(0).getPort(), m.get(1).getPort(), what);
                else assertNotEquals(m.get(0).getPort(), m.get(1).getPort(), what);
            }
            if (topology == Topology.SAME_LAN) assertEquals(NatLab.WAN_A, lab.wanAddress(Host.B));
            Netns.Result lan = lab.tryExec(Host.A, "ping", "-c", "1", "-W", "1", lab.hostAddress(Host.B));
            if (topology == Topology.SAME_LAN) assertTrue(lan.ok(), "same LAN: hA pings hB directly:\n" + lan.output());
            else assertFalse(lan.ok(), topology + ": hB's LAN address must not be reachable from hA:\n" + lan.output());

            Netns.Result natd = lab.tryExec(Host.A, "timeout", "20", "turnutils_natdiscovery", "-m", NatLab.STUN_IP);
            System.out.println(topology + ": turnutils_natdiscovery -m from hA:\n" + natd.output());
            String expected = lab.natType(Host.A) == NatType.CONE
                    ? "Endpoint Independent Mapping"
                    : "Address and Port Dependent Mapping";
            assertTrue(
                    natd.output().contains(expected),
                    "natdiscovery behind " + lab.natType(Host.A) + " should report '" + expected + "':\n"
                            + natd.output());

            Netns.Result ok = lab.turnAllocate(Host.A, lab.turnUser(), lab.turnPassword());
            assertTrue(
                    ok.ok() && ok.output().startsWith("RELAYED " + NatLab.STUN_IP + ":"),
                    "TURN Allocate with the lab's credentials:\n" + ok.output() + "\ncoturn log:\n"
                            + lab.coturn().log());
            assertTrue(ok.output().contains("MAPPED " + lab.wanAddress(Host.A) + ":"), ok.output());
            Netns.Result bad = lab.turnAllocate(Host.A, lab.turnUser(), "wrong");
            assertEquals(2, bad.exitCode(), "TURN Allocate with a wrong password must fail:\n" + bad.output());
            assertTrue(bad.output().startsWith("ERROR 401"), bad.output());
        }
        assertClean(names, coturnPid);
    }

    @Test
    void coneBlockedOnlyRelayWorksUntilUnblocked() throws IOException {
        try (NatLab lab = NatLab.start(Topology.CONE_BLOCKED)) {
            assertTrue(lab.isDirectBlocked());
            InetSocketAddress a =
                    lab.stunMappedAddresses(Host.A, 40000, lab.stunAddress()).getFirst();
            InetSocketAddress b =
                    lab.stunMappedAddresses(Host.B, 40001, lab.stunAddress()).getFirst();
            assertFalse(
                    punch(lab, a, b),
                    "blocked: hA and hB must not reach each other's mapping " + a + " " + b + "\n"
                            + lab.publicFilterRules());
            assertTrue(
                    lab.turnAllocate(Host.A, lab.turnUser(), lab.turnPassword()).ok(), "TURN still works when blocked");
            // the relay path: hB punches hA's relayed address, hA answers through coturn
            try (Daemon relay = lab.turnRelay(Host.A, lab.wanAddress(Host.B), 3)) {
                InetSocketAddress relayed = NatLab.relayedAddress(relay);
                try (Daemon pb = lab.punch(Host.B, 40002, relayed, 1.5)) {
                    Netns.Result rb = pb.await(Duration.ofSeconds(10)), ra = relay.await(Duration.ofSeconds(10));
                    System.out.println("relay: B->" + relayed + ": "
                            + rb.output().strip() + "; A: " + ra.output().strip());
                    assertTrue(
                            rb.ok() && ra.ok(),
                            "blocked: hA and hB must reach each other through " + relayed + "\nB: " + rb.output()
                                    + "\nA: " + ra.output() + "\n" + lab.diagnostics());
                }
            }
            lab.unblockDirect();
            assertTrue(punch(lab, a, b), "unblocked: hole punch between " + a + " and " + b + "\n" + lab.diagnostics());
        }
    }

    @Test
    void blockDirectStopsAnEstablishedFlow() throws IOException {
        try (NatLab lab = NatLab.start(Topology.CONE_CONE)) {
            InetSocketAddress a =
                    lab.stunMappedAddresses(Host.A, 40000, lab.stunAddress()).getFirst();
            InetSocketAddress b =
                    lab.stunMappedAddresses(Host.B, 40001, lab.stunAddress()).getFirst();
            assertTrue(punch(lab, a, b), "cone/cone hole punch between " + a + " and " + b + "\n" + lab.diagnostics());
            String before = lab.diagnostics();
            System.out.println("diagnostics of a working cone/cone punch:\n" + before);
            lab.blockDirect();
            assertFalse(
                    punch(lab, a, b),
                    "blockDirect must stop the existing flow " + a + " <-> " + b + "\nbefore blocking:\n" + before
                            + "\nnow:\n" + lab.diagnostics());
            String rules = lab.publicFilterRules();
            assertTrue(
                    rules.matches("(?s).*counter packets [1-9].*"), "drop rules must have counted packets:\n" + rules);
            lab.unblockDirect();
            assertTrue(punch(lab, a, b), "unblockDirect must let the flow through again");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Topology.class,
            names = {"SYMMETRIC_SYMMETRIC", "CONE_SYMMETRIC"})
    void holePunchWithASymmetricNatFails(Topology topology) throws IOException {
        try (NatLab lab = NatLab.start(topology)) {
            InetSocketAddress a =
                    lab.stunMappedAddresses(Host.A, 40000, lab.stunAddress()).getFirst();
            InetSocketAddress b =
                    lab.stunMappedAddresses(Host.B, 40001, lab.stunAddress()).getFirst();
            assertFalse(
                    punch(lab, a, b),
                    topology + ": STUN-learned mappings " + a + " " + b + " must not work for the peer");
        }
    }

    @Test
    void turnRelaysBetweenLabAddressesAndNatDiscoveryFiltering() throws IOException {
        try (NatLab lab = NatLab.start(Topology.CONE_SYMMETRIC)) {
            // filtering discovery waits for answers that never come: run it on both hosts at once,
            // and meanwhile relay between two allocations of hA (peers are the lab's relay addresses)
            try (Daemon fa = natDiscovery(lab, Host.A);
                    Daemon fb = natDiscovery(lab, Host.B)) {
                Netns.Result relay = lab.tryExec(
                        Host.A,
                        "timeout",
                        "20",
                        "turnutils_uclient",
                        "-y",
                        "-n",
                        "10",
                        "-m",
                        "1",
                        "-u",
                        lab.turnUser(),
                        "-w",
                        lab.turnPassword(),
                        NatLab.STUN_IP);
                System.out.println("turnutils_uclient -y from hA:\n" + relay.output());
                assertTrue(
                        relay.ok() && relay.output().contains("Total lost packets 0 (0.000000%)"),
                        "relayed traffic between two allocations must arrive:\n" + relay.output() + "\ncoturn log:\n"
                                + lab.coturn().log());
                for (Host h : Host.values()) {
                    Netns.Result f = (h == Host.A ? fa : fb).await(Duration.ofSeconds(30));
                    System.out.println(
                            lab.natType(h) + ": turnutils_natdiscovery -m -f from " + h + ":\n" + f.output());
                    assertTrue(
                            f.output().contains("Other addr: : " + NatLab.STUN_ALT_IP + ":" + (NatLab.STUN_PORT + 1)),
                            "coturn must offer RFC 5780 OTHER-ADDRESS:\n" + f.output());
                    String mapping = lab.natType(h) == NatType.CONE
                            ? "Endpoint Independent Mapping"
                            : "Address and Port Dependent Mapping";
                    assertTrue(
                            f.output().contains(mapping),
                            lab.natType(h) + " must show " + mapping + ":\n" + f.output());
                    assertTrue(
                            f.output().contains("Address and Port Dependent Filtering"),
                            "Linux conntrack filters by address and port behind " + lab.natType(h) + ":\n"
                                    + f.output());
                }
            }
            assertFalse(
                    lab.coturn().log().contains("cannot support STUN CHANGE_REQUEST"),
                    lab.coturn().log());
            System.out.println(
                    "coturn command: " + String.join(" ", lab.coturn().command()));
            System.out.println("coturn log:\n" + lab.coturn().log());
        }
    }

    /**
     * The variant of home routers without a WAN input firewall (issue 13): an unsolicited packet
     * from A's mapping to B's router leaves a conntrack entry there, so B's later outbound flow from
     * that very port to A is masqueraded to another port; with the firewall the packet leaves
     * nothing and B keeps its port. Both LANs on one subnet: both hosts at 198.51.100.10.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void anUnsolicitedProbeRemapsAConeNatWithoutWanFirewall(boolean firewall) throws IOException {
        LabOptions options = LabOptions.DEFAULT.withWanInputFirewall(firewall).withSameSubnet(true);
        try (NatLab lab = NatLab.start(Topology.CONE_CONE, options)) {
            assertEquals(NatLab.HOST_A, lab.hostAddress(Host.B), "same subnet: the same host address on both sides");
            assertEquals(
                    NatLab.HOST_A,
                    lab.exec(Host.B, "ip", "-4", "-o", "addr", "show", "eth0")
                            .output()
                            .split("\\s+")[3]
                            .split("/")[0]);
            String send = "import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); "
                    + "s.bind(('',int(sys.argv[1]))); s.sendto(b'probe',(sys.argv[2],int(sys.argv[3])))";
            // A first: from port 40000 to B's WAN address, port 40001, where B has nothing yet
            lab.exec(Host.A, "python3", "-c", send, "40000", NatLab.WAN_B, "40001");
            Thread.sleep(200);
            // then B, from port 40001 to A's mapping
            lab.exec(Host.B, "python3", "-c", send, "40001", NatLab.WAN_A, "40000");
            Thread.sleep(200);
            String conntrack = lab.routerNetns(Host.B)
                    .exec("cat", "/proc/net/nf_conntrack")
                    .output();
            String outbound = conntrack
                    .lines()
                    .filter(l ->
                            l.contains("src=" + NatLab.HOST_A + " dst=" + NatLab.WAN_A + " sport=40001 dport=40000"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no conntrack entry of B's flow:\n" + conntrack));
            boolean kept = outbound.contains("dst=" + NatLab.WAN_B + " sport=40000 dport=40001");
            assertEquals(firewall, kept, (firewall ? "kept" : "remapped") + " expected: " + outbound);
            boolean stray = conntrack.contains(
                    "src=" + NatLab.WAN_A + " dst=" + NatLab.WAN_B + " sport=40000 dport=40001 [UNREPLIED]");
            assertEquals(!firewall, stray, "the unsolicited probe's entry:\n" + conntrack);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The TTL primer's mechanism (docs/ice.md "Two cone NATs without a WAN firewall"): with the ISP
     * hop, a packet from B's port with IP TTL 2 passes natB (its masquerade mapping and conntrack
     * entry are made) and expires at the ISP, so natA has no entry of it; A's later packet to B's
     * mapping then goes through natB to B, and B's answer through natA to A. Without the ISP hop the
     * routers are one hop apart and the same TTL-2 packet reaches natA and leaves its stray entry.
     * Both routers without the WAN input firewall.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aTtlLimitedPrimerMapsItsOwnRouterOnly(boolean ispHop) throws Exception {
        LabOptions options = LabOptions.DEFAULT.withWanInputFirewall(false).withIspHop(ispHop);
        try (NatLab lab = NatLab.start(Topology.CONE_CONE, options)) {
            String send = "import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); "
                    + "s.setsockopt(socket.IPPROTO_IP,socket.IP_TTL,int(sys.argv[4])); "
                    + "s.bind(('',int(sys.argv[1]))); s.sendto(b'primer',(sys.argv[2],int(sys.argv[3])))";
            // B primes: port 40001 to A's WAN address, port 40000, TTL 2
            lab.exec(Host.B, "python3", "-c", send, "40001", NatLab.WAN_A, "40000", "2");
            Thread.sleep(200);
            String natB = lab.routerNetns(Host.B)
                    .exec("cat", "/proc/net/nf_conntrack")
                    .output();
            String natA = lab.routerNetns(Host.A)
                    .exec("cat", "/proc/net/nf_conntrack")
                    .output();
            System.out.println("ispHop=" + ispHop + " natB after the primer:\n" + natB + "natA:\n" + natA);
            assertTrue(
                    natB.lines()
                            .anyMatch(l -> l.contains("src=" + NatLab.HOST_B + " dst=" + NatLab.WAN_A
                                            + " sport=40001 dport=40000")
                                    && l.contains("src=" + NatLab.WAN_A + " dst=" + NatLab.WAN_B
                                            + " sport=40000 dport=40001")),
                    "natB maps the primer's flow, port kept:\n" + natB);
            boolean stray = natA.contains("src=" + NatLab.WAN_B + " dst=" + NatLab.WAN_A + " sport=40001 dport=40000");
            assertEquals(!ispHop, stray, "the primer's entry at natA (ISP hop " + ispHop + "):\n" + natA);
            if (!ispHop) return;
            // B listens on 40001 and answers; A sends from 40000 (full TTL) to B's mapping
            String echo = "import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); "
                    + "s.bind(('',int(sys.argv[1]))); s.settimeout(5); d,a=s.recvfrom(100); print('GOT',d,a,flush=True); "
                    + "s.sendto(b'answer',a)";
            Daemon b = lab.start(lab.hostNetns(Host.B), "echo-b.log", "python3", "-c", echo, "40001");
            Thread.sleep(300);
            String ask = "import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); "
                    + "s.bind(('',int(sys.argv[1]))); s.settimeout(5); s.sendto(b'check',(sys.argv[2],int(sys.argv[3]))); "
                    + "d,a=s.recvfrom(100); print('GOT',d,a)";
            Netns.Result a = lab.tryExec(Host.A, "python3", "-c", ask, "40000", NatLab.WAN_B, "40001");
            assertTrue(
                    a.ok() && a.output().contains("GOT b'answer'"),
                    "A's check answered:\n" + a.output() + "\nB: " + b.output() + "\n" + lab.diagnostics());
            assertTrue(
                    b.output().contains("'" + NatLab.WAN_A + "', 40000"),
                    "B saw A's mapping, port kept: " + b.output());
        }
    }

    @Test
    void aFailureHalfWayThroughConstructionLeavesNothingBehind() throws IOException {
        List<String> names = new ArrayList<>();
        IOException e = assertThrows(
                IOException.class,
                () -> NatLab.start(Topology.CONE_CONE, LabOptions.DEFAULT, lab -> {
                    names.addAll(lab.namespaceNames());
                    throw new IOException("injected failure before coturn starts");
                }));
        assertEquals("injected failure before coturn starts", e.getMessage());
        assertEquals(5, names.size(), names.toString());
        assertClean(names, -1);
    }

    @Test
    void theShutdownHookCleansUpWhenTheJvmIsStopped() throws Exception {
        String javaCmd = ProcessHandle.current().info().command().orElseThrow();
        Path out = Files.createTempFile("jwg-natlab-main-", ".out");
        Process p = new ProcessBuilder(
                        javaCmd, "-cp", System.getProperty("java.class.path"), NatLab.class.getName(), "SAME_LAN")
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        List<String> names = List.of();
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (names.isEmpty() && System.nanoTime() < deadline && p.isAlive()) {
                names = Files.readAllLines(out).stream()
                        .filter(l -> l.startsWith("NATLAB "))
                        .map(l -> List.of(l.split(" ")).subList(1, 5))
                        .findFirst()
                        .orElse(List.of());
                Thread.sleep(100);
            }
            assertEquals(4, names.size(), "NatLab main did not report its namespaces:\n" + Files.readString(out));
            String list = Netns.run("ip", "netns", "list").output();
            for (String n : names) assertTrue(list.contains(n), n + " should exist while the lab runs:\n" + list);
            // SIGTERM only (Process.destroy would also close stdin, and main would close the lab itself)
            p.toHandle().destroy();
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "NatLab main did not exit on SIGTERM");
            String output = Files.readString(out);
            assertTrue(output.contains("NatLab: the shutdown hook closes"), "the hook should have run:\n" + output);
            assertClean(names, -1);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
        }
    }

    private static Daemon natDiscovery(NatLab lab, Host h) throws IOException {
        return lab.start(
                lab.hostNetns(h),
                "natdiscovery-" + h + ".log",
                "timeout",
                "25",
                "turnutils_natdiscovery",
                "-m",
                "-f",
                NatLab.STUN_IP);
    }

    /** Both hosts send to the other's server-reflexive address for 1.5 s; true if both received. */
    private static boolean punch(NatLab lab, InetSocketAddress mappedA, InetSocketAddress mappedB) throws IOException {
        try (Daemon pa = lab.punch(Host.A, 40000, mappedB, 1.5);
                Daemon pb = lab.punch(Host.B, 40001, mappedA, 1.5)) {
            Netns.Result ra = pa.await(Duration.ofSeconds(10)), rb = pb.await(Duration.ofSeconds(10));
            System.out.println("punch A->" + mappedB + ": " + ra.output().strip() + "; B->" + mappedA + ": "
                    + rb.output().strip());
            if (ra.ok() != rb.ok()) throw new AssertionError("one-sided punch: A " + ra.output() + " B " + rb.output());
            return ra.ok();
        }
    }

    private static void assertClean(List<String> names, long coturnPid) throws IOException {
        String list = Netns.run("ip", "netns", "list").output();
        for (String n : names)
            assertFalse(
                    list.lines().anyMatch(l -> l.split(" ")[0].equals(n)), "namespace " + n + " left behind:\n" + list);
        if (coturnPid > 0)
            assertFalse(
                    ProcessHandle.of(coturnPid).map(ProcessHandle::isAlive).orElse(false),
                    "turnserver " + coturnPid + " still runs");
    }
}
