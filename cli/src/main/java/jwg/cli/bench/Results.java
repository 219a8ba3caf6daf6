package jwg.cli.bench;

import java.util.List;

/** Everything one {@code jwg bench} run measured, in the order the pairs were named. */
record Results(String version, Machine machine, Settings settings, List<Pair> pairs, List<Measurement> measurements) {

    List<Summary> summaries() {
        return pairs.stream()
                .map(p -> Summary.of(p, measurements))
                .filter(s -> !s.rounds().isEmpty())
                .toList();
    }
}
