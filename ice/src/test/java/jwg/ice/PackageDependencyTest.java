package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The ice module's package graph has no cycle through the doctor and one STUN codec: code in
 * {@code jwg.ice} never names {@code jwg.ice.doctor} (the doctor reads a {@link DoctorInput}; the
 * daemon hands {@code Doctor::report} to {@link StatusProtocol}), and {@code jwg.ice.stun} names
 * nothing else of jwg. Read from the sources (comments aside), as {@code jdeps -verbose:package} would see it.
 */
class PackageDependencyTest {
    static final Path MAIN = Path.of("src/main/java/jwg/ice");

    @Test
    void iceNeverNamesItsDoctor() throws IOException {
        assertEquals(List.of(), offending(MAIN, false, "jwg.ice.doctor"));
    }

    @Test
    void theCodecDependsOnNothingElseInJwg() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : offending(MAIN.resolve("stun"), true, "jwg.")) if (!l.contains("jwg.ice.stun")) lines.add(l);
        assertEquals(List.of(), lines);
    }

    /** Code lines (not comments) of the package's files that contain {@code needle}. */
    static List<String> offending(Path dir, boolean recurse, String needle) throws IOException {
        assertTrue(Files.isDirectory(dir), "run from the ice module: " + dir.toAbsolutePath());
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = recurse ? Files.walk(dir) : Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String l : Files.readAllLines(f)) {
                    String t = l.strip();
                    if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) continue;
                    if (t.contains(needle)) out.add(f.getFileName() + ": " + t);
                }
            }
        }
        return out;
    }
}
