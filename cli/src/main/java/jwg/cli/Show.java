package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jwg.dataplane.UapiSocket;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;

/**
 * {@code jwg show [IFNAME]}: the {@code wg show} view, read over the UAPI socket of any
 * userspace WireGuard (jwg or wireguard-go). Secrets print as "(hidden)".
 */
final class Show {
    private Show() {}

    /** One interface as a get=1 reply describes it. */
    record Interface(String name, Map<String, String> fields, List<Map<String, List<String>>> peers) {}

    static final String USAGE = """
            usage: jwg show [INTERFACE | all | interfaces]
                   jwg show INTERFACE counters
              the `wg show` view of jwg and wireguard-go interfaces (keys hidden); interfaces: names only;
              counters: a jwg daemon's drops by reason and protocol events
            """;

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean counters = args.length == 2 && args[1].equals("counters") && !args[0].startsWith("-");
        if (!counters && (args.length > 1 || args.length == 1 && args[0].startsWith("-")))
            return Command.usageError(err, USAGE, "jwg show: unexpected argument '" + args[args.length - 1] + "'");
        Path dir = Daemon.uapiDirectory();
        if (counters) return counters(UapiSocket.pathFor(dir, args[0]), args[0], out, err);
        List<String> names = new ArrayList<>();
        if (args.length > 0 && !args[0].equals("all") && !args[0].equals("interfaces")) {
            names.add(args[0]);
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".sock"))
                        .map(n -> n.substring(0, n.length() - 5))
                        .sorted()
                        .forEach(names::add);
            } catch (IOException e) {
                // no directory: no interfaces
            }
        }
        if (args.length > 0 && args[0].equals("interfaces")) {
            out.println(String.join(" ", names));
            return 0;
        }
        boolean first = true;
        for (String name : names) {
            Interface i;
            try {
                i = get(UapiSocket.pathFor(dir, name), name);
            } catch (IOException e) {
                err.println("jwg show: unable to access interface " + name + ": " + e.getMessage());
                return 1;
            }
            if (!first) out.println();
            first = false;
            print(i, out, System.currentTimeMillis() / 1000);
        }
        return 0;
    }

    /**
     * {@code jwg show IFNAME counters}: a jwg daemon's drops by reason and protocol events, one
     * {@code name value} line each ({@code jwg-counters=1} over the UAPI socket).
     */
    static int counters(Path socket, String name, PrintStream out, PrintStream err) {
        String reply;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Channels.newOutputStream(ch).write("jwg-counters=1\n\n".getBytes(StandardCharsets.US_ASCII));
            ch.shutdownOutput();
            reply = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("jwg show: unable to access interface " + name + ": " + e.getMessage());
            return 1;
        }
        if (!reply.contains("errno=0\n")) {
            err.println("jwg show: " + name + " does not report counters (not a jwg daemon?)");
            return 1;
        }
        for (String line : reply.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("errno=")) out.println(line.substring(0, eq) + " " + line.substring(eq + 1));
        }
        return 0;
    }

    /** Sends get=1 and parses the reply. */
    static Interface get(Path socket, String name) throws IOException {
        String reply;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Channels.newOutputStream(ch).write("get=1\n\n".getBytes(StandardCharsets.US_ASCII));
            ch.shutdownOutput();
            reply = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        List<Map<String, List<String>>> peers = new ArrayList<>();
        Map<String, List<String>> peer = null;
        for (String line : reply.split("\n")) {
            if (line.isEmpty()) continue;
            int eq = line.indexOf('=');
            if (eq < 0) throw new IOException("malformed reply line: " + line);
            String k = line.substring(0, eq), v = line.substring(eq + 1);
            if (k.equals("errno")) {
                if (!v.equals("0")) throw new IOException("errno=" + v);
                continue;
            }
            if (k.equals("public_key")) {
                peer = new LinkedHashMap<>();
                peers.add(peer);
            }
            if (peer != null) peer.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            else fields.put(k, v);
        }
        return new Interface(name, fields, peers);
    }

    static void print(Interface i, PrintStream out, long nowSeconds) {
        out.println("interface: " + i.name());
        String priv = i.fields().get("private_key");
        if (priv != null && !priv.matches("0{64}")) {
            PrivateKey k = PrivateKey.fromHex(priv);
            out.println("  public key: " + k.publicKey().toBase64());
            out.println("  private key: (hidden)");
            k.wipe();
        }
        String port = i.fields().get("listen_port");
        if (port != null && !port.equals("0")) out.println("  listening port: " + port);
        String mark = i.fields().get("fwmark");
        if (mark != null && !mark.equals("0")) out.println("  fwmark: 0x" + Long.toHexString(Long.parseLong(mark)));
        for (Map<String, List<String>> p : i.peers()) {
            out.println();
            out.println("peer: " + PublicKey.fromHex(one(p, "public_key")).toBase64());
            String psk = one(p, "preshared_key");
            if (psk != null && !psk.matches("0{64}")) out.println("  preshared key: (hidden)");
            String ep = one(p, "endpoint");
            if (ep != null) out.println("  endpoint: " + ep);
            List<String> ips = p.getOrDefault("allowed_ip", List.of());
            out.println("  allowed ips: " + (ips.isEmpty() ? "(none)" : String.join(", ", ips)));
            long hs = Long.parseLong(
                    p.getOrDefault("last_handshake_time_sec", List.of("0")).get(0));
            if (hs != 0) out.println("  latest handshake: " + ago(nowSeconds - hs));
            long rx = Long.parseLong(p.getOrDefault("rx_bytes", List.of("0")).get(0));
            long tx = Long.parseLong(p.getOrDefault("tx_bytes", List.of("0")).get(0));
            if (rx != 0 || tx != 0) out.println("  transfer: " + bytes(rx) + " received, " + bytes(tx) + " sent");
            String ka = one(p, "persistent_keepalive_interval");
            if (ka != null && !ka.equals("0"))
                out.println("  persistent keepalive: every " + duration(Long.parseLong(ka)));
        }
    }

    private static String one(Map<String, List<String>> p, String k) {
        List<String> v = p.get(k);
        return v == null ? null : v.get(0);
    }

    /** "1 minute, 2 seconds ago", as wg prints it. */
    static String ago(long seconds) {
        if (seconds < 0) return "System clock wound backward!";
        if (seconds == 0) return "Now";
        return duration(seconds) + " ago";
    }

    static String duration(long s) {
        long[] parts = {s / 31536000, s % 31536000 / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60};
        String[] names = {"year", "day", "hour", "minute", "second"};
        List<String> out = new ArrayList<>();
        for (int k = 0; k < parts.length; k++) {
            if (parts[k] != 0) out.add(parts[k] + " " + names[k] + (parts[k] == 1 ? "" : "s"));
        }
        return String.join(", ", out);
    }

    /** "1.23 KiB", as wg prints transfer sizes. */
    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024L * 1024) return String.format("%.2f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format("%.2f MiB", b / (1024.0 * 1024));
        if (b < 1024L * 1024 * 1024 * 1024) return String.format("%.2f GiB", b / (1024.0 * 1024 * 1024));
        return String.format("%.2f TiB", b / (1024.0 * 1024 * 1024 * 1024));
    }
}
