package jwg.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Preconditions of tests that need root or an external tool. Outside CI a missing
 * precondition skips the test with the stated reason; in CI (environment CI=true)
 * it fails it, because CI installs everything and nothing may silently skip there.
 */
public final class Requires {
    private Requires() {}

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (outside CI) or fails (in CI) unless {@code condition} holds. */
    public static void that(boolean condition, String reason) {
        if (condition) return;
        if (inCi()) Assertions.fail("required in CI: " + reason);
        Assumptions.assumeTrue(false, reason);
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public static void root() {
        that(isRoot(), "needs root (network namespaces, TUN)");
    }

    /** Finds {@code name} on PATH (or /usr/sbin, /sbin). */
    public static Path findTool(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    public static Path tool(String name) {
        Path p = findTool(name);
        that(p != null, "needs the tool '" + name + "' (.ci/run installs it)");
        return p;
    }
}
