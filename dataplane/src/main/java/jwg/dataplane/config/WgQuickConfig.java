package jwg.dataplane.config;

import java.util.List;
import java.util.Objects;
import jwg.tun.ip.IpPrefix;

/**
 * A whole wg-quick file: the {@link DeviceConfig} that {@code wg setconf} takes (what
 * {@code wg-quick strip} leaves) plus the keys only wg-quick reads. {@code mtu} and
 * {@code table} are null when not given. Immutable.
 *
 * @param dns        DNS servers (the {@code DNS} entries that are IP addresses)
 * @param dnsSearch  DNS search domains (the other {@code DNS} entries), as wg-quick splits them
 * @param extensions jwg's own keys, written as {@code #! Key = Value} comment lines (see {@link Extension}),
 *                   the [Interface]'s first, then each peer's, each section's in file order
 */
public record WgQuickConfig(
        DeviceConfig device,
        List<IpPrefix> addresses,
        Integer mtu,
        List<String> dns,
        List<String> dnsSearch,
        String table,
        List<String> preUp,
        List<String> postUp,
        List<String> preDown,
        List<String> postDown,
        boolean saveConfig,
        List<Extension> extensions) {
    public WgQuickConfig {
        Objects.requireNonNull(device, "device");
        addresses = List.copyOf(addresses);
        dns = List.copyOf(dns);
        dnsSearch = List.copyOf(dnsSearch);
        preUp = List.copyOf(preUp);
        postUp = List.copyOf(postUp);
        preDown = List.copyOf(preDown);
        postDown = List.copyOf(postDown);
        // in section order ([Interface], then each peer), each section's in file order: as the writer
        // (ConfFile.format) groups them, so a file whose [Interface] returns after a [Peer] round-trips
        extensions = extensions.stream()
                .sorted(java.util.Comparator.comparingInt(Extension::peer))
                .toList();
        if (mtu != null && (mtu < ConfFile.MIN_MTU || mtu > ConfFile.MAX_MTU)) {
            throw new IllegalArgumentException(
                    "MTU must be " + ConfFile.MIN_MTU + ".." + ConfFile.MAX_MTU + ", got " + mtu);
        }
    }

    /** Only the wg part, no wg-quick extras. */
    public static WgQuickConfig of(DeviceConfig device) {
        return new WgQuickConfig(
                device, List.of(), null, List.of(), List.of(), null, List.of(), List.of(), List.of(), List.of(), false,
                List.of());
    }

    /** What {@code wg-quick strip} hands to {@code wg setconf}. */
    public DeviceConfig strip() {
        return device;
    }

    /**
     * A jwg extension key. Proposal: extension keys live in comment lines that start with
     * {@code #!}, e.g. {@code #! IceSignal = https://signal.example:443}, inside the section they
     * belong to. wg-quick and wg strip everything after '#', so a file with extensions still works
     * with plain wg-quick; jwg reads them. The parser collects them without interpreting them; the
     * ICE layer will define and validate its keys (and reject unknown ones) when it exists.
     *
     * @param peer the index of the peer in {@link DeviceConfig#peers()} whose section holds the key,
     *             or -1 for [Interface]
     * @param line the 1-based line it was read from (0: not read from a file), for the error that
     *             refuses its value
     */
    public record Extension(int peer, String key, String value, int line) {
        public Extension {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        /** Equal when section, key and value are: the line says where it was read, not what it is. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Extension e && e.peer == peer && e.key.equals(key) && e.value.equals(value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(peer, key, value);
        }

        /** An extension not read from a file (line 0). */
        public Extension(int peer, String key, String value) {
            this(peer, key, value, 0);
        }

        /** The error refusing this key's value, naming the file, the line and the key (a TURN password is never quoted). */
        public ConfigException error(String file, String why) {
            return new ConfigException(
                    file,
                    line,
                    "'#! " + key + " = " + (key.equalsIgnoreCase("IceTurn") ? "(redacted)" : value) + "': " + why);
        }

        /** Never shows a secret: an {@code IceTurn} value's password is redacted. */
        @Override
        public String toString() {
            return "Extension[peer=" + peer + ", key=" + key + ", value="
                    + (key.equalsIgnoreCase("IceTurn") ? redactTurn(value) : value) + ", line=" + line + "]";
        }

        private static String redactTurn(String v) {
            int at = v.lastIndexOf('@');
            int colon = at < 0 ? -1 : v.substring(0, at).indexOf(':');
            return colon < 0 ? "(redacted)" : v.substring(0, colon) + ":(redacted)" + v.substring(at);
        }
    }
}
