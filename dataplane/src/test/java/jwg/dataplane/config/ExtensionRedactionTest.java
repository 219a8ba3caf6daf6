package jwg.dataplane.config;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Issue 12 item 5: an Extension's toString never shows the TURN password. */
class ExtensionRedactionTest {
    @Test
    void theTurnPasswordIsRedacted() {
        String s = new WgQuickConfig.Extension(-1, "IceTurn", "alice:s3cr3t-pw@turn.example:3478").toString();
        assertFalse(s.contains("s3cr3t-pw"), s);
        assertTrue(s.contains("alice") && s.contains("turn.example:3478"), s);
        String odd = new WgQuickConfig.Extension(-1, "iceturn", "s3cr3t-pw").toString();
        assertFalse(odd.contains("s3cr3t-pw"), odd);
        assertTrue(new WgQuickConfig.Extension(-1, "IceStun", "stun.example:3478")
                .toString()
                .contains("stun.example:3478"));
        assertFalse(java.util.List.of(new WgQuickConfig.Extension(0, "IceTurn", "u:p4ss:w@rd@h:1"))
                .toString()
                .contains("p4ss"));
    }
}
