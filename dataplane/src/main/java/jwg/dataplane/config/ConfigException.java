package jwg.dataplane.config;

/**
 * A configuration file that cannot be used. The message names the file, the line and the reason,
 * e.g. "wg0.conf line 7: AllowedIPs: '10.0.0.0/33': prefix length must be 0..32". Secrets
 * (private and preshared keys, TURN passwords) are never quoted. Public so the layers above
 * (the ICE keys of a .conf) report their errors the same way.
 */
public final class ConfigException extends Exception {
    private final String source;
    private final int line;

    public ConfigException(String source, int line, String reason) {
        super(source + (line > 0 ? " line " + line : "") + ": " + reason);
        this.source = source;
        this.line = line;
    }

    /** The file name the message names. */
    public String source() {
        return source;
    }

    /** The 1-based line number, or 0 if the problem is not on one line. */
    public int line() {
        return line;
    }
}
