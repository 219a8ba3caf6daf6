package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue 12 item 5: interface names on the command line are checked before any file is touched. */
class InterfaceNameArgsTest {
    private static String refusal(String... args) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(
                args,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandRefusesANameThatIsNotAnInterfaceName() throws Exception {
        for (String[] args : new String[][] {
            {"down", "../x"},
            {"down", ".."},
            {"down", "/tmp/../x.conf/"},
            {"exec", "../x", "--", "true"},
            {"status", "../x"},
            {"status", "--json", "a/b"},
            {"doctor", "a:b"},
            {"show", "a b"},
            {"down", "averyveryverylongname"}
        }) {
            String err = refusal(args);
            assertTrue(err.startsWith("jwg " + args[0] + ": bad interface name '"), err);
        }
        assertTrue(refusal("down", "../x").contains("'../x'"));
    }

    @Test
    void goodNamesPass() {
        assertNull(Main.badInterfaceName("down", new String[] {"wg0"}));
        assertNull(Main.badInterfaceName("down", new String[] {"/etc/wireguard/wg0.conf"}));
        assertNull(Main.badInterfaceName("exec", new String[] {"wg0", "--", "ping"}));
        assertNull(Main.badInterfaceName("status", new String[] {"-d", "--json", "wg0"}));
        assertNull(Main.badInterfaceName("show", new String[] {"all"}));
    }
}
