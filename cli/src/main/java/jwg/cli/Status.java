package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jwg.dataplane.UapiSocket;
import jwg.ice.StatusProtocol;

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
        Path dir = Daemon.uapiDirectory();
        List<String> names = only != null ? List.of(only) : Daemon.interfaceNames(dir);
        if (names.isEmpty()) {
            err.println("jwg status: no jwg interfaces" + (only == null ? "" : " named " + only));
            return 1;
        }
        List<String> jsons = new ArrayList<>();
        int status = 0;
        for (String name : names) {
            String body;
            try {
                body = StatusProtocol.request(UapiSocket.pathFor(dir, name), json ? "json" : detail ? "detail" : "text");
            } catch (IOException e) {
                err.println("jwg status: unable to access interface " + name + ": " + e.getMessage());
                status = 1;
                continue;
            }
            if (json) {
                jsons.add(body == null ? "{\"interface\":\"" + name + "\",\"ice\":false}"
                        : "{\"interface\":\"" + name + "\",\"ice\":true," + body.strip().substring(1));
            } else {
                out.println("interface: " + name);
                out.print(body == null ? "  no ICE: peers use static endpoints (see `jwg show`)\n" : body);
                out.println();
            }
        }
        if (json) out.println(jsons.size() == 1 ? jsons.get(0) : "[" + String.join(",", jsons) + "]");
        return status;
    }
}
