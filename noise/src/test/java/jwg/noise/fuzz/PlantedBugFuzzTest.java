package jwg.noise.fuzz;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Proof that the fuzzer is guided by coverage (docs/fuzzing.md): with {@code JAZZER_FUZZ=1},
 * {@link #findsPlantedBug} must fail within its time bound, with Jazzer reporting
 * {@link PlantedBug.Planted} and the input that reached it. It has no seed corpus, so the
 * fuzzer starts from nothing. In regression mode (a plain {@code mvn verify}) it is disabled: it
 * exists to fail. What stays in the build is {@link #committedFindingStillReachesTheBug}: the
 * input Jazzer found in such a run, kept as planted-bug-finding.bin, still reaches the bug.
 */
class PlantedBugFuzzTest {

    @EnabledIfEnvironmentVariable(
            named = "JAZZER_FUZZ",
            matches = ".+",
            disabledReason = "fuzzing only: this target exists to fail")
    @FuzzTest(maxDuration = "120s") // must be the last annotation
    void findsPlantedBug(byte[] data) {
        PlantedBug.parse(data);
    }

    @Test
    void committedFindingStillReachesTheBug() throws IOException {
        byte[] finding;
        try (InputStream in = PlantedBugFuzzTest.class.getResourceAsStream("planted-bug-finding.bin")) {
            finding = in.readAllBytes();
        }
        assertThrows(PlantedBug.Planted.class, () -> PlantedBug.parse(finding));
    }
}
