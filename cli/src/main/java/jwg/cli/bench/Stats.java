package jwg.cli.bench;

import java.util.Arrays;

/**
 * The spread of one quantity over a pair's rounds: median (the mean of the middle two for an even
 * count, as Python's {@code statistics.median}), minimum, maximum and how many values.
 */
record Stats(double median, double min, double max, int n) {

    static Stats of(double... values) {
        if (values.length == 0) return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
        return new Stats(median, v[0], v[v.length - 1], v.length);
    }

    /** min ÷ median: 1.0 when every round gave the same; lower means a noisier measurement. */
    double minOverMedian() {
        return median > 0 ? min / median : Double.NaN;
    }
}
