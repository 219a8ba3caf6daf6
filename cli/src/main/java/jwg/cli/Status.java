package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jwg.dataplane.UapiSocket;
import jwg.ice.JsonWriter;
import jwg.noise.PublicKey;

/**
 * {@code jwg status [-d] [--json] [IFNAME]}: each jwg interface's connectivity — per peer its
 * state, P2P or relayed, the selected candidates, relay, last handshake, bytes, latency and when
 * the path last changed, then the signaling server and relays. Asked of the daemon over its UAPI
 * socket; {@code --json} prints one JSON object per interface (an array for several), always with
 * every field ({@code -d} is for the text view and refused with {@code --json}). An interface
 * without ICE (wg-quick with jwg or wireguard-go) shows its WireGuard view and says ICE is off.
 */
final class Status {
    private Status() {}

    static final String USAGE = """
            usage: jwg status [-d|--detail] [--json] [INTERFACE]
              connectivity per peer (ICE): state, P2P or relayed, candidates, relay, handshake, bytes,
              latency; then signaling and relays. -d adds candidates, sessions and STUN counters;
              --json prints every field (so -d and --json do not go together)
            """;

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean detail = false, json = false;
        String only = null;
        for (String a : args) {
            switch (a) {
                case "-d", "--detail" -> detail = true;
                case "--json" -> json = true;
                default -> {
                    if (a.startsWith("-") || only != null)
                        return Command.usageError(err, USAGE, "jwg status: unexpected argument '" + a + "'");
                    only = a;
                }
            }
        }
        if (detail && json) {
            return Command.usageError(
                    err, USAGE, "jwg status: -d is for the text view; --json always carries every field");
        }
        DaemonQuery.Replies r = DaemonQuery.ask("status", only, json ? "json" : detail ? "detail" : "text", err);
        if (r == null) return 1;
        List<String> jsons = new ArrayList<>();
        boolean failed = r.failed();
        for (DaemonQuery.Reply reply : r.replies()) {
            String name = reply.name(), body = reply.body();
            if (json) {
                String wg = body == null ? wireGuardJson(name, err) : null;
                failed |= body == null && wg == null;
                jsons.add(
                        body == null
                                ? "{\"interface\":\"" + name + "\",\"ice\":false" + (wg == null ? "" : "," + wg) + "}"
                                : "{\"interface\":\"" + name + "\",\"ice\":true,"
                                        + body.strip().substring(1));
            } else if (body != null) {
                out.println("interface: " + name);
                out.print(body);
                out.println();
            } else {
                failed |= !withoutIce(name, out, err);
            }
        }
        if (json) out.println(DaemonQuery.jsonOf(jsons));
        return failed ? 1 : 0;
    }

    /**
     * An interface without ICE in JSON: {@code "peers":[...]} with each peer's public key,
     * endpoint, allowed IPs, last handshake (epoch seconds, 0 never) and bytes; null if unreachable.
     */
    private static String wireGuardJson(String name, PrintStream err) {
        Show.Interface i;
        try {
            i = Show.get(UapiSocket.pathFor(Daemon.uapiDirectory(), name), name);
        } catch (IOException | RuntimeException e) {
            err.println("jwg status: unable to access interface " + name + ": " + e.getMessage());
            return null;
        }
        JsonWriter j = new JsonWriter();
        j.key("peers").open('[');
        for (Map<String, List<String>> p : i.peers()) {
            j.open('{')
                    .field(
                            "publicKey",
                            PublicKey.fromHex(first(p, "public_key", "")).toBase64())
                    .field("endpoint", first(p, "endpoint", null))
                    .strings("allowedIps", p.getOrDefault("allowed_ip", List.of()))
                    .field("lastHandshake", Long.parseLong(first(p, "last_handshake_time_sec", "0")))
                    .field("rxBytes", Long.parseLong(first(p, "rx_bytes", "0")))
                    .field("txBytes", Long.parseLong(first(p, "tx_bytes", "0")))
                    .close('}');
        }
        j.close(']');
        return j.toString();
    }

    private static String first(Map<String, List<String>> p, String key, String otherwise) {
        List<String> v = p.get(key);
        return v == null || v.isEmpty() ? otherwise : v.get(0);
    }

    /** An interface without ICE: its `wg show` view, and that ICE is off. */
    private static boolean withoutIce(String name, PrintStream out, PrintStream err) {
        Show.Interface i;
        try {
            i = Show.get(UapiSocket.pathFor(Daemon.uapiDirectory(), name), name);
        } catch (IOException e) {
            err.println("jwg status: unable to access interface " + name + ": " + e.getMessage());
            return false;
        }
        Show.print(i, out, System.currentTimeMillis() / 1000);
        out.println("  ice: off (peers use the static endpoints of the configuration)");
        out.println();
        return true;
    }
}
