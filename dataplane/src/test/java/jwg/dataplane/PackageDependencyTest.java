package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import jwg.testkit.PackageReferences;
import org.junit.jupiter.api.Test;

/**
 * The data plane's packages form no cycle: {@code jwg.dataplane} uses {@code .config} and {@code
 * .bind}, and neither names the root package back (the IP types they share live in the leaf
 * {@code jwg.tun.ip}); {@code .bind} does not name {@code .config} either. Read from the sources
 * (comments aside), as {@code jdeps -verbose:package} would see it.
 */
class PackageDependencyTest {
    static final Path MAIN = Path.of("src/main/java/jwg/dataplane");

    @Test
    void configNamesNothingOfTheDevice() {
        assertEquals(
                List.of(),
                PackageReferences.lines(MAIN.resolve("config"), false, "jwg.dataplane.", "jwg.dataplane.config"));
    }

    @Test
    void bindNamesNothingOfTheDeviceOrConfig() {
        assertEquals(
                List.of(),
                PackageReferences.lines(MAIN.resolve("bind"), false, "jwg.dataplane.", "jwg.dataplane.bind"));
    }

    @Test
    void theRootPackageUsesBoth() {
        // the other direction exists: that is why the two checks above are what keeps the graph acyclic
        assertNotEquals(List.of(), PackageReferences.lines(MAIN, false, "jwg.dataplane.config."));
        assertNotEquals(List.of(), PackageReferences.lines(MAIN, false, "jwg.dataplane.bind."));
    }
}
