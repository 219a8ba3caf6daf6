package jwg.cli.bench;

import java.util.List;

/** One pair over all its rounds. */
record Summary(Pair pair, Stats throughput, Stats first, Stats rtt, Stats cpuPerGbps, List<Measurement> rounds) {

    static Summary of(Pair pair, List<Measurement> all) {
        List<Measurement> mine =
                all.stream().filter(m -> m.pair().equals(pair.name())).toList();
        return new Summary(
                pair,
                Stats.of(mine.stream().mapToDouble(Measurement::gbps).toArray()),
                Stats.of(mine.stream().mapToDouble(Measurement::firstGbps).toArray()),
                Stats.of(mine.stream().mapToDouble(Measurement::rttMillis).toArray()),
                Stats.of(mine.stream().mapToDouble(Measurement::cpuPerGbps).toArray()),
                mine);
    }

    /** This pair's median throughput ÷ {@code base}'s (NaN if either has none). */
    double throughputRatio(Summary base) {
        return ratio(throughput.median(), base.throughput.median());
    }

    /** This pair's median RTT ÷ {@code base}'s. */
    double rttRatio(Summary base) {
        return ratio(rtt.median(), base.rtt.median());
    }

    private static double ratio(double a, double b) {
        return b > 0 && Double.isFinite(a) ? a / b : Double.NaN;
    }
}
