package jwg.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jwg.dataplane.UapiSocket;
import jwg.ice.doctor.RoutingCheck;
import jwg.sys.ErrnoException;

/**
 * The routing part of {@code jwg doctor}, run by the command itself (the kernel's routing is this
 * host's, whichever process asks): the interface's fwmark and peer endpoints come from its UAPI
 * socket ({@code get=1}), the STUN/TURN servers from the daemon's doctor report; {@link
 * RoutingCheck} looks up the routes, the rules, rp_filter and the path MTU and decides.
 */
final class DoctorRouting {
    private DoctorRouting() {}

    /** A server address as the doctor report prints it: in the text form's server lines, or a JSON "server" field. */
    private static final Pattern TEXT_SERVER = Pattern.compile("(?m)^  (\\[?[0-9A-Fa-f:.]+\\]?:\\d+)(: | \\(user )");

    private static final Pattern JSON_SERVER = Pattern.compile("\"server\":\"(\\[?[0-9A-Fa-f:.]+\\]?:\\d+)\"");

    /** The findings for {@code name}, or null with the reason in {@code why[0]} if the check could not run. */
    static List<RoutingCheck.Finding> check(String name, String report, String[] why) {
        Show.Interface itf;
        try {
            itf = Show.get(UapiSocket.pathFor(Daemon.uapiDirectory(), name), name);
        } catch (java.io.IOException e) {
            why[0] = "cannot read its configuration: " + e.getMessage();
            return null;
        }
        long fwmark = Long.parseLong(itf.fields().getOrDefault("fwmark", "0"));
        try {
            return RoutingCheck.findings(RoutingCheck.gather(name, fwmark, targets(itf, report)));
        } catch (ErrnoException e) {
            why[0] = "not checked (" + e.getMessage() + "; a rootless interface lives in a namespace of its own)";
            return null;
        }
    }

    /** The peers' endpoints, then the servers named in the report (each address once). */
    static List<RoutingCheck.Target> targets(Show.Interface itf, String report) {
        List<RoutingCheck.Target> out = new ArrayList<>();
        for (Map<String, List<String>> p : itf.peers()) {
            List<String> e = p.get("endpoint");
            if (e == null || e.isEmpty()) continue;
            InetSocketAddress a = address(e.get(0));
            String key = p.get("public_key").get(0);
            if (a != null) out.add(new RoutingCheck.Target("peer " + shortKey(key), a, true, true));
        }
        Set<InetSocketAddress> turn = servers(report, true);
        for (InetSocketAddress s : servers(report, false))
            if (!turn.contains(s)) out.add(new RoutingCheck.Target("STUN server", s, false, true));
        // the device's own allocation goes from its socket; the fallback's (JWG_RELAY=proxy) from a MarkedSocket
        for (InetSocketAddress s : turn) out.add(new RoutingCheck.Target("TURN server", s, false, true));
        return out;
    }

    /** The STUN (or TURN) servers a doctor report (text or JSON) names. */
    static Set<InetSocketAddress> servers(String report, boolean turn) {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        if (report == null) return out;
        Matcher m = TEXT_SERVER.matcher(report);
        while (m.find()) {
            InetSocketAddress a = address(m.group(1));
            if (a != null && turn == m.group(2).startsWith(" (")) out.add(a);
        }
        int turnAt = report.indexOf("\"turn\":["), natAt = report.indexOf("\"nat\":");
        m = JSON_SERVER.matcher(report);
        while (m.find()) {
            boolean inTurn = turnAt >= 0 && m.start() > turnAt && (natAt < 0 || m.start() < natAt);
            boolean inNat = natAt >= 0 && m.start() > natAt;
            InetSocketAddress a = address(m.group(1));
            if (a != null && !inNat && turn == inTurn) out.add(a);
        }
        return out;
    }

    /** "198.51.100.2:51820" or "[fd00::1]:51820" (numeric only: nothing is resolved), else null. */
    static InetSocketAddress address(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) return null;
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (!host.matches("[0-9A-Fa-f:.]+")) return null;
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(s.substring(colon + 1)));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    /** UAPI gives public keys in hex; the first 8 hex digits name a peer well enough. */
    private static String shortKey(String hex) {
        try {
            byte[] k = java.util.HexFormat.of().parseHex(hex);
            return java.util.Base64.getEncoder().encodeToString(k).substring(0, 8) + "…";
        } catch (IllegalArgumentException e) {
            return hex.length() > 8 ? hex.substring(0, 8) : hex;
        }
    }

    /** The text section. */
    static String text(List<RoutingCheck.Finding> findings, String why) {
        if (findings == null) return "routing: " + why + "\n";
        if (findings.isEmpty()) return "routing: ok (no loop, fwmark and rules agree, rp_filter and path MTU fit)\n";
        StringBuilder b = new StringBuilder("routing:\n");
        for (RoutingCheck.Finding f : findings) b.append("  ").append(f).append('\n');
        return b.toString();
    }

    /** The JSON value of "routing": an array of findings, or a string saying why there is none. */
    static String json(List<RoutingCheck.Finding> findings, String why) {
        if (findings == null) return quote(why);
        List<String> items = new ArrayList<>();
        for (RoutingCheck.Finding f : findings)
            items.add("{\"kind\":" + quote(f.kind()) + ",\"subject\":" + quote(f.subject()) + ",\"problem\":"
                    + quote(f.problem()) + ",\"fix\":" + quote(f.fix()) + "}");
        return "[" + String.join(",", items) + "]";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
