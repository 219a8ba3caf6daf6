package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.ConfigException;
import jwg.dataplane.config.PeerConfig;
import jwg.dataplane.config.WgQuickConfig;
import jwg.ice.IceConfig;
import jwg.ice.ProbeResult;
import jwg.noise.PublicKey;

/**
 * {@code jwg probe [--json] [-t SECONDS] [--peer KEY] CONF}: ICE alone between two nodes, each
 * running it with its .conf — no interface, no TUN, no root. It classifies this host's NAT (the
 * doctor's RFC 5780 discovery), runs one ICE session with the peer over the file's signaling
 * server, and prints the pair that worked, its round trip, both sides' NAT types and how every
 * other pair's checks ended. Exit 0 when a pair worked, 1 when none did.
 */
final class Probe {
    private Probe() {}

    static final String USAGE = """
            usage: jwg probe [--json] [-t SECONDS] [--peer PUBLIC-KEY] CONFIG-FILE
              ICE alone with one peer of a .conf (no interface, no root): the pair that worked, its RTT,
              both sides' NAT types, why the other pairs failed. Run it on both nodes.
              -t SECONDS   give up after this long (default 30)
              --peer KEY   which peer (default: the file's only peer without an Endpoint)
            """;

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    record Args(Path conf, boolean json, Duration timeout, String peer) {}

    static Args parse(String[] args, PrintStream err) {
        boolean json = false;
        Duration timeout = DEFAULT_TIMEOUT;
        String peer = null;
        Path conf = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--json" -> json = true;
                case "-t" -> {
                    if (i + 1 >= args.length
                            || !args[i + 1].matches("[0-9]{1,5}")
                            || Integer.parseInt(args[i + 1]) < 1) {
                        err.println("jwg probe: -t takes a number of seconds (1..99999)");
                        return null;
                    }
                    timeout = Duration.ofSeconds(Integer.parseInt(args[++i]));
                }
                case "--peer" -> {
                    if (i + 1 >= args.length) {
                        err.println("jwg probe: --peer takes a public key");
                        return null;
                    }
                    peer = args[++i];
                }
                default -> {
                    if (a.startsWith("-") || conf != null) {
                        err.println("jwg probe: unexpected argument '" + a + "'");
                        return null;
                    }
                    conf = Path.of(a);
                }
            }
        }
        if (conf == null) {
            err.println("jwg probe: which configuration file?");
            return null;
        }
        return new Args(conf, json, timeout, peer);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Args a = parse(args, err);
        if (a == null) return Command.usageError(err, USAGE, null);
        String file = String.valueOf(a.conf().getFileName());
        WgQuickConfig conf;
        IceConfig ice;
        PublicKey peer;
        try {
            conf = ConfFile.read(a.conf());
            ice = IceConfig.from(file, conf);
            if (ice == null) throw new ConfigException(file, 0, "no '#! IceSignal = URL': nothing to probe");
            ice = ice.withRelayOverride(System.getenv(IceConfig.RELAY_ENV));
            if (conf.device().privateKey() == null) throw new ConfigException(file, 0, "no PrivateKey");
            peer = peer(file, conf, a.peer());
        } catch (ConfigException e) {
            err.println("jwg probe: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("jwg probe: cannot read " + a.conf() + ": " + e.getMessage());
            return 1;
        }
        String nat = jwg.ice.doctor.Doctor.natType(ice.servers());
        ProbeResult r;
        try {
            r = jwg.ice.Probe.run(ice, conf.device().privateKey(), peer, nat, a.timeout());
        } catch (IOException e) {
            err.println("jwg probe: " + e.getMessage());
            return 1;
        }
        out.print(a.json() ? r.toJson() + "\n" : r.toText());
        return r.connected() ? 0 : 1;
    }

    /** The peer named by {@code --peer}, else the file's only peer without an Endpoint. */
    private static PublicKey peer(String file, WgQuickConfig conf, String named) throws ConfigException {
        if (named != null) {
            try {
                return PublicKey.fromBase64(named);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--peer", 0, "not a public key (44 base64 characters, as wg pubkey prints)");
            }
        }
        List<PeerConfig> candidates =
                conf.device().peers().stream().filter(p -> p.endpoint() == null).toList();
        if (candidates.size() != 1)
            throw new ConfigException(
                    file,
                    0,
                    candidates.isEmpty()
                            ? "no [Peer] without an Endpoint: nothing for ICE to find"
                            : candidates.size() + " peers without an Endpoint: choose one with --peer");
        return candidates.get(0).publicKey();
    }
}
