package jwg.cli.bench;

import java.util.List;
import java.util.Map;

/** Results as a bench run would produce them, without running one. */
final class Fixtures {
    private Fixtures() {}

    static Implementation impl(String label) {
        return new Implementation(label, "/usr/bin/" + label, "/usr/bin/" + label, Map.of());
    }

    static Pair pair(String a, String b) {
        return new Pair(a + ":" + b, impl(a), impl(b));
    }

    /** Two pairs, three rounds each; the second pair is twice as fast with half the RTT. */
    static Results twoPairs() {
        Pair slow = pair("wireguard-go", "wireguard-go"), fast = pair("jwg", "jwg");
        List<Measurement> ms = List.of(
                new Measurement(slow.name(), 1, 1.0, 0.5, 0.40, 1.5),
                new Measurement(fast.name(), 1, 2.0, 1.0, 0.20, 1.6),
                new Measurement(fast.name(), 2, 1.8, 0.9, 0.25, 1.5),
                new Measurement(slow.name(), 2, 0.9, 0.4, 0.50, 1.4),
                new Measurement(slow.name(), 3, 1.1, 0.6, 0.30, 1.5),
                new Measurement(fast.name(), 3, 2.2, 1.1, 0.15, 1.7));
        return new Results(
                "1.2.3",
                new Machine("Test CPU <x> & co", true, 2, "0.10 0.20 0.30"),
                new Settings(10, 50, 5, 5, 3),
                List.of(slow, fast),
                ms);
    }
}
