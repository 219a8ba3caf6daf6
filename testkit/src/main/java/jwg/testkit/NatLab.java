package jwg.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A NAT lab of network namespaces: a "public" network 203.0.113.0/24 on a bridge, with
 * coturn as STUN/TURN server at 203.0.113.1:3478 (RFC 5780 alternate address 203.0.113.4);
 * two NAT routers natA (WAN 203.0.113.2, LAN 198.51.100.0/25 via .1) and natB (WAN
 * 203.0.113.3, LAN 198.51.100.128/25 via .129) doing nftables masquerade ("cone":
 * endpoint-independent mapping) or masquerade fully-random ("symmetric": address-and-port
 * dependent mapping), and dropping unsolicited inbound packets on the WAN (so such a packet
 * leaves no conntrack entry that would make the router pick another port for a later
 * outbound flow to the same peer, as Linux conntrack does otherwise); host hA (198.51.100.10) behind natA and hB (198.51.100.140) behind natB,
 * or hB at 198.51.100.11 on natA's LAN in {@link Topology#SAME_LAN}. {@link LabOptions} vary this
 * (both LANs on one subnet, routers without the WAN firewall, coturn without a default route, an ISP hop).
 *
 * <p>Every namespace has a unique name per run; {@link #close()} (also run by a shutdown hook,
 * and on a failure half-way through {@link #start}) stops coturn and every process left in the
 * lab's namespaces and deletes the namespaces with their interfaces and nft tables.
 * Needs root, {@code turnserver}, {@code nft}, {@code ip}, {@code python3}.
 */
public final class NatLab implements AutoCloseable {
    /** How a router maps LAN endpoints to its WAN address. */
    public enum NatType {
        /**
         * {@code masquerade}: endpoint-independent mapping (the source port kept if free), with
         * Linux conntrack's address-and-port-dependent filtering ("port-restricted cone").
         */
        CONE("masquerade"),
        /** {@code masquerade fully-random}: a fresh random port per destination. */
        SYMMETRIC("masquerade fully-random");

        final String nft;

        NatType(String nft) {
            this.nft = nft;
        }
    }

    /** The two hosts of the lab. */
    public enum Host {
        A,
        B
    }

    /** The shapes of the lab. */
    public enum Topology {
        /** Both hosts on natA's LAN (natB not created). */
        SAME_LAN(NatType.CONE, null, false),
        CONE_CONE(NatType.CONE, NatType.CONE, false),
        SYMMETRIC_SYMMETRIC(NatType.SYMMETRIC, NatType.SYMMETRIC, false),
        CONE_SYMMETRIC(NatType.CONE, NatType.SYMMETRIC, false),
        /** Both cone, UDP between the routers' WAN addresses dropped (starts {@link #blockDirect() blocked}). */
        CONE_BLOCKED(NatType.CONE, NatType.CONE, true);
        private final NatType natA, natB;
        private final boolean blocked;

        Topology(NatType natA, NatType natB, boolean blocked) {
            this.natA = natA;
            this.natB = natB;
            this.blocked = blocked;
        }

        /** natA's type. */
        public NatType natA() {
            return natA;
        }

        /** natB's type, null if there is no natB. */
        public NatType natB() {
            return natB;
        }

        public boolean startsBlocked() {
            return blocked;
        }
    }

    public static final String STUN_IP = "203.0.113.1", STUN_ALT_IP = "203.0.113.4";
    public static final int STUN_PORT = 3478;
    /** A TCP/UDP port on {@link #STUN_IP} free for a test's signaling server. */
    public static final int SIGNALING_PORT = 8443;

    public static final String WAN_A = "203.0.113.2", WAN_B = "203.0.113.3";
    public static final String LAN_A_GATEWAY = "198.51.100.1", LAN_B_GATEWAY = "198.51.100.129";
    public static final String HOST_A = "198.51.100.10", HOST_B = "198.51.100.140", HOST_B_SAME_LAN = "198.51.100.11";
    public static final String REALM = "jwg.test";
    private static final String BRIDGE = "br0", WAN_IF = "wan0", LAN_IF = "lan0", HOST_IF = "eth0";

    private final Topology topology;
    private final LabOptions options;
    private final Path dir;
    private final String turnUser = "jwg", turnPassword;
    private final List<Netns> namespaces = new ArrayList<>();
    private final List<Daemon> daemons = new ArrayList<>();
    private final Object closeLock = new Object();
    private boolean closed; // guarded by closeLock
    private final Thread hook = new Thread(this::closeQuietly, "natlab-cleanup");
    private Netns pub, natA, natB, hostA, hostB;
    private Coturn coturn;
    private JwgRelay jwgRelay;
    private static final String PEERS = "203.0.113.0-203.0.113.255"; // coturn relays to the public network only
    private Path probe;
    private boolean blocked;

    private NatLab(Topology topology, LabOptions options, Path dir) {
        if (options.sameSubnet() && topology.natB == null)
            throw new IllegalArgumentException("same subnet needs two routers, not " + topology);
        this.topology = topology;
        this.options = options;
        this.dir = dir;
        this.turnPassword =
                "pw-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /** Builds the lab for {@code topology} and starts coturn; everything is undone if a step fails. */
    public static NatLab start(Topology topology) throws IOException {
        return start(topology, LabOptions.DEFAULT);
    }

    /** Builds the lab for {@code topology} in the variant {@code options} and starts coturn. */
    public static NatLab start(Topology topology, LabOptions options) throws IOException {
        return start(topology, options, lab -> {});
    }

    /** A step between building the network and starting coturn (tests inject failures with it). */
    interface Step {
        void run(NatLab lab) throws IOException;
    }

    static NatLab start(Topology topology, LabOptions options, Step beforeCoturn) throws IOException {
        NatLab lab = new NatLab(topology, options, Files.createTempDirectory("jwg-natlab-"));
        Runtime.getRuntime().addShutdownHook(lab.hook);
        try {
            lab.build(beforeCoturn);
        } catch (IOException | RuntimeException | Error e) {
            try {
                lab.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return lab;
    }

    private Netns ns(String prefix) throws IOException {
        Netns n = Netns.create(prefix);
        namespaces.add(n);
        return n;
    }

    private void build(Step beforeCoturn) throws IOException {
        probe = dir.resolve("udpprobe.py");
        try (InputStream in = NatLab.class.getResourceAsStream("udpprobe.py")) {
            if (in == null) throw new IOException("resource jwg/testkit/udpprobe.py missing");
            Files.copy(in, probe);
        }
        pub = ns("jnpub");
        ip(pub, "link", "add", BRIDGE, "type", "bridge");
        ip(pub, "link", "set", BRIDGE, "up");
        ip(pub, "addr", "add", STUN_IP + "/24", "dev", BRIDGE);
        ip(pub, "addr", "add", STUN_ALT_IP + "/24", "dev", BRIDGE);
        // The rest of the "internet": a default route into a veth pair that leads nowhere, where packets for
        // addresses nobody here owns (e.g. a peer's private host candidate) vanish silently, as
        // on a real network, instead of failing the sender with "network unreachable" (coturn
        // drops a whole allocation on such a send error).
        ip(pub, "link", "add", "sink0", "type", "veth", "peer", "name", "sink1"); // (no dummy module on every host)
        ip(pub, "link", "set", "sink0", "up");
        ip(pub, "link", "set", "sink1", "up");
        if (options.turnDefaultRoute()) ip(pub, "route", "add", "default", "dev", "sink0");
        nft(pub, """
                table bridge jwglab {
                  chain forward {
                    type filter hook forward priority 0; policy accept;
                  }
                }
                """);
        if (options.ispHop()) IspHop.isp(pub, BRIDGE);
        natA = router("jnnatA", "pA", WAN_A, LAN_A_GATEWAY, topology.natA);
        hostA = host("jnhA", natA, "hA", HOST_A, LAN_A_GATEWAY);
        if (topology.natB == null) {
            hostB = host("jnhB", natA, "hB", HOST_B_SAME_LAN, LAN_A_GATEWAY);
        } else {
            String gateway = options.sameSubnet() ? LAN_A_GATEWAY : LAN_B_GATEWAY;
            natB = router("jnnatB", "pB", WAN_B, gateway, topology.natB);
            hostB = host("jnhB", natB, "hB", hostAddress(Host.B), gateway);
        }
        if (topology.blocked) blockDirect();
        beforeCoturn.run(this);
        if (options.jwgRelay()) jwgRelay = JwgRelay.start(pub, dir, STUN_IP, STUN_PORT, turnUser, turnPassword, REALM);
        else coturn = Coturn.start(pub, dir, STUN_IP, STUN_ALT_IP, STUN_PORT, turnUser, turnPassword, REALM, PEERS);
    }

    private Netns router(String prefix, String bridgePort, String wan, String lanGateway, NatType type)
            throws IOException {
        Netns r = ns(prefix);
        plugIn(r, WAN_IF, pub, bridgePort, BRIDGE);
        ip(r, "addr", "add", wan + (options.ispHop() ? "/32" : "/24"), "dev", WAN_IF);
        ip(r, "link", "set", WAN_IF, "up");
        if (options.ispHop()) IspHop.router(r, WAN_IF, STUN_IP);
        ip(r, "link", "add", LAN_IF, "type", "bridge");
        ip(r, "addr", "add", lanGateway + "/25", "dev", LAN_IF);
        ip(r, "link", "set", LAN_IF, "up");
        ip(r, "route", "add", "default", "via", STUN_IP); // the router's upstream: see the sink above
        r.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
        String firewall = options.wanInputFirewall() ? "iifname \"" + WAN_IF + "\" ct state new drop" : "";
        nft(r, """
                table ip jwgnat {
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "%s" %s
                  }
                }
                table inet jwgfw {
                  chain input {
                    type filter hook input priority filter; policy accept;
                    %s
                  }
                  chain forward {
                    type filter hook forward priority filter; policy accept;
                    %s
                  }
                }
                """.formatted(WAN_IF, type.nft, firewall, firewall));
        return r;
    }

    /** A veth from {@code inner} (named {@code innerIf}) to {@code outer}, whose end {@code port} joins bridge {@code bridge}. */
    private void plugIn(Netns inner, String innerIf, Netns outer, String port, String bridge) throws IOException {
        inner.addVeth(innerIf, port, outer);
        ip(outer, "link", "set", port, "master", bridge);
        ip(outer, "link", "set", port, "up");
    }

    private Netns host(String prefix, Netns router, String lanPort, String address, String gateway) throws IOException {
        Netns h = ns(prefix);
        plugIn(h, HOST_IF, router, lanPort, LAN_IF);
        ip(h, "addr", "add", address + "/25", "dev", HOST_IF);
        ip(h, "link", "set", HOST_IF, "up");
        ip(h, "route", "add", "default", "via", gateway);
        return h;
    }

    private static void ip(Netns n, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", n.name()));
        cmd.addAll(List.of(args));
        Netns.run(cmd.toArray(String[]::new));
    }

    private void nft(Netns n, String ruleset) throws IOException {
        Path f = Files.createTempFile(dir, "nft-", ".conf");
        Files.writeString(f, ruleset);
        n.exec("nft", "-f", f.toString());
    }

    // ---- runtime controls ----

    /**
     * Drops UDP between natA's and natB's WAN addresses (both directions) in the public
     * bridge's forward path. Stateless, so flows already in conntrack stop too; STUN/TURN to
     * 203.0.113.1 is not affected. Idempotent.
     */
    public synchronized void blockDirect() throws IOException {
        if (blocked) return;
        if (options.ispHop()) IspHop.block(pub, WAN_A, WAN_B); // routed, not bridged
        String rule = "nft add rule bridge jwglab forward ip saddr %s ip daddr %s meta l4proto udp counter drop";
        for (String[] p : new String[][] {{WAN_A, WAN_B}, {WAN_B, WAN_A}})
            pub.exec(rule.formatted(p[0], p[1]).split(" "));
        blocked = true;
    }

    /** Removes the drop rules of {@link #blockDirect()}. Idempotent. */
    public synchronized void unblockDirect() throws IOException {
        pub.exec("nft", "flush", "chain", "bridge", "jwglab", "forward");
        if (options.ispHop()) IspHop.unblock(pub);
        blocked = false;
    }

    public synchronized boolean isDirectBlocked() {
        return blocked;
    }

    /** The public namespace's filter table, with packet counters of the drop rules. */
    public String publicFilterRules() throws IOException {
        String isp = options.ispHop() ? IspHop.rules(pub) : "";
        return pub.exec("nft", "list", "table", "bridge", "jwglab").output() + isp;
    }

    // ---- accessors ----

    public Topology topology() {
        return topology;
    }

    public LabOptions options() {
        return options;
    }

    /** The namespace of the public network (bridge, coturn, a signaling server). */
    public Netns publicNetns() {
        return pub;
    }

    /** The namespace of {@code host}. */
    public Netns hostNetns(Host host) {
        return host == Host.A ? hostA : hostB;
    }

    /** The namespace of the router in front of {@code host} (natA for both in SAME_LAN). */
    public Netns routerNetns(Host host) {
        return host == Host.B && natB != null ? natB : natA;
    }

    public String publicNamespace() {
        return pub.name();
    }

    public String hostNamespace(Host host) {
        return hostNetns(host).name();
    }

    public String routerNamespace(Host host) {
        return routerNetns(host).name();
    }

    /** All namespace names of the lab. */
    public List<String> namespaceNames() {
        return namespaces.stream().map(Netns::name).toList();
    }

    /** The LAN address of {@code host}. */
    public String hostAddress(Host host) {
        if (host == Host.A || options.sameSubnet()) return HOST_A;
        return topology.natB == null ? HOST_B_SAME_LAN : HOST_B;
    }

    /** The WAN (public) address of the router in front of {@code host}. */
    public String wanAddress(Host host) {
        return host == Host.B && natB != null ? WAN_B : WAN_A;
    }

    /** The NAT type of the router in front of {@code host}. */
    public NatType natType(Host host) {
        return host == Host.B && natB != null ? topology.natB : topology.natA;
    }

    public InetSocketAddress stunAddress() {
        return new InetSocketAddress(STUN_IP, STUN_PORT);
    }

    /** coturn's RFC 5780 alternate address (same port). */
    public InetSocketAddress stunAlternateAddress() {
        return new InetSocketAddress(STUN_ALT_IP, STUN_PORT);
    }

    /** TURN over UDP: same address as STUN. */
    public InetSocketAddress turnAddress() {
        return stunAddress();
    }

    public InetSocketAddress signalingAddress() {
        return new InetSocketAddress(STUN_IP, SIGNALING_PORT);
    }

    /** {@code stun:203.0.113.1:3478} (RFC 7064). */
    public String stunUri() {
        return "stun:" + STUN_IP + ":" + STUN_PORT;
    }

    /** {@code turn:203.0.113.1:3478?transport=udp} (RFC 7065); credentials {@link #turnUser()}, {@link #turnPassword()}. */
    public String turnUri() {
        return "turn:" + STUN_IP + ":" + STUN_PORT + "?transport=udp";
    }

    public String turnUser() {
        return turnUser;
    }

    public String turnPassword() {
        return turnPassword;
    }

    public String realm() {
        return REALM;
    }

    public Coturn coturn() {
        return coturn;
    }

    /** {@code jwg relay} in a lab with {@link LabOptions#jwgRelay} (then {@link #coturn} is null), else null. */
    public JwgRelay jwgRelay() {
        return jwgRelay;
    }

    /** The lab's temp dir (coturn's log and database, the probe script, test logs). */
    public Path dir() {
        return dir;
    }

    /**
     * What a failing test should print: each router's nft ruleset and conntrack table, the
     * public filter rules with counters, and coturn's log.
     */
    public String diagnostics() {
        StringBuilder b = new StringBuilder(toString()).append('\n');
        for (Netns r : natB == null ? List.of(natA) : List.of(natA, natB)) {
            b.append("== ").append(r.name()).append(" nft ruleset\n").append(quiet(r, "nft", "list", "ruleset"));
            b.append("== ").append(r.name()).append(" conntrack\n").append(quiet(r, "cat", "/proc/net/nf_conntrack"));
        }
        b.append("== ").append(pub.name()).append(" nft ruleset\n").append(quiet(pub, "nft", "list", "ruleset"));
        String turn = jwgRelay != null ? jwgRelay.output() : coturn != null ? coturn.log() : "(not started)";
        b.append(jwgRelay != null ? "== jwg relay output\n" : "== coturn log\n").append(turn);
        return b.toString();
    }

    private static String quiet(Netns n, String... command) {
        try {
            return n.tryExec(command).output();
        } catch (IOException e) {
            return e + "\n";
        }
    }

    // ---- running things ----

    /** Runs {@code command} in {@code host}'s namespace; fails with the command and output on a nonzero exit. */
    public Netns.Result exec(Host host, String... command) throws IOException {
        return hostNetns(host).exec(command);
    }

    /** Like {@link #exec} but returns a nonzero exit code instead of failing. */
    public Netns.Result tryExec(Host host, String... command) throws IOException {
        return hostNetns(host).tryExec(command);
    }

    /**
     * Starts {@code command} in the background in {@code ns}, output to {@code logName} in
     * {@link #dir()}; stopped at the latest by {@link #close()}.
     */
    public synchronized Daemon start(Netns ns, String logName, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        cmd.addAll(List.of(command));
        Daemon d = Daemon.start(dir.resolve(logName), cmd);
        daemons.add(d);
        return d;
    }

    /** The python3 UDP probe (STUN Binding, TURN Allocate, hole punch); see its usage text. */
    public Path probeScript() {
        return probe;
    }

    /**
     * Sends a STUN Binding request from {@code host} to each server from one UDP socket (bound to
     * {@code localPort}, 0 for any) and returns the server-reflexive address each server saw.
     */
    public List<InetSocketAddress> stunMappedAddresses(Host host, int localPort, InetSocketAddress... servers)
            throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(python(), probe.toString(), "binding", "--local-port", Integer.toString(localPort)));
        for (InetSocketAddress s : servers) cmd.add(s.getHostString() + ":" + s.getPort());
        Netns.Result r = exec(host, cmd.toArray(String[]::new));
        List<InetSocketAddress> mapped = new ArrayList<>();
        for (String line : r.output().lines().toList()) {
            if (!line.startsWith("MAPPED ")) continue;
            String addr = line.substring(line.indexOf("-> ") + 3).strip();
            int colon = addr.lastIndexOf(':');
            mapped.add(new InetSocketAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1))));
        }
        if (mapped.size() != servers.length) throw new IOException(String.join(" ", cmd) + ": " + r.output());
        return mapped;
    }

    /**
     * A TURN Allocate (UDP, long-term credentials) from {@code host} to coturn; exit 0 and
     * "RELAYED ip:port MAPPED ip:port" on success, exit 2 and "ERROR code reason" otherwise.
     */
    public Netns.Result turnAllocate(Host host, String user, String password) throws IOException {
        return tryExec(host, python(), probe.toString(), "allocate", STUN_IP + ":" + STUN_PORT, user, password);
    }

    /**
     * Starts a TURN relay endpoint in the background on {@code host}: Allocate, CreatePermission
     * for {@code peerIp}, print "RELAYED ip:port", then for {@code seconds} answer every punch the
     * peer sends to the relayed address; exits 0 if any came. See {@link #relayedAddress(Daemon)}.
     */
    public Daemon turnRelay(Host host, String peerIp, double seconds) throws IOException {
        return start(
                hostNetns(host),
                "relay-" + host + "-" + System.nanoTime() + ".log",
                python(),
                probe.toString(),
                "relay",
                STUN_IP + ":" + STUN_PORT,
                turnUser,
                turnPassword,
                peerIp,
                Double.toString(seconds));
    }

    /** Waits (at most 10 s) for a {@link #turnRelay} endpoint's relayed address. */
    public static InetSocketAddress relayedAddress(Daemon relay) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : relay.output().lines().toList()) {
                if (line.startsWith("ERROR")) throw new IOException(String.join(" ", relay.command()) + ": " + line);
                if (line.startsWith("RELAYED ")) {
                    String addr = line.substring(8).strip();
                    int colon = addr.lastIndexOf(':');
                    return new InetSocketAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
                }
            }
            if (!relay.isAlive() && !relay.output().contains("RELAYED ")) break;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IOException(String.join(" ", relay.command()) + " reported no relayed address:\n" + relay.output());
    }

    /**
     * Starts a UDP hole punch in the background from {@code host}: local port {@code localPort},
     * sending to {@code peer} every 100 ms for {@code seconds} and answering every address a
     * punch came from (a peer-reflexive address, as ICE's triggered checks do); exits 0 if anything came back from
     * the peer, 1 if not, printing "RECEIVED n FROM ...".
     */
    public Daemon punch(Host host, int localPort, InetSocketAddress peer, double seconds) throws IOException {
        return start(
                hostNetns(host),
                "punch-" + host + "-" + System.nanoTime() + ".log",
                python(),
                probe.toString(),
                "punch",
                Integer.toString(localPort),
                peer.getHostString() + ":" + peer.getPort(),
                Double.toString(seconds));
    }

    private static String python() {
        Path p = Path.of("/usr/bin/python3");
        if (Files.isExecutable(p)) return p.toString();
        Path found = Requires.findTool("python3");
        return found == null ? "python3" : found.toString();
    }

    // ---- cleanup ----

    private void closeQuietly() {
        synchronized (closeLock) {
            if (!closed) System.err.println("NatLab: the shutdown hook closes " + this);
        }
        try {
            close();
        } catch (IOException | RuntimeException e) {
            System.err.println("NatLab cleanup: " + e);
        }
    }

    /** Stops coturn and all processes in the lab's namespaces, deletes the namespaces and the temp dir. */
    @Override
    public void close() throws IOException {
        // One close at a time, and the hook stays registered until the cleanup is done: a JVM
        // stopped while another thread is closing runs the hook, which waits here for that close.
        synchronized (closeLock) {
            if (closed) return;
            closed = true;
            try {
                cleanUp();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down (perhaps we are the hook)
                }
            }
        }
    }

    private void cleanUp() throws IOException {
        IOException failure = null;
        if (coturn != null) coturn.close();
        if (jwgRelay != null) jwgRelay.close();
        synchronized (this) {
            daemons.forEach(Daemon::close);
        }
        for (Netns n : namespaces.reversed()) {
            try {
                Netns.killAll(n);
                n.close();
            } catch (IOException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        if (!Boolean.getBoolean("jwg.natlab.keep")) deleteTree(dir);
        if (failure != null) throw failure;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("NatLab: could not delete " + root + ": " + e);
        }
    }

    /**
     * Keeps a lab up for manual exploration: {@code NatLab [TOPOLOGY]} prints
     * "NATLAB name..." (public, routers, hosts) and runs until stdin closes (then closes the
     * lab) or the JVM is stopped (then the shutdown hook closes it).
     */
    public static void main(String[] args) throws IOException {
        NatLab lab = start(Topology.valueOf(args.length > 0 ? args[0] : "CONE_CONE"));
        System.out.println("NATLAB " + String.join(" ", lab.namespaceNames()) + " user " + lab.turnUser() + " password "
                + lab.turnPassword());
        System.out.flush();
        while (System.in.read() != -1) {
            // wait
        }
        lab.close();
    }

    @Override
    public String toString() {
        return "NatLab[" + topology + " " + options + " " + namespaceNames() + "]";
    }
}
