package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import jwg.testkit.PackageReferences;
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
    void iceNeverNamesItsDoctor() {
        assertEquals(List.of(), PackageReferences.lines(MAIN, false, "jwg.ice.doctor"));
    }

    /** The TURN server ({@code jwg relay}) stands beside the client side: nothing in ice names it. */
    @Test
    void iceNeverNamesItsRelayServer() {
        assertEquals(List.of(), PackageReferences.lines(MAIN, false, "jwg.ice.relay"));
    }

    @Test
    void theCodecDependsOnNothingElseInJwg() {
        assertEquals(List.of(), PackageReferences.lines(MAIN.resolve("stun"), true, "jwg.", "jwg.ice.stun"));
    }
}
