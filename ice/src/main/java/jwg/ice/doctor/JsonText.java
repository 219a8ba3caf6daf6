package jwg.ice.doctor;

/** A minimal JSON writer for the doctor's report (strings, numbers, booleans, nesting). */
final class JsonText {
    private final StringBuilder b = new StringBuilder();
    private boolean first = true;

    JsonText open(char c) {
        if (!first) b.append(','); // an element after another in an array
        b.append(c);
        first = true;
        return this;
    }

    JsonText close(char c) {
        b.append(c);
        first = false;
        return this;
    }

    JsonText key(String k) {
        if (!first) b.append(',');
        quote(k);
        b.append(':');
        first = true;
        return this;
    }

    JsonText raw(String literal) {
        b.append(literal);
        first = false;
        return this;
    }

    JsonText field(String k, String v) {
        key(k);
        if (v == null) return raw("null");
        quote(v);
        first = false;
        return this;
    }

    JsonText field(String k, long v) {
        return key(k).raw(Long.toString(v));
    }

    JsonText field(String k, boolean v) {
        return key(k).raw(Boolean.toString(v));
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
