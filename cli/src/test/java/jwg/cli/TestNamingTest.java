package jwg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Unit tests run anywhere: a test class that needs root, a network namespace or a real TUN is an
 * integration test ({@code *IT}, failsafe, {@code mvn verify}), never a {@code *Test} (surefire,
 * {@code mvn test}), so that {@code mvn test} as an ordinary user runs only tests that can pass.
 * Checked over every module's src/test by the marks such a test leaves in its source.
 */
class TestNamingTest {
    /** What a test that needs root or namespaces calls (testkit's Requires, Netns, NatLab; jwg.sys.NetNs; real TUNs; the cli labs). */
    static final List<String> NEEDS_ROOT = List.of(
            "Requires.root()",
            "Netns.",
            "new Netns(",
            "NatLab.",
            "new NatLab(",
            "NetNs.run(",
            "LinuxTun.open(",
            "LinuxTun.create(",
            "\"netns\"",
            "Lab.start(",
            "IceNode.");

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("pom.xml").resolveSibling("README.md"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "repository root (README.md beside pom.xml) not found");
        return dir;
    }

    @Test
    void testsThatNeedRootOrNamespacesAreIntegrationTests() throws IOException {
        Path root = root();
        var unitTests = root.getFileSystem().getPathMatcher("glob:*/src/test/java/**Test.java");
        List<String> misnamed = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(p ->
                            !p.toString().contains("/.git/") && !p.toString().contains("/target/"))
                    .filter(p -> unitTests.matches(root.relativize(p)))
                    .toList()) {
                if (f.getFileName().toString().equals("TestNamingTest.java")) continue;
                checked++;
                String text = Files.readString(f);
                for (String mark : NEEDS_ROOT) {
                    if (text.contains(mark)) misnamed.add(root.relativize(f) + " (" + mark + ")");
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        assertTrue(checked > 50, "found the unit tests: " + checked);
        assertEquals(List.of(), misnamed, "unit tests (*Test) that need root or namespaces: rename them *IT");
    }
}
