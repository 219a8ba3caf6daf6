package jwg.cli.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, written from the format's
 * specification (prometheus.io, "Exposition formats"), for checking what the endpoint serves.
 * It refuses what the spec forbids and what Prometheus' own parser refuses: a bad metric or
 * label name, a label name starting with {@code __} or given twice, a label value with an escape
 * other than {@code \\ \" \n} or unterminated, a value that is not a Go float ({@code NaN},
 * {@code +Inf}, {@code -Inf} included), a HELP or TYPE repeated for a family or coming after its
 * first sample, an unknown TYPE, a family's samples not together, the same series twice, a
 * missing final newline. Stricter than the spec where jwg promises more: every sample belongs to
 * a family with a TYPE (no untyped samples), a counter's samples end in {@code _total} and are
 * finite and not negative, no timestamps, no trailing comma in a label set, no empty lines.
 */
final class ExpositionParser {
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT =
            Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]?Inf|NaN");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample. */
    record Sample(String name, Map<String, String> labels, double value) {}

    /** One family: its type, help and samples in order. */
    record Family(String name, String type, String help, List<Sample> samples) {}

    static final class ParseException extends Exception {
        ParseException(int line, String why, String text) {
            super("line " + line + ": " + why + ": " + text);
        }
    }

    private ExpositionParser() {}

    /** The families in page order, keyed by name. */
    static Map<String, Family> parse(String page) throws ParseException {
        if (!page.isEmpty() && !page.endsWith("\n"))
            throw new ParseException(0, "the page does not end with a newline", "");
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> help = new HashMap<>(), type = new HashMap<>();
        Set<String> sampled = new HashSet<>(), closed = new HashSet<>(), series = new HashSet<>();
        String current = null;
        String[] lines = page.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String l = lines[i];
            int n = i + 1;
            if (l.isEmpty()) throw new ParseException(n, "empty line", l);
            if (l.startsWith("#")) {
                String[] t = l.split(" ", 4);
                boolean isHelp = t.length >= 3 && t[0].equals("#") && t[1].equals("HELP");
                boolean isType = t.length >= 3 && t[0].equals("#") && t[1].equals("TYPE");
                if (!isHelp && !isType) continue; // a plain comment
                String name = t[2];
                if (!METRIC.matcher(name).matches()) throw new ParseException(n, "bad metric name", l);
                if (sampled.contains(name)) throw new ParseException(n, "HELP or TYPE after the family's samples", l);
                if (isHelp) {
                    if (help.containsKey(name)) throw new ParseException(n, "second HELP", l);
                    String doc = t.length == 4 ? t[3] : "";
                    help.put(name, unescape(doc, false, n, l));
                } else {
                    if (type.containsKey(name)) throw new ParseException(n, "second TYPE", l);
                    if (t.length != 4 || !TYPES.contains(t[3])) throw new ParseException(n, "unknown TYPE", l);
                    type.put(name, t[3]);
                }
                if (current != null && !current.equals(name)) closed.add(current);
                if (closed.contains(name)) throw new ParseException(n, "family split up", l);
                current = name;
                families.computeIfAbsent(name, k -> new Family(k, null, null, new ArrayList<>()));
                continue;
            }
            Sample s = sample(l, n);
            String fam = familyOf(s.name(), type);
            if (fam == null) throw new ParseException(n, "sample without a TYPE'd family", l);
            if (current != null && !current.equals(fam)) closed.add(current);
            if (closed.contains(fam)) throw new ParseException(n, "family's samples not together", l);
            current = fam;
            String t = type.get(fam);
            if (t.equals("counter")) {
                if (!s.name().endsWith("_total")) throw new ParseException(n, "counter sample not ending in _total", l);
                if (!(s.value() >= 0) || Double.isInfinite(s.value()))
                    throw new ParseException(n, "counter negative, NaN or infinite", l);
            }
            if (!series.add(s.name() + new java.util.TreeMap<>(s.labels())))
                throw new ParseException(n, "duplicate series", l);
            sampled.add(fam);
            families.get(fam).samples().add(s);
        }
        Map<String, Family> out = new LinkedHashMap<>();
        for (Family f : families.values()) {
            if (!type.containsKey(f.name())) throw new ParseException(0, "family without TYPE", f.name());
            out.put(f.name(), new Family(f.name(), type.get(f.name()), help.get(f.name()), List.copyOf(f.samples())));
        }
        return out;
    }

    /** The family a sample belongs to: its own name, or for histograms and summaries the name without the suffix. */
    private static String familyOf(String name, Map<String, String> type) {
        if (type.containsKey(name)) return name;
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String t = type.get(base);
                if ("histogram".equals(t) || "summary".equals(t) && !suffix.equals("_bucket")) return base;
            }
        }
        return null;
    }

    private static Sample sample(String l, int n) throws ParseException {
        int i = 0;
        while (i < l.length() && l.charAt(i) != '{' && l.charAt(i) != ' ') i++;
        String name = l.substring(0, i);
        if (!METRIC.matcher(name).matches()) throw new ParseException(n, "bad metric name", l);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < l.length() && l.charAt(i) == '{') {
            i++;
            if (i < l.length() && l.charAt(i) == '}') {
                i++;
            } else {
                while (true) {
                    int eq = l.indexOf('=', i);
                    if (eq < 0) throw new ParseException(n, "label without =", l);
                    String ln = l.substring(i, eq);
                    if (!LABEL.matcher(ln).matches()) throw new ParseException(n, "bad label name '" + ln + "'", l);
                    if (ln.startsWith("__")) throw new ParseException(n, "reserved label name", l);
                    i = eq + 1;
                    if (i >= l.length() || l.charAt(i) != '"') throw new ParseException(n, "label value not quoted", l);
                    i++;
                    StringBuilder v = new StringBuilder();
                    boolean end = false;
                    while (i < l.length()) {
                        char c = l.charAt(i++);
                        if (c == '"') {
                            end = true;
                            break;
                        }
                        if (c == '\\') {
                            if (i >= l.length()) break;
                            char e = l.charAt(i++);
                            switch (e) {
                                case '\\' -> v.append('\\');
                                case '"' -> v.append('"');
                                case 'n' -> v.append('\n');
                                default -> throw new ParseException(n, "bad escape \\" + e, l);
                            }
                        } else {
                            v.append(c);
                        }
                    }
                    if (!end) throw new ParseException(n, "unterminated label value", l);
                    if (labels.put(ln, v.toString()) != null) throw new ParseException(n, "label given twice", l);
                    if (i >= l.length()) throw new ParseException(n, "unterminated label set", l);
                    char c = l.charAt(i++);
                    if (c == '}') break;
                    if (c != ',') throw new ParseException(n, "expected , or }", l);
                    if (i < l.length() && l.charAt(i) == '}') throw new ParseException(n, "trailing comma", l);
                }
            }
        }
        if (i >= l.length() || l.charAt(i) != ' ')
            throw new ParseException(n, "expected one space before the value", l);
        String rest = l.substring(i + 1);
        if (rest.contains(" ")) throw new ParseException(n, "a timestamp or extra field", l);
        if (!FLOAT.matcher(rest).matches()) throw new ParseException(n, "value is not a float", l);
        double value = rest.endsWith("Inf")
                ? (rest.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                : rest.equals("NaN") ? Double.NaN : Double.parseDouble(rest);
        return new Sample(name, labels, value);
    }

    /** HELP text: only {@code \\} and {@code \n} are escapes. */
    private static String unescape(String s, boolean label, int n, String l) throws ParseException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i >= s.length()) throw new ParseException(n, "dangling backslash", l);
            char e = s.charAt(i);
            if (e == '\\') b.append('\\');
            else if (e == 'n') b.append('\n');
            else if (label && e == '"') b.append('"');
            else throw new ParseException(n, "bad escape \\" + e, l);
        }
        return b.toString();
    }

    /** The value of the one sample of {@code family} whose labels include {@code labels} (pairs); fails if none or several. */
    static double value(Map<String, Family> page, String family, String... labels) {
        Family f = page.get(family);
        if (f == null) throw new AssertionError("no family " + family + " in " + page.keySet());
        List<Sample> m = new ArrayList<>();
        outer:
        for (Sample s : f.samples()) {
            for (int i = 0; i < labels.length; i += 2)
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) continue outer;
            m.add(s);
        }
        if (m.size() != 1)
            throw new AssertionError(
                    m.size() + " samples of " + family + " with " + List.of(labels) + ": " + f.samples());
        return m.get(0).value();
    }
}
