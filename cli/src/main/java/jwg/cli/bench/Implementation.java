package jwg.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One WireGuard implementation as wg-quick starts it ({@code WG_QUICK_USERSPACE_IMPLEMENTATION}):
 * the label shown in the results, the executable, and extra environment for it.
 *
 * <p>Spellings: {@code jwg} (this jar), {@code jwg-wN} (jwg with N crypto workers),
 * {@code jwg-nooff} (jwg with offloads off), {@code wireguard-go} (the one on PATH), {@code modern}
 * (/usr/local/bin/wireguard-go-modern), an absolute path to any wireguard-go binary, or
 * {@code LABEL=PATH}.
 */
record Implementation(String label, String executable, String shown, Map<String, String> env) {

    static final Path MODERN = Path.of("/usr/local/bin/wireguard-go-modern");

    /** A spelling the bench does not know, or an executable that is not there. */
    static final class Unknown extends Exception {
        final boolean usage;

        Unknown(String message, boolean usage) {
            super(message);
            this.usage = usage;
        }
    }

    /** This jar's jwg: the script wg-quick runs, and what the results call it (the jar). */
    record Self(Path launcher, String shown) {}

    /** Resolves a spelling. */
    static Implementation parse(String spec, Self jwg, List<String> path) throws Unknown {
        int eq = spec.indexOf('=');
        if (eq > 0) {
            String label = spec.substring(0, eq);
            Implementation i = parse(spec.substring(eq + 1), jwg, path);
            return new Implementation(label, i.executable, i.shown, i.env);
        }
        if (spec.equals("jwg")) return jwg(spec, jwg, "0", "on");
        if (spec.equals("jwg-nooff")) return jwg(spec, jwg, "0", "off");
        if (spec.matches("jwg-w[0-9]{1,3}")) return jwg(spec, jwg, spec.substring(5), "on");
        if (spec.equals("wireguard-go")) {
            for (String d : path) {
                Path p = Path.of(d.isEmpty() ? "." : d, "wireguard-go");
                if (Files.isExecutable(p)) return new Implementation(spec, p.toString(), p.toString(), Map.of());
            }
            throw new Unknown("wireguard-go is not installed (not on PATH)", false);
        }
        if (spec.equals("modern")) return binary(spec, MODERN);
        if (spec.startsWith("/") || spec.startsWith("./")) return binary(spec, Path.of(spec));
        throw new Unknown(
                "unknown implementation '" + spec
                        + "' (jwg, jwg-wN, jwg-nooff, wireguard-go, modern, /path/to/wireguard-go or LABEL=PATH)",
                true);
    }

    private static Implementation jwg(String label, Self jwg, String workers, String offload) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JWG_WORKERS", workers);
        env.put("JWG_OFFLOAD", offload);
        return new Implementation(label, jwg.launcher().toString(), jwg.shown(), env);
    }

    private static Implementation binary(String label, Path p) throws Unknown {
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) throw new Unknown("not an executable: " + p, false);
        return new Implementation(
                label, p.toAbsolutePath().toString(), p.toAbsolutePath().toString(), Map.of());
    }
}
