package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jwg.dataplane.UapiSocket;
import jwg.ice.StatusProtocol;

/**
 * {@code jwg doctor [--json] [IFNAME]}: asks each jwg interface's daemon (over its UAPI socket) to
 * probe its STUN/TURN servers and NAT and explain each peer's path. The daemon runs the probes: it
 * has the settings and the credentials (the password is never printed). {@code --json} prints one
 * object per interface (an array for several).
 */
final class Doctor {
    private Doctor() {}

    static final String USAGE = "usage: jwg doctor [--json] [INTERFACE]";

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean json = false;
        String only = null;
        for (String a : args) {
            if (a.equals("--json")) json = true;
            else if (a.startsWith("-") || only != null) {
                err.println(USAGE);
                return 1;
            } else only = a;
        }
        Path dir = Daemon.uapiDirectory();
        List<String> names = only != null ? List.of(only) : Daemon.interfaceNames(dir);
        if (names.isEmpty()) {
            err.println("jwg doctor: no jwg interfaces" + (only == null ? "" : " named " + only));
            return 1;
        }
        List<String> jsons = new ArrayList<>();
        int status = 0;
        for (String name : names) {
            String body;
            try {
                body = StatusProtocol.request(UapiSocket.pathFor(dir, name), json ? "doctor-json" : "doctor");
            } catch (IOException e) {
                err.println("jwg doctor: unable to access interface " + name + ": " + e.getMessage());
                status = 1;
                continue;
            }
            if (json) jsons.add(body == null ? "{\"interface\":\"" + name + "\",\"ice\":false}" : body.strip());
            else out.print(body == null ? "interface: " + name + "\n  no ICE: peers use static endpoints, nothing to diagnose\n\n" : body + "\n");
        }
        if (json && !jsons.isEmpty()) out.println(jsons.size() == 1 ? jsons.get(0) : "[" + String.join(",", jsons) + "]");
        return status;
    }

}
