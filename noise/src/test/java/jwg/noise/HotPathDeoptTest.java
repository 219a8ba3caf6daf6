package jwg.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seal/open hot path compiles once and stays compiled: under a mix of packet lengths
 * (1..1420 bytes), off-heap packet buffers and, now and then, handshake-style AEADs over heap
 * arrays with associated data, C2 must not keep throwing its code away. Runs {@link HotPathLoad}
 * in a child JVM with {@code -Xlog:deoptimization=debug} for 3 s of warm-up and 6 s measured,
 * and counts the uncommon traps in jwg code during the measured part.
 *
 * <p>The limit: at most {@value #MAX_TRAPS} traps in 6 s. A storm repeats for as long as the
 * load runs (the code before this test had loops whose profiled predicates failed on the next
 * packet shape: 6–10 traps in jwg.noise.crypto in 6–8 s in this test, about one per second in a
 * real tunnel, for the whole run); a healthy run has none, and the margin allows for one rare
 * branch C2 had not yet seen after the warm-up ({@code unstable_if}, once per branch) on a slow
 * or busy machine. Traps in the load's own loop ({@link HotPathLoad}) are not counted: predicates
 * hoisted from inlined jwg code into a caller's loop are reported at the caller, which in the
 * device is the dataplane's batch loop, not this module's code.
 */
class HotPathDeoptTest {
    static final int MAX_TRAPS = 3;
    private static final Pattern TRAP = Pattern.compile(
            "\\[(\\d+)ms\\]\\[(\\d+)\\] cid=\\s*(\\d+)\\s+(?:osr )?level=\\d (\\S+) trap_bci=(\\d+) (?:osr_bci=\\d+ )?(\\S+)");

    @Test
    void hotPathStaysCompiledUnderMixedPacketShapes(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("deopt.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the flags the device runs with (surefire's argLine: the project's jwg.jvmFlags)
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access")) cmd.add(a);
        }
        cmd.add("-Xlog:deoptimization=debug:file=" + log + ":timemillis,tid");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HotPathLoad.class.getName(), "3", "6"));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(new File("/dev/null"))
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        Matcher w = Pattern.compile("window (\\d+) (\\d+)").matcher(out);
        assertTrue(w.find(), out);
        long start = Long.parseLong(w.group(1)), end = Long.parseLong(w.group(2));

        Map<String, Integer> traps = new TreeMap<>();
        Set<String> seen = new HashSet<>(); // the JVM writes one trap on several identical lines
        for (String line : Files.readAllLines(log)) {
            Matcher m = TRAP.matcher(line);
            if (!m.find()) continue;
            long at = Long.parseLong(m.group(1));
            String method = m.group(4);
            if (at < start
                    || at > end
                    || !method.startsWith("jwg.")
                    || method.startsWith(HotPathLoad.class.getName() + ".")) continue;
            if (!seen.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + method + " " + m.group(5))) continue;
            traps.merge(
                    method.substring(0, method.indexOf('(')) + " bci=" + m.group(5) + " " + m.group(6),
                    1,
                    Integer::sum);
        }
        int total = traps.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(
                total <= MAX_TRAPS,
                total + " uncommon traps in jwg code after the warm-up ("
                        + out.lines()
                                .filter(l -> l.startsWith("packets"))
                                .findFirst()
                                .orElse("?") + "), at most " + MAX_TRAPS
                        + " allowed: " + traps);
    }
}
