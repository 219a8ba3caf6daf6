package jwg.cli;

import java.util.Locale;
import jwg.noise.crypto.ChaCha20Poly1305;

/**
 * {@code jwg version}: the version, then which JDK runs it and which crypto and offload paths a
 * daemon started the same way would take (what a bug report needs first).
 */
final class Version {
    private Version() {}

    static String describe() {
        StringBuilder b = new StringBuilder();
        b.append("jwg ").append(Main.version()).append('\n');
        b.append("java: ")
                .append(System.getProperty("java.runtime.version", System.getProperty("java.version")))
                .append(" (")
                .append(System.getProperty("java.vendor", "?"))
                .append(", ")
                .append(System.getProperty("java.home", "?"))
                .append(")\n");
        b.append("vector API: ")
                .append(
                        ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                                ? "jdk.incubator.vector loaded"
                                : "not loaded (scalar fallbacks)")
                .append('\n');
        b.append("crypto: ").append(ChaCha20Poly1305.paths()).append('\n');
        b.append("offload: ").append(offload()).append('\n');
        b.append("cpu: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ")
                .append(System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT))
                .append('\n');
        return b.toString();
    }

    private static String offload() {
        try {
            return LinuxIo.offload()
                    ? "on: TUN TSO/USO with GRO on write, UDP GSO/GRO (each used if the kernel accepts it)"
                    : "off (JWG_OFFLOAD): one packet per TUN read/write and per datagram";
        } catch (IllegalArgumentException e) {
            return "invalid: " + e.getMessage();
        }
    }
}
