package jwg.cli.ice;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jwg.testkit.Netns;

/**
 * What TCP itself saw during a benchmark's run, to tell a stall (the sender waiting) from loss
 * (retransmissions) and from reordering: the namespace's {@code TcpExt} counters before and after
 * ({@code /proc/net/netstat} is per network namespace), printed as the deltas of those that moved;
 * and iperf3's per-interval lines ({@code -J}: Mbit/s, retransmissions, cwnd, smoothed RTT).
 */
final class TcpTrace {
    /** The counters that say what went wrong, when one did. */
    private static final List<String> WATCHED = List.of(
            "TCPTimeouts",
            "TCPLossProbes",
            "TCPSACKReorder",
            "TCPTSReorder",
            "TCPRenoReorder",
            "TCPOFOQueue",
            "TCPOFODrop",
            "TCPFastRetrans",
            "TCPSlowStartRetrans",
            "TCPLostRetransmit",
            "TCPSpuriousRTOs",
            "TCPDSACKRecv",
            "TCPDSACKOldSent",
            "TCPDSACKOfoSent",
            "TCPSACKRecoveryFail",
            "TCPBacklogDrop",
            "TCPRcvQDrop",
            "TCPZeroWindowDrop",
            "TCPWantZeroWindowAdv",
            "TCPToZeroWindowAdv",
            "TCPRcvCollapsed",
            "PruneCalled",
            "TCPDelivered");

    private static final Pattern INTERVAL = Pattern.compile(
            "\"bits_per_second\":\\s*([0-9.e+]+),\\s*\"retransmits\":\\s*(\\d+),\\s*\"snd_cwnd\":\\s*(\\d+)"
                    + "(?:,\\s*\"snd_wnd\":\\s*\\d+)?,\\s*\"rtt\":\\s*(\\d+)");

    private static final Pattern END = Pattern.compile("\"end\":\\s*\\{");

    private final Map<String, Long> counters;

    private TcpTrace(Map<String, Long> counters) {
        this.counters = counters;
    }

    static TcpTrace of(Netns ns) throws IOException {
        return new TcpTrace(tcpExt(ns.tryExec("cat", "/proc/net/netstat").output()));
    }

    /** The watched counters that moved since {@code before}, "name +delta" separated by spaces. */
    String since(TcpTrace before) {
        StringBuilder sb = new StringBuilder();
        for (String k : WATCHED) {
            long d = counters.getOrDefault(k, 0L) - before.counters.getOrDefault(k, 0L);
            if (d != 0)
                sb.append(sb.isEmpty() ? "" : " ").append(k).append(" +").append(d);
        }
        return sb.isEmpty() ? "(none moved)" : sb.toString();
    }

    /** {@code TcpExt:} names and values of {@code /proc/net/netstat}. */
    static Map<String, Long> tcpExt(String netstat) {
        Map<String, Long> m = new LinkedHashMap<>();
        List<String> lines =
                netstat.lines().filter(l -> l.startsWith("TcpExt:")).toList();
        if (lines.size() < 2) return m;
        String[] names = lines.get(0).split("\\s+"), values = lines.get(1).split("\\s+");
        for (int i = 1; i < Math.min(names.length, values.length); i++) m.put(names[i], Long.parseLong(values[i]));
        return m;
    }

    /** iperf3 {@code -J}'s sender intervals: "Mbit/s retransmits cwnd(KB) rtt(ms)" per second. */
    static String intervals(String iperfJson) {
        StringBuilder sb = new StringBuilder();
        int start = iperfJson.indexOf("\"intervals\"");
        Matcher summary = END.matcher(iperfJson); // the run's summary (an interval's own "end" is a number)
        int end = start < 0 || !summary.find(start) ? -1 : summary.start();
        if (end < 0) return "(no intervals)";
        Matcher m = INTERVAL.matcher(iperfJson.substring(start, end));
        while (m.find())
            sb.append(String.format(
                    "%s[%.0f Mbit/s re %s cwnd %dK rtt %.1fms]",
                    sb.isEmpty() ? "" : " ",
                    Double.parseDouble(m.group(1)) / 1e6,
                    m.group(2),
                    Long.parseLong(m.group(3)) / 1024,
                    Long.parseLong(m.group(4)) / 1000.0));
        return sb.isEmpty() ? "(no intervals)" : sb.toString();
    }
}
