package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class InMemoryHandshakesTest {
    @Test
    void handshakesCompleteAndTheCheckSeesEachInitiation() {
        try (Arena arena = Arena.ofConfined();
                InMemoryHandshakes pair = new InMemoryHandshakes(arena, new SecureRandom())) {
            int[] seen = {0};
            for (int i = 0; i < 3; i++) {
                assertTrue(pair.handshake((initiation, len) -> {
                    assertEquals(148, len);
                    assertEquals(1, initiation.get(ValueLayout.JAVA_BYTE, 0), "type 1");
                    seen[0]++;
                    return true;
                }));
            }
            assertEquals(3, seen[0]);
            assertTrue(pair.handshake(null));
            assertFalse(pair.handshake((initiation, len) -> false), "a refused initiation ends the handshake");
            assertTrue(pair.handshake(null), "and the next one completes");
        }
    }
}
