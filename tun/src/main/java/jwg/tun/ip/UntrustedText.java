package jwg.tun.ip;

/** Quoting untrusted text for error messages: bounded length, control and non-ASCII bytes escaped. */
public final class UntrustedText {
    private UntrustedText() {}

    static final int MAX_QUOTED = 80;

    /** {@code text} in single quotes, at most {@value #MAX_QUOTED} characters, non-printables as \xNN. */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_QUOTED) + 8).append('\'');
        int n = Math.min(text.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') sb.append(c);
            else if (c < 0x100) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(String.format("\\u%04x", (int) c));
        }
        if (text.length() > n) sb.append("...(").append(text.length()).append(" chars)");
        return sb.append('\'').toString();
    }
}
