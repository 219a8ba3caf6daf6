package jwg.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's {@code bin/jwg}, for tests that run the real command. */
public final class Launcher {
    private Launcher() {}

    /** bin/jwg, found upwards from the working directory (CI clones anywhere). */
    public static Path jwg() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path launcher = p.resolve("bin/jwg");
            if (Files.isExecutable(launcher) && Files.isRegularFile(p.resolve("pom.xml"))) return launcher;
        }
        throw new IllegalStateException("bin/jwg not found above " + Path.of("").toAbsolutePath());
    }
}
