package jwg.cli.ice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import jwg.noise.PrivateKey;
import jwg.testkit.NatLab;
import jwg.testkit.Netns;

/**
 * One jwg node of an ICE lab test: a host of the {@link NatLab} running {@code jwg up} on a .conf
 * with the '#! Ice...' keys and one peer without an Endpoint. Tunnel address 192.0.2.1 (A) or
 * .2 (B). {@link #down()} stops the daemon (removes its UAPI socket) and waits for it.
 */
final class IceNode {
    static final Path WG_RUN = Path.of("/var/run/wireguard");

    final NatLab lab;
    final NatLab.Host host;
    final String ifname;
    final String tunnelIp;
    final PrivateKey key;
    IceNode peer;
    /** Extra '#!' lines for [Interface] and for the [Peer] section (e.g. IceRelay), empty by default. */
    String interfaceKeys = "", peerKeys = "";
    /** JVM options for the daemon ({@code JWG_JVM_OPTS}, e.g. a -D switch), empty by default. */
    String jvmOpts = "";

    IceNode(NatLab lab, NatLab.Host host, String ifname, String tunnelIp) {
        this.lab = lab;
        this.host = host;
        this.ifname = ifname;
        this.tunnelIp = tunnelIp;
        this.key = PrivateKey.generate(new SecureRandom());
    }

    Path conf(boolean lazy, Duration idle) throws IOException {
        String text = """
                [Interface]
                PrivateKey = %s
                Address = %s/24
                ListenPort = 51820
                MTU = 1380
                #! IceSignal = http://%s:%d/
                #! IceStun = %s:%d
                #! IceTurn = %s:%s@%s:%d
                #! IceLazy = %s
                #! IceIdleTimeout = %ds
                %s
                [Peer]
                PublicKey = %s
                AllowedIPs = %s/32
                %s
                """.formatted(
                        key.toBase64(),
                        tunnelIp,
                        NatLab.STUN_IP,
                        NatLab.SIGNALING_PORT,
                        NatLab.STUN_IP,
                        NatLab.STUN_PORT,
                        lab.turnUser(),
                        lab.turnPassword(),
                        NatLab.STUN_IP,
                        NatLab.STUN_PORT,
                        lazy ? "on" : "off",
                        idle.toSeconds(),
                        interfaceKeys,
                        peer.key.publicKey().toBase64(),
                        peer.tunnelIp,
                        peerKeys);
        Path p = lab.dir().resolve(ifname + ".conf");
        Files.writeString(p, text);
        return p;
    }

    Netns.Result up(String launcher, boolean lazy, Duration idle) throws IOException {
        if (jvmOpts.isEmpty())
            return lab.tryExec(host, launcher, "up", conf(lazy, idle).toString());
        return lab.tryExec(
                host,
                "env",
                "JWG_JVM_OPTS=" + jvmOpts,
                launcher,
                "up",
                conf(lazy, idle).toString());
    }

    Netns.Result exec(String... cmd) throws IOException {
        return lab.tryExec(host, cmd);
    }

    String statusJson(String launcher) throws IOException {
        Netns.Result r = Netns.tryRun(launcher, "status", "--json", ifname);
        if (!r.ok()) throw new IOException("jwg status --json " + ifname + ": " + r.output());
        return r.output();
    }

    void down() throws IOException {
        Files.deleteIfExists(WG_RUN.resolve(ifname + ".sock"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline
                && lab.tryExec(host, "ip", "link", "show", ifname).ok()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
