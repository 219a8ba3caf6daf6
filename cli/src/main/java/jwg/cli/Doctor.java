package jwg.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jwg doctor [--json] [IFNAME]}: asks each jwg interface's daemon (over its UAPI socket) to
 * probe its STUN/TURN servers and NAT and explain each peer's path, then checks the routing toward
 * the peers and servers itself ({@link DoctorRouting}: loops, fwmark and rules, rp_filter, path MTU). The daemon runs the probes: it
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
                return Command.usageError(err, USAGE, "jwg doctor: unexpected argument '" + a + "'");
            } else only = a;
        }
        DaemonQuery.Replies r = DaemonQuery.ask("doctor", only, json ? "doctor-json" : "doctor", err);
        if (r == null) return 1;
        List<String> jsons = new ArrayList<>();
        for (DaemonQuery.Reply reply : r.replies()) {
            String name = reply.name(), body = reply.body();
            String[] why = new String[1];
            var routing = DoctorRouting.check(name, body, why);
            if (json) {
                String obj = body == null ? "{\"interface\":\"" + name + "\",\"ice\":false}" : body.strip();
                jsons.add(obj.substring(0, obj.length() - 1) + ",\"routing\":" + DoctorRouting.json(routing, why[0])
                        + "}");
            } else {
                out.print(body == null ? "interface: " + name + "\n  no ICE: peers use static endpoints\n" : body);
                out.print(DoctorRouting.text(routing, why[0]) + "\n");
            }
        }
        if (json && !jsons.isEmpty()) out.println(DaemonQuery.jsonOf(jsons));
        return r.failed() ? 1 : 0;
    }
}
