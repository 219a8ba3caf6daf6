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
 * The habits that keep the repository readable (docs/architecture.md), checked on every build over
 * the whole source tree: every main package says what it is for in a package-info.java, no main
 * source file grows past {@link #MAX_LINES} lines, every document a comment or a page cites
 * exists, and nothing refers to files outside the repository (a public clone must build and pass
 * alone).
 */
class RepositoryHabitsTest {
    static final int MAX_LINES = 650; // the longest today: testkit NatLab (619), X25519 (530)

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("pom.xml").resolveSibling("README.md"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "repository root (README.md beside pom.xml) not found");
        return dir;
    }

    private static List<Path> files(Path root, String glob) {
        var matcher = root.getFileSystem().getPathMatcher("glob:" + glob);
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p ->
                            !p.toString().contains("/.git/") && !p.toString().contains("/target/"))
                    .filter(p -> matcher.matches(root.relativize(p)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyMainPackageHasAPackageInfo() {
        Path root = root();
        List<String> missing = new ArrayList<>();
        files(root, "*/src/main/java/**.java").stream()
                .map(Path::getParent)
                .distinct()
                .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
                .forEach(dir -> missing.add(root.relativize(dir).toString()));
        assertEquals(List.of(), missing, "packages without a package-info.java");
    }

    @Test
    void noMainSourceFileIsOverTheLimit() throws IOException {
        Path root = root();
        List<String> long_ = new ArrayList<>();
        for (Path f : files(root, "*/src/main/java/**.java")) {
            long lines;
            try (Stream<String> s = Files.lines(f)) {
                lines = s.count();
            }
            if (lines > MAX_LINES) long_.add(root.relativize(f) + " (" + lines + " lines)");
        }
        assertEquals(List.of(), long_, "files over " + MAX_LINES + " lines: split them by idea");
    }

    @Test
    void everyDocumentThatIsCitedExists() throws IOException {
        Path root = root();
        List<String> broken = new ArrayList<>();
        var cited = java.util.regex.Pattern.compile("docs/[A-Za-z0-9_.-]+\\.md");
        for (Path f : files(root, "**.java")) {
            var m = cited.matcher(Files.readString(f));
            while (m.find()) {
                if (!Files.exists(root.resolve(m.group()))) broken.add(root.relativize(f) + " cites " + m.group());
            }
        }
        var link = java.util.regex.Pattern.compile("\\]\\(([^)#:]+\\.md)(#[^)]*)?\\)");
        for (Path f : files(root, "**.md")) {
            var m = link.matcher(Files.readString(f));
            while (m.find()) {
                if (!Files.exists(f.resolveSibling(m.group(1))))
                    broken.add(root.relativize(f) + " links " + m.group(1));
            }
        }
        assertEquals(List.of(), broken, "citations of documents that do not exist");
    }

    @Test
    void nothingReachesOutsideTheRepository() throws IOException {
        Path root = root();
        String needle = "../" + "shared";
        List<String> hits = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        for (String glob : List.of("**.java", "**.md", "**.sh", "**.xml", "bin/*", ".ci/*")) {
            candidates.addAll(files(root, glob));
        }
        for (Path f : candidates.stream().distinct().toList()) {
            if (!Files.isRegularFile(f)) continue;
            String text = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (text.contains(needle)) hits.add(root.relativize(f).toString());
        }
        assertEquals(List.of(), hits, "files that refer to " + needle);
    }
}
