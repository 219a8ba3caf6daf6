package jwg.cli.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The {@code --svg FILE} chart: a plain SVG 1.1 document with two panels, median TCP throughput
 * and median ping RTT per pair, each a bar with a min–max whisker over the rounds, on axes with
 * ticks. Written directly (no plotting tool); every bar carries a {@code <title>} with its figures.
 */
final class BenchSvg {
    private BenchSvg() {}

    static final int WIDTH = 760;
    private static final int LEFT = 70, RIGHT = 20, TOP = 50, PANEL = 250, PLOT = 180, GAP = 20;
    private static final String[] COLORS = {
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"
    };

    static String of(Results r) {
        List<Summary> sums = r.summaries();
        int height = TOP + 2 * PANEL + GAP + 40;
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH,
                height,
                WIDTH,
                height));
        b.append("<title>jwg bench ").append(esc(r.version())).append("</title>\n");
        b.append(String.format(
                Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
        Settings s = r.settings();
        b.append(String.format(
                Locale.ROOT,
                "<text class=\"heading\" x=\"%d\" y=\"20\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT,
                esc("jwg bench " + r.version())));
        b.append(String.format(
                Locale.ROOT,
                "<text class=\"subheading\" x=\"%d\" y=\"38\" font-size=\"11\" fill=\"#555555\">%s</text>%n",
                LEFT,
                esc(
                        "%d round%s of %d s iperf3 TCP and %d pings per pair; bars: median, whiskers: min–max over the rounds"
                                .formatted(s.rounds(), s.rounds() == 1 ? "" : "s", s.seconds(), s.pings()))));
        panel(b, "throughput", "TCP throughput (Gbit/s, higher is better)", TOP, sums, Summary::throughput);
        panel(b, "rtt", "Ping RTT through the tunnel (ms, lower is better)", TOP + PANEL + GAP, sums, Summary::rtt);
        Machine m = r.machine();
        b.append(String.format(
                Locale.ROOT,
                "<text class=\"footer\" x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555555\">%s</text>%n",
                LEFT,
                height - 12,
                esc("%s (%s), %d cores, load average at start %s"
                        .formatted(m.cpu(), m.avx512() ? "AVX-512" : "no AVX-512", m.cores(), m.loadAverage()))));
        b.append("</svg>\n");
        return b.toString();
    }

    private static void panel(
            StringBuilder b, String id, String title, int top, List<Summary> sums, Function<Summary, Stats> quantity) {
        int plotW = WIDTH - LEFT - RIGHT;
        int y0 = top + 30, yBase = y0 + PLOT; // plot area from y0 (top) to yBase (the x axis)
        double max = 0;
        for (Summary s : sums) {
            Stats st = quantity.apply(s);
            if (Double.isFinite(st.max())) max = Math.max(max, st.max());
        }
        double step = niceStep(max > 0 ? max / 5 : 0.2);
        double top_ = Math.max(step, Math.ceil(max * 1.05 / step) * step);
        b.append("<g class=\"panel\" id=\"").append(id).append("\">\n");
        b.append(String.format(
                Locale.ROOT,
                "<text class=\"panel-title\" x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
                LEFT,
                top + 15,
                esc(title)));
        b.append("<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">\n");
        b.append(line("axis", LEFT, y0, LEFT, yBase));
        b.append(line("axis", LEFT, yBase, LEFT + plotW, yBase));
        b.append("</g>\n");
        for (double v = 0; v <= top_ + step / 2; v += step) {
            double y = yBase - v / top_ * PLOT;
            b.append(line("grid", LEFT, y, LEFT + plotW, y).replace("/>", " stroke=\"#dddddd\"/>"));
            b.append(String.format(
                    Locale.ROOT,
                    "<text class=\"tick-label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%s</text>%n",
                    LEFT - 6,
                    y + 4,
                    fmtTick(v, step)));
        }
        int n = Math.max(1, sums.size());
        double slot = (double) plotW / n, barW = Math.min(90, slot * 0.55);
        for (int i = 0; i < sums.size(); i++) {
            Summary s = sums.get(i);
            Stats st = quantity.apply(s);
            double cx = LEFT + slot * (i + 0.5);
            double med = Double.isFinite(st.median()) ? st.median() : 0;
            double yMed = yBase - med / top_ * PLOT;
            String name = s.pair().name();
            b.append("<g class=\"pair\">\n");
            b.append(String.format(
                    Locale.ROOT,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                            + "<title>%s</title></rect>%n",
                    cx - barW / 2,
                    yMed,
                    barW,
                    yBase - yMed,
                    COLORS[i % COLORS.length],
                    esc("%s: median %s, min %s, max %s, %d round%s"
                            .formatted(
                                    name,
                                    fmt(st.median()),
                                    fmt(st.min()),
                                    fmt(st.max()),
                                    st.n(),
                                    st.n() == 1 ? "" : "s"))));
            double yMin = yBase - (Double.isFinite(st.min()) ? st.min() : med) / top_ * PLOT;
            double yMax = yBase - (Double.isFinite(st.max()) ? st.max() : med) / top_ * PLOT;
            double cap = barW / 4;
            b.append("<g class=\"whisker\" stroke=\"#000000\" stroke-width=\"1.5\">\n");
            b.append(line("range", cx, yMin, cx, yMax));
            b.append(line("min", cx - cap, yMin, cx + cap, yMin));
            b.append(line("max", cx - cap, yMax, cx + cap, yMax));
            b.append("</g>\n");
            b.append(String.format(
                    Locale.ROOT,
                    "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%s</text>%n",
                    cx,
                    Math.min(yMed, yMax) - 5,
                    esc(fmt(st.median()))));
            b.append(String.format(
                    Locale.ROOT,
                    "<text class=\"label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>%n",
                    cx,
                    yBase + 16,
                    esc(name)));
            b.append("</g>\n");
        }
        b.append("</g>\n");
    }

    private static String line(String cls, double x1, double y1, double x2, double y2) {
        return String.format(
                Locale.ROOT,
                "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>%n",
                cls,
                x1,
                y1,
                x2,
                y2);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) if (m * p >= raw * 0.999) return m * p;
        return 10 * p;
    }

    private static String fmtTick(double v, double step) {
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Three significant digits, never an exponent: 1.94, 0.128, 43.6. */
    static String fmt(double v) {
        if (!Double.isFinite(v)) return "n/a";
        if (v == 0) return "0";
        return new java.math.BigDecimal(v)
                .round(new java.math.MathContext(3))
                .stripTrailingZeros()
                .toPlainString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
