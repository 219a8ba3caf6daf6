package jwg.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jwg.tun.LinuxTun;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;

/** The {@code jwg} command: dispatches to subcommands. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage: jwg <command> [arguments]

              demo              a real tunnel between two jwg peers on this machine, no root needed:
                                handshake, pings both ways, throughput, status, teardown
              demo --memory     the protocol core alone: two peers in memory under a simulated clock
              [-f] IFNAME       run interface IFNAME as wireguard-go does (for wg-quick:
                                WG_QUICK_USERSPACE_IMPLEMENTATION=jwg); -f stays in the foreground
              up [--rootless] CONF
                                bring up the interface a wg-quick .conf describes (no wg-quick needed);
                                --rootless: no root, the interface lives in a private namespace
              down IFNAME       take an interface brought up by jwg down
              exec IFNAME -- CMD
                                run CMD inside a rootless interface's namespace
              show [IFNAME]     the `wg show` view of jwg/wireguard-go interfaces
              status [-d] [--json] [IFNAME]
                                connectivity per peer (ICE): state, P2P or relayed, candidates,
                                relay, handshake, bytes, latency; then signaling and relays
              doctor [--json] [IFNAME]
                                why each peer's path is what it is: host addresses, STUN/TURN
                                servers checked, this host's NAT behaviour (RFC 5780)
              bench [PAIRS]     (bin/jwg) jwg against wireguard-go through real tunnels, side by side:
                                throughput, RTT, CPU per Gbit/s and ratios (root, wireguard-go, iperf3)
              signal --listen ADDR
                                run a signaling server (HOST:PORT or :PORT) until killed
              genkey            print a new private key (base64)
              pubkey            read a private key on stdin, print its public key
              genpsk            print a new preshared key
              version           print the version and the Java runtime it runs on
              help              this text
            """;

    public static void main(String[] args) throws Exception {
        String refused = Logs.configure(System.getenv(Logs.ENV), System.getenv("JOURNAL_STREAM") != null, System.err);
        if (refused != null) {
            System.err.println("jwg: " + refused);
            System.exit(1);
        }
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs a command; returns the exit status. */
    static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            err.print(USAGE);
            return 1;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        String badName = badInterfaceName(args[0], rest);
        if (badName != null) {
            err.println("jwg " + args[0] + ": " + badName);
            return 1;
        }
        switch (args[0]) {
            case "demo" -> {
                if (rest.length > 0 && rest[0].equals("--memory")) Demo.main(new String[0]);
                else return TunnelDemo.run(out, err);
            }
            case "genkey" -> out.println(PrivateKey.generate(new SecureRandom()).toBase64());
            case "genpsk" -> out.println(PresharedKey.generate(new SecureRandom()).toBase64());
            case "pubkey" -> {
                return pubkey(in, out, err);
            }
            case "version", "--version" -> {
                out.println("jwg " + version());
                out.println("java " + Runtime.version() + " at " + System.getProperty("java.home"));
            }
            case "help", "-h", "--help" -> out.print(USAGE);
            case "signal" -> {
                return Signal.run(rest, out, err);
            }
            case "show" -> {
                return Show.run(rest, out, err);
            }
            case "status" -> {
                return Status.run(rest, out, err);
            }
            case "doctor" -> {
                return Doctor.run(rest, out, err);
            }
            case "up" -> {
                return Up.run(rest, out, err);
            }
            case "down" -> {
                return Up.down(rest, out, err);
            }
            case "exec" -> {
                return Up.exec(rest, err);
            }
            case "--train" -> { // not in the usage: runs and times the packet path's warm-up (vector paths forced)
                long t0 = System.nanoTime();
                Warmup.run(rest.length > 0 ? Integer.parseInt(rest[0]) : Warmup.ROUNDS);
                out.printf("warm-up: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            }
            case "-f", "--foreground" -> {
                return Daemon.run(args, out, err);
            }
            default -> {
                if (looksLikeInterfaceName(args[0]) && args.length == 1) return Daemon.run(args, out, err);
                err.println("jwg: unknown command '" + args[0] + "'");
                err.print(USAGE);
                return 1;
            }
        }
        return 0;
    }

    private static int pubkey(java.io.InputStream in, PrintStream out, PrintStream err) throws IOException {
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).readLine();
        if (line == null) {
            err.println("jwg pubkey: no private key on standard input");
            return 1;
        }
        PrivateKey key;
        try {
            key = PrivateKey.fromBase64(line);
        } catch (IllegalArgumentException e) {
            err.println("jwg pubkey: " + e.getMessage());
            return 1;
        }
        out.println(key.publicKey().toBase64());
        key.wipe();
        return 0;
    }

    /**
     * Checks every interface name {@code command} takes from the command line with
     * {@link LinuxTun#checkName}'s rule before anything touches a file named after it (a name like
     * {@code ../x} would otherwise reach outside the socket directory); the refusal, naming the
     * argument, or null if all are fine.
     */
    static String badInterfaceName(String command, String[] rest) {
        List<String> names = new ArrayList<>();
        switch (command) {
            case "down" -> {
                for (String a : rest) names.add(a.endsWith(".conf") ? Up.interfaceName(Path.of(a)) : a);
            }
            case "exec" -> {
                if (rest.length > 0 && !rest[0].equals("--")) names.add(rest[0]);
            }
            case "status", "doctor", "show" -> {
                for (String a : rest) if (!a.startsWith("-")) names.add(a);
            }
            default -> { }
        }
        for (String n : names) {
            try {
                LinuxTun.checkName(n);
            } catch (IllegalArgumentException e) {
                return "bad interface name '" + n + "': " + e.getMessage();
            }
        }
        return null;
    }

    /** wg-quick runs {@code jwg IFNAME}: a bare interface name starts the device. */
    static boolean looksLikeInterfaceName(String s) {
        return s.length() > 0 && s.length() < 16 && s.matches("[a-zA-Z0-9_=+.-]+") && !s.startsWith("-");
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
