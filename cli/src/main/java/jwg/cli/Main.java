package jwg.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.tun.InterfaceName;

/** The {@code jwg} command: dispatches to subcommands. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage: jwg <command> [arguments]     (jwg <command> --help: that command's usage)

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
              show IFNAME counters
                                a jwg interface's drops by reason and protocol events
              status [-d] [--json] [IFNAME]
                                connectivity per peer (ICE): state, P2P or relayed, candidates,
                                relay, handshake, bytes, latency; then signaling and relays
              doctor [--json] [IFNAME]
                                why each peer's path is what it is: host addresses, STUN/TURN
                                servers checked, this host's NAT behaviour (RFC 5780)
              probe [--json] [-t SECONDS] [--peer KEY] CONF
                                ICE alone with a peer of CONF (no interface, no root; run it on both
                                nodes): the pair that worked, its RTT, both NAT types, why others failed
              bench [OPTIONS] [PAIR...]
                                jwg against wireguard-go through real tunnels, side by side: throughput,
                                RTT, CPU per Gbit/s, medians and ratios; --json FILE, --svg FILE (a chart)
                                (root, wireguard-tools, iperf3)
              signal --listen ADDR
                                run a signaling server (HOST:PORT or :PORT) until killed
              relay --listen IP:PORT --relay-ip IP --realm R --user NAME:PASSWORD
                                run a TURN server (RFC 8656, UDP) until killed
              genkey            print a new private key (base64)
              pubkey            read a private key on stdin, print its public key
              genpsk            print a new preshared key
              completion bash   print the bash completion script
              version           the version, the JDK, and the crypto and offload paths in use
              help [COMMAND]    this text, or COMMAND's usage (also: jwg COMMAND --help)
            """;

    public static void main(String[] args) throws Exception {
        String refused = Logs.configure(System.getenv(Logs.ENV), System.getenv("JOURNAL_STREAM") != null, System.err);
        if (refused != null) {
            System.err.println("jwg: " + refused);
            System.exit(1);
        }
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * The subcommands, one entry each (the order of {@code jwg help}'s list is {@link #USAGE}'s).
     * Every one answers -h/--help with its usage on stdout and exit 0.
     */
    static final List<Command> COMMANDS = List.of(
            Command.of(
                    "demo",
                    "usage: jwg demo [--memory]\n  a real tunnel between two jwg peers on this machine (no root);"
                            + " --memory: the protocol core alone, in memory",
                    Main::demo),
            new Command(List.of("-f", "--foreground"), Daemon.USAGE, (a, in, out, err) -> Daemon.run(a, out, err)),
            Command.of("up", Up.USAGE, (a, in, out, err) -> Up.run(a, out, err)),
            Command.of("down", Up.DOWN_USAGE, (a, in, out, err) -> Up.down(a, out, err)),
            Command.of("exec", Up.EXEC_USAGE, (a, in, out, err) -> Up.exec(a, err)),
            Command.of("show", Show.USAGE, (a, in, out, err) -> Show.run(a, out, err)),
            Command.of("status", Status.USAGE, (a, in, out, err) -> Status.run(a, out, err)),
            Command.of("doctor", Doctor.USAGE, (a, in, out, err) -> Doctor.run(a, out, err)),
            Command.of("probe", Probe.USAGE, (a, in, out, err) -> Probe.run(a, out, err)),
            Command.of(
                    "bench",
                    jwg.cli.bench.Bench.USAGE,
                    (a, in, out, err) -> jwg.cli.bench.Bench.run(a, out, err, Daemon.selfCommand(), version())),
            Command.of("signal", Signal.USAGE, (a, in, out, err) -> Signal.run(a, out, err)),
            Command.of("relay", Relay.USAGE, (a, in, out, err) -> Relay.run(a, out, err)),
            Command.bare("genkey", "usage: jwg genkey\n  prints a new private key (base64)", (a, in, out, err) -> {
                out.println(PrivateKey.generate(new SecureRandom()).toBase64());
                return 0;
            }),
            Command.bare(
                    "pubkey",
                    "usage: jwg pubkey < PRIVATE-KEY\n  reads a private key on stdin, prints its public key",
                    (a, in, out, err) -> pubkey(in, out, err)),
            Command.bare("genpsk", "usage: jwg genpsk\n  prints a new preshared key (base64)", (a, in, out, err) -> {
                out.println(PresharedKey.generate(new SecureRandom()).toBase64());
                return 0;
            }),
            Command.of("completion", Completion.USAGE, (a, in, out, err) -> Completion.run(a, out, err)),
            new Command(
                    List.of("version", "--version"),
                    "usage: jwg version\n  the version, the JDK, and the crypto and offload paths in use",
                    (a, in, out, err) -> {
                        if (a.length > 0)
                            return Command.usageError(
                                    err, "usage: jwg version", "jwg version: unexpected argument '" + a[0] + "'");
                        out.print(Version.describe());
                        return 0;
                    }),
            new Command(List.of("help"), "usage: jwg help [COMMAND]", Main::help));

    static Command command(String name) {
        for (Command c : COMMANDS) if (c.names().contains(name)) return c;
        return null;
    }

    /** Runs a command; returns the exit status (0 done, 1 failed, 2 usage error). */
    static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) return Command.usageError(err, USAGE, null);
        if (args[0].equals("-h") || args[0].equals("--help")) {
            out.print(USAGE);
            return 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Command c = command(args[0]);
        if (c != null && Command.asksForHelp(rest)) {
            out.print(c.usage().endsWith("\n") ? c.usage() : c.usage() + "\n");
            return 0;
        }
        String badName = badInterfaceName(args[0], rest);
        if (badName != null) {
            err.println("jwg " + args[0] + ": " + badName);
            return 1; // a well-formed command line naming something that cannot be an interface
        }
        if (c != null) return c.handler().run(rest, in, out, err);
        if (args[0].equals(
                "--train")) { // not in the usage: runs and times the packet path's warm-up (vector paths forced)
            long t0 = System.nanoTime();
            Warmup.run(rest.length > 0 ? Integer.parseInt(rest[0]) : Warmup.ROUNDS);
            out.printf("warm-up: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            return 0;
        }
        if (looksLikeInterfaceName(args[0]) && args.length == 1) return Daemon.run(args, out, err);
        return Command.usageError(err, USAGE, "jwg: unknown command '" + args[0] + "'");
    }

    private static int demo(String[] rest, java.io.InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (rest.length == 1 && rest[0].equals("--memory")) {
            MemoryDemo.run(out);
            return 0;
        }
        if (rest.length > 0)
            return Command.usageError(err, command("demo").usage(), "jwg demo: unexpected argument '" + rest[0] + "'");
        return TunnelDemo.run(out, err);
    }

    private static int help(String[] rest, java.io.InputStream in, PrintStream out, PrintStream err) {
        if (rest.length == 0) {
            out.print(USAGE);
            return 0;
        }
        Command c = rest.length == 1 ? command(rest[0]) : null;
        if (c == null) return Command.usageError(err, USAGE, "jwg help: no command '" + String.join(" ", rest) + "'");
        out.print(c.usage().endsWith("\n") ? c.usage() : c.usage() + "\n");
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
     * {@link InterfaceName#check}'s rule before anything touches a file named after it (a name like
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
            default -> {}
        }
        for (String n : names) {
            try {
                InterfaceName.check(n);
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
