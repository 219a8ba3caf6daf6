package jwg.cli.metrics;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: per metric family a {@code # HELP}
 * and a {@code # TYPE} line, then its samples, each family once and its samples together. Names
 * are checked against the format's rules (metric {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label
 * {@code [a-zA-Z_][a-zA-Z0-9_]*}, no {@code __} prefix), counters must end in {@code _total},
 * label values and help texts are escaped, and a repeated family or series is refused — a
 * violation is a bug in the caller, so it throws rather than writing a bad page.
 */
public final class Exposition {
    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** The metric types jwg writes. */
    public enum Type {
        COUNTER,
        GAUGE;

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final StringBuilder out = new StringBuilder(8192);
    private final Set<String> families = new HashSet<>();
    private final Set<String> series = new HashSet<>();
    private String family;
    private Type type;

    /** Starts a family: its HELP and TYPE lines. */
    public Exposition family(String name, Type type, String help) {
        if (!METRIC_NAME.matcher(name).matches()) throw new IllegalArgumentException("metric name " + name);
        if (type == Type.COUNTER && !name.endsWith("_total"))
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        if (!families.add(name)) throw new IllegalStateException("metric family " + name + " written twice");
        family = name;
        this.type = type;
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type.text()).append('\n');
        return this;
    }

    /** A sample of the current family; {@code labels} alternate name and value. */
    public Exposition sample(long value, String... labels) {
        if (type == Type.COUNTER && value < 0)
            throw new IllegalArgumentException(family + ": a counter is never negative");
        start(labels);
        out.append(value).append('\n');
        return this;
    }

    /** A sample of the current family, a float ({@code NaN}, {@code +Inf}, {@code -Inf} allowed for gauges). */
    public Exposition sample(double value, String... labels) {
        if (type == Type.COUNTER && !(value >= 0))
            throw new IllegalArgumentException(family + ": a counter is never negative or NaN");
        start(labels);
        out.append(format(value)).append('\n');
        return this;
    }

    private void start(String[] labels) {
        if (family == null) throw new IllegalStateException("a sample before any family");
        if (labels.length % 2 != 0) throw new IllegalArgumentException("labels come in name, value pairs");
        int mark = out.length();
        out.append(family);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < labels.length; i += 2) {
            String n = labels[i];
            if (!LABEL_NAME.matcher(n).matches() || n.startsWith("__"))
                throw new IllegalArgumentException("label name " + n);
            if (!names.add(n)) throw new IllegalArgumentException("label " + n + " given twice");
            out.append(i == 0 ? '{' : ',').append(n).append("=\"");
            escape(labels[i + 1], true);
            out.append('"');
        }
        if (labels.length > 0) out.append('}');
        if (!series.add(out.substring(mark)))
            throw new IllegalStateException("series written twice: " + out.substring(mark));
        out.append(' ');
    }

    /** Backslash and newline escaped always; the double quote in label values too (not in HELP). */
    private void escape(String s, boolean labelValue) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(labelValue ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }

    static String format(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (v == Double.POSITIVE_INFINITY) return "+Inf";
        if (v == Double.NEGATIVE_INFINITY) return "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    /** The page so far. */
    public String text() {
        return out.toString();
    }
}
