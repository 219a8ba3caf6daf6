package jwg.ice.signal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The session info message's wire format (pinned byte for byte: a new type, 6, so that the
 * offer's format — pinned here too — is what older peers already decode), its reading (unknown
 * keys ignored, a missing flag is no upgrade) and the codec's strictness for it.
 */
class SessionInfoTest {
    @Test
    void theFormatIsTypeSixThenTheSessionThenKeyValueLines() {
        byte[] wire = MessageCodec.encode(SessionInfo.of(0x0102030405060708L, true, "dependent"));
        String hex =
                "06" + "0102030405060708" + "0002" + "000b" + hex("upgrade=yes") + "0011" + hex("mapping=dependent");
        assertEquals(hex, HexFormat.of().formatHex(wire));
        assertEquals(Optional.of(SessionInfo.of(0x0102030405060708L, true, "dependent")), MessageCodec.decode(wire));
    }

    @Test
    void theOfferIsEncodedAsOlderPeersExpectIt() {
        byte[] wire = MessageCodec.encode(new Offer(1, "uf", "pw", List.of("c")));
        assertEquals(
                "01" + "0000000000000001" + "0002" + hex("uf") + "0002" + hex("pw") + "0001" + "0001" + hex("c"),
                HexFormat.of().formatHex(wire));
    }

    @Test
    void readingIgnoresUnknownKeysAndDefaultsToNoUpgrade() {
        SessionInfo later = new SessionInfo(5, List.of("punch=easy", "mapping=independent", "upgrade=yes"));
        assertTrue(later.upgrade());
        assertEquals(Optional.of("independent"), later.value(SessionInfo.MAPPING));
        assertEquals(Optional.of("easy"), later.value("punch"));
        SessionInfo bare = new SessionInfo(5, List.of("upgrade=maybe"));
        assertFalse(bare.upgrade(), "only 'yes' is an upgrade");
        assertEquals(Optional.empty(), bare.value(SessionInfo.MAPPING));
        assertFalse(new SessionInfo(5, List.of()).upgrade());
        assertFalse(SessionInfo.of(5, false, "unknown").upgrade());
        assertTrue(later.punches() && bare.punches(), "only punch=no sits out (older peers say nothing)");
    }

    @Test
    void aSideThatSitsOutBirthdayPunchesSaysPunchNoAndOnlyThen() {
        SessionInfo out = SessionInfo.of(7, true, "dependent", false);
        assertEquals(List.of("upgrade=yes", "mapping=dependent", "punch=no"), out.lines());
        assertFalse(out.punches());
        assertEquals(Optional.of(out), MessageCodec.decode(MessageCodec.encode(out)));
        assertEquals(SessionInfo.of(7, true, "dependent"), SessionInfo.of(7, true, "dependent", true));
        assertTrue(SessionInfo.of(7, true, "dependent", true).punches());
    }

    @Test
    void trailingBytesAndOversizedListsAreMalformed() {
        byte[] wire = MessageCodec.encode(SessionInfo.of(1, false, "independent"));
        byte[] trailing = java.util.Arrays.copyOf(wire, wire.length + 1);
        assertEquals(Optional.empty(), MessageCodec.decode(trailing));
        assertEquals(Optional.empty(), MessageCodec.decode(java.util.Arrays.copyOf(wire, wire.length - 1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SessionInfo(1, java.util.Collections.nCopies(MessageCodec.MAX_CANDIDATES + 1, "x=y")));
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
