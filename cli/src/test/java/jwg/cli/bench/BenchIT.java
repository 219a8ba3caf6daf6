package jwg.cli.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jwg.testkit.Launcher;
import jwg.testkit.Netns;
import jwg.testkit.Requires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Issue 14 item 2: a short real {@code jwg bench} through bin/jwg — jwg against jwg through
 * wg-quick in two namespaces, one round of 2 s — writes a table, JSON and an SVG chart whose
 * figures agree, and leaves no namespace behind.
 */
class BenchIT {
    @TempDir
    Path dir;

    @Test
    void aShortRealRunWritesTableJsonAndChart() throws Exception {
        Requires.root();
        for (String t : List.of("ip", "wg", "wg-quick", "iperf3", "ping")) Requires.tool(t);
        Path json = dir.resolve("bench.json"), svg = dir.resolve("bench.svg"), log = dir.resolve("out.txt");
        Set<String> before = namespaces();
        Process p = new ProcessBuilder(
                        Launcher.jwg().toString(),
                        "bench",
                        "-t",
                        "2",
                        "-f",
                        "1",
                        "-w",
                        "0",
                        "-p",
                        "5",
                        "-r",
                        "1",
                        "--json",
                        json.toString(),
                        "--svg",
                        svg.toString(),
                        "jwg:jwg")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("jwg bench took over 180 s:\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("round 1  jwg:jwg"), out);
        assertTrue(
                out.matches("(?s).*\njwg:jwg +[0-9.]+ +1\\.00 .*\\(1\\)\n.*"),
                "the table row, min/median 1.00 for one round:\n" + out);
        assertEquals(before, namespaces(), "the bench's namespaces are gone");

        String j = Files.readString(json);
        assertTrue(j.contains("\"pair\":\"jwg:jwg\""), j);
        assertTrue(
                j.contains(
                        "\"settings\":{\"seconds\":2,\"pings\":5,\"warmupSeconds\":0,\"freshSeconds\":1,\"rounds\":1}"),
                j);
        Matcher m =
                Pattern.compile("\"throughputGbps\":\\{\"median\":([0-9.]+),").matcher(j);
        assertTrue(m.find(), j);
        double gbps = Double.parseDouble(m.group(1));
        assertTrue(gbps > 0.001, "traffic went through the tunnel: " + gbps + " Gbit/s");
        Matcher rtt = Pattern.compile("\"rttMillis\":\\{\"median\":([0-9.]+),").matcher(j);
        assertTrue(rtt.find() && Double.parseDouble(rtt.group(1)) > 0, j);
        assertFalse(j.contains("PrivateKey") || j.contains("private"), "no keys in the results");

        Document d = BenchSvgTest.parse(Files.readString(svg));
        for (String panel : List.of("throughput", "rtt")) {
            assertEquals(
                    1,
                    BenchSvgTest.byClass(BenchSvgTest.panel(d, panel), "rect", "bar")
                            .size(),
                    panel);
            assertEquals(
                    1,
                    BenchSvgTest.byClass(BenchSvgTest.panel(d, panel), "g", "whisker")
                            .size(),
                    panel);
        }
        String value = BenchSvgTest.byClass(BenchSvgTest.panel(d, "throughput"), "text", "value")
                .get(0)
                .getTextContent();
        // The JSON rounds to 3 decimals and the chart to 3 significant digits, both from the exact
        // median: 1.97496 is 1.975 in the JSON and 1.97 in the chart. Each is within its own
        // rounding of the other, and the chart has exactly 3 significant digits.
        double shown = Double.parseDouble(value);
        double halfDigit = 0.5 * Math.pow(10, Math.floor(Math.log10(gbps)) - 2);
        assertEquals(gbps, shown, halfDigit + 0.0005, "the chart shows the JSON's median: " + value);
        assertEquals(value, BenchSvg.fmt(shown), "three significant digits");
    }

    @Test
    void withoutRootItSaysSoAndExitsNonZero() throws Exception {
        Requires.root(); // to drop to nobody
        Path setpriv = Requires.tool("setpriv");
        Process p = new ProcessBuilder(
                        setpriv.toString(),
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        "env",
                        "HOME=/tmp",
                        Launcher.jwg().toString(),
                        "bench",
                        "-t",
                        "1",
                        "jwg:jwg")
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("jwg bench: needs root"), out);
    }

    private static Set<String> namespaces() throws Exception {
        return Netns.tryRun("ip", "netns", "list")
                .output()
                .lines()
                .map(l -> l.split(" ")[0])
                .filter(n -> n.startsWith("jbA") || n.startsWith("jbB"))
                .collect(Collectors.toSet());
    }
}
