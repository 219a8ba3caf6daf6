package jwg.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a package's sources name, read as {@code jdeps -verbose:package} would see it (comments
 * aside): the package-dependency tests of each module use it to keep the package graph free of
 * cycles. Code in another package of jwg can only be named by an import or a qualified name, so a
 * package that never writes {@code jwg.dataplane.} outside its own name does not depend on it.
 */
public final class PackageReferences {
    private PackageReferences() {}

    /**
     * The code lines (not comments) of the {@code .java} files under {@code dir} (its
     * subdirectories too if {@code recurse}) that contain {@code needle} and none of {@code
     * allowed}, each as "File.java: line".
     */
    public static List<String> lines(Path dir, boolean recurse, String needle, String... allowed) {
        if (!Files.isDirectory(dir))
            throw new IllegalArgumentException("no such source directory: " + dir.toAbsolutePath());
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = recurse ? Files.walk(dir) : Files.list(dir)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                for (String l : Files.readAllLines(f)) {
                    String t = l.strip();
                    if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) continue;
                    if (!t.contains(needle)) continue;
                    String rest = t;
                    for (String a : allowed) rest = rest.replace(a, "");
                    if (rest.contains(needle)) out.add(f.getFileName() + ": " + t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
