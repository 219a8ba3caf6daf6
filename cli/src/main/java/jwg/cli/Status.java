package jwg.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jwg status [-d] [--json] [IFNAME]}: each jwg interface's connectivity — per peer its
 * state, P2P or relayed, the selected candidates, relay, last handshake, bytes, latency and when
 * the path last changed, then the signaling server and relays. Asked of the daemon over its UAPI
 * socket; {@code --json} prints one JSON object per interface (an array for several).
 */
final class Status {
    private Status() {}

    static final String USAGE = "usage: jwg status [-d|--detail] [--json] [INTERFACE]";

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean detail = false, json = false;
        String only = null;
        for (String a : args) {
            switch (a) {
                case "-d", "--detail" -> detail = true;
                case "--json" -> json = true;
                default -> {
                    if (a.startsWith("-") || only != null) {
                        err.println(USAGE);
                        return 1;
                    }
                    only = a;
                }
            }
        }
        DaemonQuery.Replies r = DaemonQuery.ask("status", only, json ? "json" : detail ? "detail" : "text", err);
        if (r == null) return 1;
        List<String> jsons = new ArrayList<>();
        for (DaemonQuery.Reply reply : r.replies()) {
            String name = reply.name(), body = reply.body();
            if (json) {
                jsons.add(body == null ? "{\"interface\":\"" + name + "\",\"ice\":false}"
                        : "{\"interface\":\"" + name + "\",\"ice\":true," + body.strip().substring(1));
            } else {
                out.println("interface: " + name);
                out.print(body == null ? "  no ICE: peers use static endpoints (see `jwg show`)\n" : body);
                out.println();
            }
        }
        if (json) out.println(DaemonQuery.jsonOf(jsons));
        return r.failed() ? 1 : 0;
    }
}
