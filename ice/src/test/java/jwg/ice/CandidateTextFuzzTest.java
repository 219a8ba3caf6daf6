package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target (docs/fuzzing.md): a remote ICE candidate as it arrives in a signaling message.
 * {@link CandidateText#parse} throws IllegalArgumentException for anything malformed and nothing
 * else; what it accepts formats back to text that parses to the same candidate.
 */
class CandidateTextFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] input) {
        String text = new String(input, java.nio.charset.StandardCharsets.UTF_8); // seeds are plain text files
        CandidateText c;
        try {
            c = CandidateText.parse(text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertTrue(c.priority() >= 0 && c.priority() <= 0xFFFF_FFFFL);
        assertTrue(c.address().getPort() >= 1 && c.address().getPort() <= 65535);
        assertEquals(c, CandidateText.parse(c.format()), "round trip");
    }
}
