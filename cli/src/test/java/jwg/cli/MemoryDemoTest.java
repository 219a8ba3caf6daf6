package jwg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code jwg demo --memory}: the whole story, written to the stream the command was given. */
class MemoryDemoTest {
    @Test
    void tellsTheStoryOnTheGivenStream() {
        var buf = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        var stray = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stray, true, StandardCharsets.UTF_8));
        try {
            MemoryDemo.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
        String story = buf.toString(StandardCharsets.UTF_8);
        assertTrue(story.contains("Alice's public key"), story);
        assertTrue(story.contains("7. Silence for 9 minutes"), "reaches the last step: " + story);
        assertEquals("", stray.toString(StandardCharsets.UTF_8), "nothing goes to System.out behind the caller's back");
    }
}
