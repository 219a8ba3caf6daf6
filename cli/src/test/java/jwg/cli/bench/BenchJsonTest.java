package jwg.cli.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchJsonTest {
    private final String json = BenchJson.of(Fixtures.twoPairs());

    @Test
    void isOneBalancedObjectWithTheMachineAndSettings() {
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"' && json.charAt(i - 1) != '\\') inString = !inString;
            if (inString) continue;
            if (c == '{' || c == '[') depth++;
            if (c == '}' || c == ']') depth--;
            assertTrue(depth >= 0, "closes more than it opens at " + i);
            if (depth == 0) assertEquals(json.length() - 1, i, "one value only");
        }
        assertFalse(json.contains(",,") || json.contains("{,") || json.contains(",}") || json.contains("[,"), json);
        assertTrue(
                json.contains(
                        "\"cpu\":\"Test CPU <x> & co\",\"avx512\":true,\"cores\":2,\"loadAverage\":\"0.10 0.20 0.30\""),
                json);
        assertTrue(
                json.contains(
                        "\"settings\":{\"seconds\":10,\"pings\":50,\"warmupSeconds\":5,\"freshSeconds\":5,\"rounds\":3}"),
                json);
    }

    @Test
    void perPairStatisticsRatiosAndEveryRound() {
        String fast = pairObject("jwg:jwg");
        assertTrue(
                fast.contains(
                        "\"throughputGbps\":{\"median\":2.0,\"min\":1.8,\"max\":2.2,\"minOverMedian\":0.9,\"n\":3}"),
                fast);
        assertTrue(fast.contains("\"rttMillis\":{\"median\":0.2,\"min\":0.15,\"max\":0.25"), fast);
        assertTrue(
                fast.contains(
                        "\"ratiosToFirstPair\":{\"against\":\"wireguard-go:wireguard-go\",\"throughput\":2.0,\"rtt\":0.5}"),
                fast);
        assertEquals(3, count(fast, "\"round\":"), fast);
        assertTrue(
                fast.contains(
                        "{\"round\":2,\"gbps\":1.8,\"firstGbps\":0.9,\"rttMillis\":0.25,\"cpuCores\":1.5,\"cpuCoresPerGbps\":0.833}"),
                fast);
        String slow = pairObject("wireguard-go:wireguard-go");
        assertTrue(
                slow.contains(
                        "\"ratiosToFirstPair\":{\"against\":\"wireguard-go:wireguard-go\",\"throughput\":1.0,\"rtt\":1.0}"),
                slow);
        assertTrue(
                json.indexOf("\"pair\":\"wireguard-go:wireguard-go\"") < json.indexOf("\"pair\":\"jwg:jwg\""),
                "pairs in the order they were named, not the order they ran");
    }

    @Test
    void notANumberIsNullNotInvalidJson() {
        Results none = new Results(
                "v",
                Fixtures.twoPairs().machine(),
                Settings.DEFAULTS,
                java.util.List.of(Fixtures.pair("a", "b")),
                java.util.List.of(new Measurement("a:b", 1, 0, 0, 0.3, 0)));
        String j = BenchJson.of(none);
        assertTrue(j.contains("\"minOverMedian\":null"), j);
        assertFalse(j.contains("NaN") || j.contains("Infinity"), j);
    }

    private String pairObject(String name) {
        Matcher m = Pattern.compile("\\{\"pair\":\"" + Pattern.quote(name) + "\".*?\"rounds\":\\[.*?\\]\\}")
                .matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group();
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
