package jwg.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the host offers, checked before trying (for clear messages instead of failures). */
final class Requirements {
    private Requirements() {}

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    /** Null if the rootless mode can work here, else what is missing. */
    static String rootlessProblem() {
        if (!onPath("unshare") || !onPath("nsenter")) return "the util-linux tools unshare and nsenter";
        if (!Files.exists(Path.of("/dev/net/tun"))) return "/dev/net/tun";
        try {
            Path max = Path.of("/proc/sys/user/max_user_namespaces");
            if (Files.exists(max) && Files.readString(max).strip().equals("0"))
                return "unprivileged user namespaces (user.max_user_namespaces is 0)";
        } catch (java.io.IOException ignored) {
            // unknown: let it try
        }
        return null;
    }
}
