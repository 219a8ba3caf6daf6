package jwg.cli.bench;

import java.util.List;
import java.util.Map;
import jwg.ice.JsonWriter;

/**
 * The {@code --json FILE} form: the machine and settings, then per pair the implementations, the
 * statistics of each quantity (median, min, max, min ÷ median), the ratios of medians against the
 * first pair, and every round's raw measurement.
 */
final class BenchJson {
    private BenchJson() {}

    static String of(Results r) {
        JsonWriter j = new JsonWriter();
        j.open('{');
        j.field("tool", "jwg bench").field("version", r.version());
        Machine m = r.machine();
        j.key("machine")
                .open('{')
                .field("cpu", m.cpu())
                .field("avx512", m.avx512())
                .field("cores", m.cores())
                .field("loadAverage", m.loadAverage())
                .close('}');
        Settings s = r.settings();
        j.key("settings")
                .open('{')
                .field("seconds", s.seconds())
                .field("pings", s.pings())
                .field("warmupSeconds", s.warmupSeconds())
                .field("freshSeconds", s.freshSeconds())
                .field("rounds", s.rounds())
                .close('}');
        List<Summary> sums = r.summaries();
        Summary base = sums.isEmpty() ? null : sums.get(0);
        j.key("pairs").open('[');
        for (Summary p : sums) {
            j.open('{');
            j.field("pair", p.pair().name());
            implementation(j, "sender", p.pair().sender());
            implementation(j, "receiver", p.pair().receiver());
            stats(j, "throughputGbps", p.throughput());
            stats(j, "firstGbps", p.first());
            stats(j, "rttMillis", p.rtt());
            stats(j, "cpuCoresPerGbps", p.cpuPerGbps());
            j.key("ratiosToFirstPair")
                    .open('{')
                    .field("against", base.pair().name())
                    .field("throughput", p.throughputRatio(base))
                    .field("rtt", p.rttRatio(base))
                    .close('}');
            j.key("rounds").open('[');
            for (Measurement x : p.rounds()) {
                j.open('{')
                        .field("round", x.round())
                        .field("gbps", x.gbps())
                        .field("firstGbps", x.firstGbps())
                        .field("rttMillis", x.rttMillis())
                        .field("cpuCores", x.cpuCores())
                        .field("cpuCoresPerGbps", x.cpuPerGbps())
                        .close('}');
            }
            j.close(']');
            j.close('}');
        }
        j.close(']');
        j.close('}');
        return j.toString();
    }

    private static void implementation(JsonWriter j, String key, Implementation i) {
        j.key(key).open('{').field("label", i.label()).field("executable", i.shown());
        j.key("env").open('{');
        for (Map.Entry<String, String> e : i.env().entrySet()) j.field(e.getKey(), e.getValue());
        j.close('}').close('}');
    }

    private static void stats(JsonWriter j, String key, Stats s) {
        j.key(key)
                .open('{')
                .field("median", s.median())
                .field("min", s.min())
                .field("max", s.max())
                .field("minOverMedian", s.minOverMedian())
                .field("n", s.n())
                .close('}');
    }
}
