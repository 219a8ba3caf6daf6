package jwg.tun.ip;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import jwg.testkit.PackageReferences;
import org.junit.jupiter.api.Test;

/** The IP types are a leaf: {@code jwg.tun.ip} names nothing else of jwg, so any package may use it without a cycle. */
class PackageDependencyTest {
    @Test
    void theIpPackageIsALeaf() {
        assertEquals(
                List.of(), PackageReferences.lines(Path.of("src/main/java/jwg/tun/ip"), true, "jwg.", "jwg.tun.ip"));
    }

    @Test
    void theCheckSeesWhatItLooksFor() {
        // tun's own root package does name its subpackages: the reader finds such lines
        assertNotEquals(List.of(), PackageReferences.lines(Path.of("src/main/java/jwg/tun"), false, "jwg.tun.netlink"));
    }
}
