package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one logging setup: JWG_LOG levels, ice4j quiet unless named, journald priorities, refusals. */
class LogsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void reset() {
        Logs.configure(null, false, System.err);
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultIsInfoForJwgAndWarningForIce4j() {
        assertNull(Logs.configure(null, false, err));
        Logger.getLogger("jwg.dataplane.Device").info("device up");
        Logger.getLogger("jwg.dataplane.Device").fine("not shown");
        Logger.getLogger("org.ice4j.ice.Agent").info("harvesting (not shown)");
        Logger.getLogger("org.ice4j.ice.Agent").warning("check failed");
        String t = text();
        assertTrue(t.matches("(?s)\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO Device: device up\n.*"), t);
        assertTrue(t.contains("WARNING Agent: check failed\n"), t);
        assertFalse(t.contains("not shown"), t);
        assertEquals(2, t.lines().count(), t);
    }

    @Test
    void namedLoggersAndABareLevel() {
        assertNull(Logs.configure("fine, org.ice4j=finer", false, err));
        Logger.getLogger("jwg.ice.Connectivity").fine("jwg fine");
        Logger.getLogger("org.ice4j.ice.Agent").finer("ice4j finer");
        Logger.getLogger("org.jitsi.utils.X").info("jitsi info (not shown)");
        String t = text();
        assertTrue(t.contains("FINE Connectivity: jwg fine"), t);
        assertTrue(t.contains("FINER Agent: ice4j finer"), t);
        assertFalse(t.contains("not shown"), t);
    }

    @Test
    void journaldLinesCarryTheirPriorityAndNoTime() {
        assertNull(Logs.configure("info", true, err));
        Logger l = Logger.getLogger("jwg.cli.Up");
        l.severe("a");
        l.warning("b");
        l.info("c");
        assertEquals("<3>Up: a\n<4>Up: b\n<6>Up: c\n", text());
        assertEquals(7, Logs.LineFormatter.priority(Level.FINE));
    }

    @Test
    void aBadValueIsRefusedNamingIt() {
        String r = Logs.configure("org.ice4j=loud", false, err);
        assertNotNull(r);
        assertTrue(r.contains("JWG_LOG") && r.contains("org.ice4j=loud"), r);
        assertEquals("", text());
    }
}
