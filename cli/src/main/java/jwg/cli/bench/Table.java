package jwg.cli.bench;

import java.util.List;
import java.util.Locale;

/** The text summary {@code jwg bench} prints: one row per pair, then the ratios against the first pair. */
final class Table {
    private Table() {}

    static String of(Results r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%-28s %14s %11s %11s %15s %9s %9s  %s%n",
                "pair",
                "median Gbit/s",
                "min/median",
                "max Gbit/s",
                "first-s median",
                "rtt ms",
                "cpu/Gbit",
                "(n)"));
        List<Summary> sums = r.summaries();
        for (Summary s : sums) {
            b.append(String.format(
                    Locale.ROOT,
                    "%-28s %14.3f %11.2f %11.3f %15.3f %9.3f %9.2f  (%d)%n",
                    s.pair().name(),
                    s.throughput().median(),
                    s.throughput().minOverMedian(),
                    s.throughput().max(),
                    s.first().median(),
                    s.rtt().median(),
                    s.cpuPerGbps().median(),
                    s.throughput().n()));
        }
        if (sums.size() > 1) {
            Summary base = sums.get(0);
            b.append("ratios of medians against ").append(base.pair().name()).append(":\n");
            for (Summary s : sums.subList(1, sums.size())) {
                b.append(String.format(
                        Locale.ROOT,
                        "  %-28s throughput x%.2f   rtt x%.2f%n",
                        s.pair().name(),
                        s.throughputRatio(base),
                        s.rttRatio(base)));
            }
        }
        Machine m = r.machine();
        b.append(String.format(
                Locale.ROOT,
                "machine: %s (%s), %d cores, load average at start %s%n",
                m.cpu(),
                m.avx512() ? "AVX-512" : "no AVX-512",
                m.cores(),
                m.loadAverage()));
        return b.toString();
    }

    /** One measured round, printed as it completes. */
    static String row(Measurement x, int freshSeconds) {
        return String.format(
                Locale.ROOT,
                "round %d  %-28s throughput %7.3f Gbit/s   first %ds %7.3f   rtt %6.3f ms   cpu %4.2f cores   %5.2f cores per Gbit/s",
                x.round(),
                x.pair(),
                x.gbps(),
                freshSeconds,
                x.firstGbps(),
                x.rttMillis(),
                x.cpuCores(),
                x.cpuPerGbps());
    }
}
