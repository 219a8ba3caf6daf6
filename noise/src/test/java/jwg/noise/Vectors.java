package jwg.noise;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The test vectors in src/test/resources/vectors (their origin: the README there). */
final class Vectors {
    private Vectors() {}

    /** The text of {@code /vectors/NAME} on the test classpath; fails the test if it is missing. */
    static String read(String name) throws IOException {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            assertNotNull(in, "test vector missing from the classpath: /vectors/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
