package jwg.dataplane.config;

/** Package-local access to the shared quoting of untrusted text in messages. */
final class Texts {
    private Texts() {}

    static String quote(String s) {
        return jwg.dataplane.Texts.quote(s);
    }
}
