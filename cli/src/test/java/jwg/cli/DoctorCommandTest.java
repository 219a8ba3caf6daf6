package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `jwg doctor` argument handling (the probes themselves: DoctorIT and the ice module's tests). */
class DoctorCommandTest {
    private record Result(int status, String out, String err) {}

    private static Result run(String... args) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(
                args,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsPrintTheUsage() throws Exception {
        for (String[] args : new String[][] {{"doctor", "--bogus"}, {"doctor", "a", "b"}}) {
            Result r = run(args);
            assertEquals(2, r.status(), "a usage error");
            assertTrue(r.err().contains(Doctor.USAGE), r.err());
        }
    }

    @Test
    void anInterfaceWithoutADaemonIsAnError() throws Exception {
        Result r = run("doctor", "jwgnosuch" + ProcessHandle.current().pid() % 1000);
        assertEquals(1, r.status());
        assertTrue(r.err().contains("jwg doctor: unable to access interface jwgnosuch"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void theHelpListsDoctor() throws Exception {
        assertTrue(run("help").out().contains("doctor [--json] [IFNAME]"));
    }
}
