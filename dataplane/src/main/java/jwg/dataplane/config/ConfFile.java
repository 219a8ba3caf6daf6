package jwg.dataplane.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import jwg.tun.ip.IpPrefix;
import jwg.tun.ip.IpText;
import jwg.tun.ip.UntrustedText;

/**
 * The WireGuard .conf format, read and written: the wg-quick file (with Address, DNS, MTU, …)
 * and the {@code wg setconf} subset. Reading follows wg and wg-quick: sections [Interface] and
 * [Peer], case-insensitive keys, '#' comments, whitespace ignored in wg's own values, repeated
 * AllowedIPs/Address/DNS lines accumulate, other repeated keys take the last value. Unlike wg it
 * refuses the same peer twice. A bad file is refused whole with the line and the reason; a
 * successful parse yields an immutable value, so nothing is ever half-applied.
 */
public final class ConfFile {
    private ConfFile() {}

    static final int MIN_MTU = 576;
    static final int MAX_MTU = 65535;
    /** Larger files are refused (a config with thousands of peers is well below this). */
    public static final int MAX_FILE_CHARS = 8 << 20;

    static final int MAX_LINE_CHARS = 1 << 20;

    private static final java.util.Set<String> WG_QUICK_KEYS =
            java.util.Set.of("address", "dns", "mtu", "table", "preup", "postup", "predown", "postdown", "saveconfig");

    // ------------------------------------------------------------------------------ reading

