package jwg.ice;

import java.util.List;

/** A small JSON writer for the status and doctor output (no dependency for a few dozen fields). */
public final class JsonWriter {
    private final StringBuilder b = new StringBuilder();
    private boolean first = true;

    public JsonWriter open(char c) {
        if (!first) b.append(','); // the next element of an array
        b.append(c);
        first = true;
        return this;
    }

    public JsonWriter close(char c) {
        b.append(c);
        first = false;
        return this;
    }

    public JsonWriter key(String k) {
        comma();
        quote(k);
        b.append(':');
        first = true;
        return this;
    }

    private void comma() {
        if (!first) b.append(',');
        first = false;
    }

    public JsonWriter field(String k, String v) {
        key(k);
        first = false;
        if (v == null) b.append("null");
        else quote(v);
        return this;
    }

    public JsonWriter field(String k, long v) {
        key(k);
        first = false;
        b.append(v);
        return this;
    }

    public JsonWriter field(String k, double v) {
        key(k);
        first = false;
        b.append(Double.isFinite(v) ? Double.toString(Math.round(v * 1000) / 1000.0) : "null");
        return this;
    }

    public JsonWriter field(String k, boolean v) {
        key(k);
        first = false;
        b.append(v);
        return this;
    }

    /** A literal value (e.g. null) after a {@link #key}. */
    public JsonWriter raw(String literal) {
        b.append(literal);
        first = false;
        return this;
    }

    public JsonWriter strings(String k, List<String> vs) {
        key(k);
        b.append('[');
        for (int i = 0; i < vs.size(); i++) {
            if (i > 0) b.append(',');
            quote(vs.get(i));
        }
        b.append(']');
        first = false;
        return this;
    }

    private void quote(String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