    /** Reads a wg-quick file (UTF-8, at most {@link #MAX_FILE_CHARS}); errors name the file's name. */
    public static WgQuickConfig read(Path file) throws IOException, ConfigException {
        String name = String.valueOf(file.getFileName());
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_CHARS + 1);
        }
        if (bytes.length > MAX_FILE_CHARS)
            throw new ConfigException(name, 0, "file is larger than " + (MAX_FILE_CHARS >> 20) + " MiB");
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(name, 0, "not a text file (invalid UTF-8)");
        }
        return parseWgQuick(name, text);
    }

    /** Parses a wg-quick file. {@code name} is used in error messages ("wg0.conf line 7: ..."). */
    public static WgQuickConfig parseWgQuick(String name, String text) throws ConfigException {
        return new Parser(name, true).parse(text);
    }

    /** Parses a file in the {@code wg setconf} form: wg-quick's own keys are refused, as wg does. */
    public static DeviceConfig parseSetconf(String name, String text) throws ConfigException {
        return new Parser(name, false).parse(text).device();
    }

    /**
     * {@code wg-quick strip}: the file's lines without wg-quick's own [Interface] keys (Address,
     * DNS, MTU, Table, Pre/PostUp, Pre/PostDown, SaveConfig); other lines, comments included, are
     * kept as written. Does not validate: parse the result with {@link #parseSetconf}.
     */
    public static String strip(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inInterface = false;
        for (String line : lines(text)) {
            String stripped = stripComment(line).strip();
            if (stripped.startsWith("[")) inInterface = squeeze(stripped).equalsIgnoreCase("[Interface]");
            int eq = stripped.indexOf('=');
            String key = (eq < 0 ? stripped : stripped.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            if (inInterface && eq >= 0 && WG_QUICK_KEYS.contains(key)) continue;
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(start, end);
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            out.add(line);
            start = end + 1;
        }
        return out;
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    /** The line without any whitespace, as wg's config reader sees it. */
    private static String squeeze(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != 0x0b && c != '\f') b.append(c);
        }
        return b.toString();
    }

    private static final class PeerDraft {
        final int line;
        PublicKey publicKey;
        PresharedKey presharedKey;
        PeerEndpoint endpoint;
        final List<IpPrefix> allowedIps = new ArrayList<>();
        int keepalive;

        PeerDraft(int line) {
            this.line = line;
        }
    }

    private static final class Parser {
        private final String name;
        private final boolean wgQuick;
        private int lineNo;
        private int section; // 0 none, 1 interface, 2 peer
        private PrivateKey privateKey;
        private int listenPort;
        private long fwmark;
        private final List<PeerDraft> peers = new ArrayList<>();
        private final List<IpPrefix> addresses = new ArrayList<>();
        private Integer mtu;
        private final List<String> dns = new ArrayList<>(), dnsSearch = new ArrayList<>();
        private String table;
        private final List<String> preUp = new ArrayList<>(),
                postUp = new ArrayList<>(),
                preDown = new ArrayList<>(),
                postDown = new ArrayList<>();
        private boolean saveConfig;
        private final List<WgQuickConfig.Extension> extensions = new ArrayList<>();

        Parser(String name, boolean wgQuick) {
            this.name = name;
            this.wgQuick = wgQuick;
        }

        ConfigException error(String reason) {
            return new ConfigException(name, lineNo, reason);
        }

        WgQuickConfig parse(String text) throws ConfigException {
            if (text.length() > MAX_FILE_CHARS)
                throw new ConfigException(name, 0, "file is larger than " + (MAX_FILE_CHARS >> 20) + " MiB");
            for (String line : lines(text)) {
                lineNo++;
                if (line.length() > MAX_LINE_CHARS)
                    throw error("line is longer than " + MAX_LINE_CHARS + " characters");
                line(line);
            }
            lineNo = 0;
            return finish();
        }

        private void line(String raw) throws ConfigException {
            String trimmed = raw.strip();
            if (trimmed.startsWith("#!")) {
                extension(trimmed.substring(2));
                return; // a comment either way
            }
            String line = stripComment(raw).strip();
            if (line.isEmpty()) return;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if ((c < 0x20 && c != '\t' && c != 0x0b && c != '\f') || c == 0x7f)
                    throw error("control character \\x" + String.format("%02x", (int) c) + " in line");
            }
            if (line.startsWith("[")) {
                header(squeeze(line));
                return;
            }
            int eq = line.indexOf('=');
            if (eq < 0) throw error("expected 'Key = Value' or a [Section], got " + UntrustedText.quote(line));
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (section == 0)
                throw error(UntrustedText.quote(key) + " is outside a section: begin with [Interface] or [Peer]");
            try {
                if (section == 1) interfaceKey(key, value);
                else peerKey(key, value);
            } catch (IllegalArgumentException e) {
                throw error(keyName(key) + ": " + e.getMessage());
            }
        }

        private static String keyName(String key) {
            return key.chars().allMatch(Character::isLetterOrDigit) && key.length() < 40
                    ? key
                    : UntrustedText.quote(key);
        }

        private void header(String h) throws ConfigException {
            if (h.equalsIgnoreCase("[Interface]")) {
                section = 1;
            } else if (h.equalsIgnoreCase("[Peer]")) {
                section = 2;
                peers.add(new PeerDraft(lineNo));
            } else {
                throw error("unknown section " + UntrustedText.quote(h) + ": expected [Interface] or [Peer]");
            }
        }

        /**
         * A {@code #!} line that reads {@code Key = Value} is one of jwg's keys; any other (such as
         * {@code #!/bin/sh} heading a file) is a comment, as it is to wg and wg-quick.
         */
        private void extension(String body) throws ConfigException {
            int eq = body.indexOf('=');
            String key = eq < 0 ? "" : body.substring(0, eq).strip();
            if (key.isEmpty()
                    || !key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                return;
            }
            if (section == 0) throw error("extension " + UntrustedText.quote(key) + " is outside a section");
            extensions.add(new WgQuickConfig.Extension(
                    section == 1 ? -1 : peers.size() - 1,
                    key,
                    body.substring(eq + 1).strip(),
                    lineNo));
        }

        private void interfaceKey(String key, String rawValue) throws ConfigException {
            String k = key.toLowerCase(Locale.ROOT);
            String value = squeeze(rawValue);
            if (WG_QUICK_KEYS.contains(k) && !wgQuick) {
                throw error(keyName(key) + " is a wg-quick key, not a wg setconf key (wg-quick strip removes it)");
            }
            switch (k) {
                case "privatekey" -> privateKey = PrivateKey.fromBase64(key(value));
                case "listenport" -> listenPort = port(value);
                case "fwmark" -> fwmark = fwmark(value);
                case "address" -> {
                    for (String a : list(rawValue)) addresses.add(IpPrefix.parse(a));
                }
                case "dns" -> {
                    for (String d : list(rawValue)) {
                        if (d.matches("[0-9.]+") || d.contains(":")) dns.add(IpText.format(IpText.parse(d)));
                        else if (PeerEndpoint.isHostName(d)) dnsSearch.add(d);
                        else
                            throw new IllegalArgumentException(
                                    UntrustedText.quote(d) + " is neither an IP address nor a search domain");
                    }
                }
                case "mtu" -> mtu = number(value, MIN_MTU, MAX_MTU);
                case "table" -> {
                    if (value.isEmpty()
                            || !value.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                        throw new IllegalArgumentException("must be off, auto, a table number or a table name");
                    }
                    table = value;
                }
                case "preup" -> preUp.add(rawValue);
                case "postup" -> postUp.add(rawValue);
                case "predown" -> preDown.add(rawValue);
                case "postdown" -> postDown.add(rawValue);
                case "saveconfig" -> saveConfig = bool(value);
                default ->
                    throw error(unknown(
                            key,
                            "[Interface]",
                            "PrivateKey, ListenPort, FwMark"
                                    + (wgQuick
                                            ? ", Address, DNS, MTU, Table, PreUp, PostUp, PreDown, PostDown, SaveConfig"
                                            : "")));
            }
        }

        private void peerKey(String key, String rawValue) throws ConfigException {
            PeerDraft p = peers.getLast();
            String value = squeeze(rawValue);
            switch (key.toLowerCase(Locale.ROOT)) {
                case "publickey" -> p.publicKey = PublicKey.fromBase64(key(value));
                case "presharedkey" -> p.presharedKey = PresharedKey.fromBase64(key(value));
                case "endpoint" -> {
                    if (value.isEmpty()) throw new IllegalArgumentException("empty endpoint");
                    p.endpoint = PeerEndpoint.parse(value);
                }
                case "allowedips" -> {
                    if (value.isEmpty()) return;
                    for (String s : value.split(",", -1)) {
                        if (s.startsWith("+") || s.startsWith("-")) {
                            throw new IllegalArgumentException(UntrustedText.quote(s)
                                    + ": '+'/'-' (incremental changes) belong to wg set, not to a file");
                        }
                        p.allowedIps.add(IpPrefix.parse(s).network());
                    }
                }
                case "persistentkeepalive" -> p.keepalive = value.equalsIgnoreCase("off") ? 0 : number(value, 0, 65535);
                default ->
                    throw error(unknown(
                            key, "[Peer]", "PublicKey, PresharedKey, AllowedIPs, Endpoint, PersistentKeepalive"));
            }
        }

        private String unknown(String key, String section, String known) {
            String where = WG_QUICK_KEYS.contains(key.toLowerCase(Locale.ROOT)) && section.equals("[Peer]")
                    ? " (it belongs in [Interface])"
                    : "";
            return "unknown key " + UntrustedText.quote(key) + " in " + section + where + "; known keys: " + known;
        }

        private WgQuickConfig finish() throws ConfigException {
            List<PeerConfig> out = new ArrayList<>(peers.size());
            Map<PublicKey, Integer> seen = new HashMap<>();
            for (PeerDraft d : peers) {
                if (d.publicKey == null) throw new ConfigException(name, d.line, "[Peer] has no PublicKey");
                Integer before = seen.putIfAbsent(d.publicKey, d.line);
                if (before != null)
                    throw new ConfigException(
                            name, d.line, "peer " + d.publicKey + " is already defined at line " + before);
                out.add(new PeerConfig(d.publicKey, d.presharedKey, d.endpoint, d.allowedIps, d.keepalive));
            }
            DeviceConfig device = new DeviceConfig(privateKey, listenPort, fwmark, out);
            return new WgQuickConfig(
                    device,
                    addresses,
                    mtu,
                    dns,
                    dnsSearch,
                    table,
                    preUp,
                    postUp,
                    preDown,
                    postDown,
                    saveConfig,
                    extensions);
        }
    }

    /** A base64 key must be exactly 44 characters ending in '=' (as wg); the value is never echoed. */
    private static String key(String value) {
        if (value.length() != 44 || value.charAt(43) != '=' || value.charAt(42) == '=') {
            throw new IllegalArgumentException("not a valid key: expected 44 base64 characters, as wg genkey prints");
        }
        try {
            java.util.Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid key: expected 44 base64 characters, as wg genkey prints");
        }
        return value;
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split("[,\\s]+")) if (!s.isEmpty()) out.add(s);
        return out;
    }

    private static int port(String value) {
        if (value.isEmpty()) throw new IllegalArgumentException("empty port");
        return number(value, 0, 65535);
    }

    private static int number(String value, int min, int max) {
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(UntrustedText.quote(value) + " is not a number " + min + ".." + max);
        }
        long v = Long.parseLong(value);
        if (v < min || v > max) throw new IllegalArgumentException(value + " is not in " + min + ".." + max);
        return (int) v;
    }

    /** "off", decimal, or 0x hex, at most 0xffffffff (wg's parse_fwmark). */
    private static long fwmark(String value) {
        if (value.equalsIgnoreCase("off")) return 0;
        boolean hex = value.length() > 2 && value.startsWith("0x");
        String digits = hex ? value.substring(2) : value;
        if (digits.isEmpty()
                || digits.length() > (hex ? 8 : 10)
                || !digits.chars().allMatch(c -> Character.digit(c, hex ? 16 : 10) >= 0)) {
            throw new IllegalArgumentException(UntrustedText.quote(value) + " is neither off nor 0..0xffffffff");
        }
        long v = Long.parseLong(digits, hex ? 16 : 10);
        if (v > 0xFFFF_FFFFL)
            throw new IllegalArgumentException(UntrustedText.quote(value) + " is neither off nor 0..0xffffffff");
        return v;
    }

    private static boolean bool(String value) {
        if (value.equalsIgnoreCase("true")) return true;
        if (value.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException(UntrustedText.quote(value) + " is neither true nor false");
    }

    // ------------------------------------------------------------------------------ writing

    /**
     * The wg part in {@code wg showconf} form. Secrets (PrivateKey, PresharedKey) are written only
     * if {@code includeSecrets}; without them the text is fit for display, not for reloading.
     */
    public static String format(DeviceConfig c, boolean includeSecrets) {
        return format(WgQuickConfig.of(c), includeSecrets);
    }

    /** The whole wg-quick file; see {@link #format(DeviceConfig, boolean)} for {@code includeSecrets}. */
    public static String format(WgQuickConfig q, boolean includeSecrets) {
        DeviceConfig c = q.device();
        StringBuilder b = new StringBuilder(256 + 256 * c.peers().size());
        b.append("[Interface]\n");
        if (!q.addresses().isEmpty()) kv(b, "Address", join(q.addresses()));
        if (c.listenPort() != 0) kv(b, "ListenPort", Integer.toString(c.listenPort()));
        if (c.fwmark() != 0) kv(b, "FwMark", "0x" + Long.toHexString(c.fwmark()));
        if (includeSecrets && c.privateKey() != null)
            kv(b, "PrivateKey", c.privateKey().toBase64());
        if (q.mtu() != null) kv(b, "MTU", q.mtu().toString());
        if (!q.dns().isEmpty() || !q.dnsSearch().isEmpty()) {
            List<String> all = new ArrayList<>(q.dns());
            all.addAll(q.dnsSearch());
            kv(b, "DNS", String.join(", ", all));
        }
        if (q.table() != null) kv(b, "Table", q.table());
        q.preUp().forEach(v -> kv(b, "PreUp", v));
        q.postUp().forEach(v -> kv(b, "PostUp", v));
        q.preDown().forEach(v -> kv(b, "PreDown", v));
        q.postDown().forEach(v -> kv(b, "PostDown", v));
        if (q.saveConfig()) kv(b, "SaveConfig", "true");
        extensions(b, q, -1);
        for (int i = 0; i < c.peers().size(); i++) {
            PeerConfig p = c.peers().get(i);
            b.append("\n[Peer]\n");
            kv(b, "PublicKey", p.publicKey().toBase64());
            if (includeSecrets && p.presharedKey() != null)
                kv(b, "PresharedKey", p.presharedKey().toBase64());
            if (!p.allowedIps().isEmpty()) kv(b, "AllowedIPs", join(p.allowedIps()));
            if (p.endpoint() != null) kv(b, "Endpoint", p.endpoint().toString());
            if (p.persistentKeepalive() != 0) kv(b, "PersistentKeepalive", Integer.toString(p.persistentKeepalive()));
            extensions(b, q, i);
        }
        return b.toString();
    }

    private static void extensions(StringBuilder b, WgQuickConfig q, int peer) {
        for (WgQuickConfig.Extension e : q.extensions()) {
            if (e.peer() == peer)
                b.append("#! ").append(e.key()).append(" = ").append(e.value()).append('\n');
        }
    }

    private static void kv(StringBuilder b, String key, String value) {
        b.append(key).append(" = ").append(value).append('\n');
    }

    private static String join(List<?> items) {
        StringBuilder s = new StringBuilder();
        for (Object o : items) {
            if (!s.isEmpty()) s.append(", ");
            s.append(o);
        }
        return s.toString();
    }
}
