package jwg.cli.metrics;

import static jwg.cli.metrics.Exposition.Type.COUNTER;
import static jwg.cli.metrics.Exposition.Type.GAUGE;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exposition writer, and the strict parser the endpoint's tests rely on. */
class ExpositionTest {
    @Test
    void writesHelpTypeAndSamplesInTheTextFormat() {
        String page = new Exposition()
                .family("jwg_peer_receive_bytes_total", COUNTER, "Bytes received.")
                .sample(1234, "interface", "wg0", "peer", "AbC+/=")
                .sample(0L, "interface", "wg0", "peer", "Zz==")
                .family("jwg_peer_handshake_age_seconds", GAUGE, "Age.")
                .sample(1.5, "interface", "wg0")
                .family("jwg_up", GAUGE, "No labels.")
                .sample(1)
                .text();
        assertEquals("""
                # HELP jwg_peer_receive_bytes_total Bytes received.
                # TYPE jwg_peer_receive_bytes_total counter
                jwg_peer_receive_bytes_total{interface="wg0",peer="AbC+/="} 1234
                jwg_peer_receive_bytes_total{interface="wg0",peer="Zz=="} 0
                # HELP jwg_peer_handshake_age_seconds Age.
                # TYPE jwg_peer_handshake_age_seconds gauge
                jwg_peer_handshake_age_seconds{interface="wg0"} 1.5
                # HELP jwg_up No labels.
                # TYPE jwg_up gauge
                jwg_up 1
                """, page);
    }

    @Test
    void labelValuesAndHelpAreEscapedAndParseBack() throws Exception {
        String nasty = "a\\b \"quoted\"\nnext line {x=\"y\"}, é";
        String page = new Exposition()
                .family("jwg_x", GAUGE, "help with \\ and\nnewline and \"quotes\"")
                .sample(2, "v", nasty)
                .text();
        assertTrue(page.contains("v=\"a\\\\b \\\"quoted\\\"\\nnext line {x=\\\"y\\\"}, é\""), page);
        assertTrue(page.contains("# HELP jwg_x help with \\\\ and\\nnewline and \"quotes\"\n"), page);
        assertEquals(2, page.split("\n").length - 1, "the newlines are escaped, not written: " + page);
        Map<String, ExpositionParser.Family> parsed = ExpositionParser.parse(page);
        assertEquals(nasty, parsed.get("jwg_x").samples().get(0).labels().get("v"));
        assertEquals(
                "help with \\ and\nnewline and \"quotes\"", parsed.get("jwg_x").help());
    }

    @Test
    void floatsAsPrometheusReadsThem() throws Exception {
        assertEquals("NaN", Exposition.format(Double.NaN));
        assertEquals("+Inf", Exposition.format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", Exposition.format(Double.NEGATIVE_INFINITY));
        assertEquals("3", Exposition.format(3.0));
        assertEquals("0.001", Exposition.format(0.001));
        assertEquals("1.0E-5", Exposition.format(1e-5));
        assertEquals("1.0E20", Exposition.format(1e20));
        String page = new Exposition()
                .family("jwg_g", GAUGE, "g")
                .sample(Double.NaN, "k", "a")
                .sample(Double.NEGATIVE_INFINITY, "k", "b")
                .sample(1e-5, "k", "c")
                .sample(1.7e308, "k", "d")
                .text();
        var g = ExpositionParser.parse(page);
        assertTrue(Double.isNaN(ExpositionParser.value(g, "jwg_g", "k", "a")));
        assertEquals(Double.NEGATIVE_INFINITY, ExpositionParser.value(g, "jwg_g", "k", "b"));
        assertEquals(1e-5, ExpositionParser.value(g, "jwg_g", "k", "c"));
        assertEquals(1.7e308, ExpositionParser.value(g, "jwg_g", "k", "d"));
    }

    @Test
    void theWriterRefusesWhatWouldBreakThePage() {
        assertThrows(IllegalArgumentException.class, () -> new Exposition().family("jwg_bytes", COUNTER, "no _total"));
        assertThrows(IllegalArgumentException.class, () -> new Exposition().family("0bad", GAUGE, "name"));
        assertThrows(IllegalArgumentException.class, () -> new Exposition().family("jwg-x", GAUGE, "name"));
        assertThrows(
                IllegalStateException.class,
                () -> new Exposition().family("jwg_a", GAUGE, "a").family("jwg_a", GAUGE, "again"));
        assertThrows(
                IllegalStateException.class,
                () -> new Exposition()
                        .family("jwg_a", GAUGE, "a")
                        .sample(1, "k", "v")
                        .sample(2, "k", "v"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Exposition().family("jwg_a", GAUGE, "a").sample(1, "__k", "v"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Exposition().family("jwg_a", GAUGE, "a").sample(1, "k-1", "v"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Exposition().family("jwg_a", GAUGE, "a").sample(1, "k", "v", "k", "w"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Exposition().family("jwg_a", GAUGE, "a").sample(1, "k"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Exposition().family("jwg_a_total", COUNTER, "a").sample(-1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Exposition().family("jwg_a_total", COUNTER, "a").sample(Double.NaN));
        assertThrows(IllegalStateException.class, () -> new Exposition().sample(1));
    }

    @Test
    void theParserAcceptsAValidPageWithEveryConstruct() throws Exception {
        String page = """
                # a plain comment
                # HELP http_requests_total The total number of HTTP requests.
                # TYPE http_requests_total counter
                http_requests_total{method="post",code="200"} 1027
                http_requests_total{method="post",code="400"} 3
                # TYPE rpc_duration_seconds summary
                rpc_duration_seconds{quantile="0.5"} 4773
                rpc_duration_seconds_sum 1.7560473e+07
                rpc_duration_seconds_count 2693
                # TYPE x gauge
                x{} -0.5
                """;
        var p = ExpositionParser.parse(page);
        assertEquals(3, p.size());
        assertEquals(3, ExpositionParser.value(p, "http_requests_total", "code", "400"));
        assertEquals(2693, ExpositionParser.value(p, "rpc_duration_seconds", "quantile", "0.5") > 0 ? 2693 : 0);
        assertEquals(-0.5, ExpositionParser.value(p, "x"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "# TYPE a gauge\na 1", // no final newline
                "# TYPE a gauge\n\na 1\n", // empty line
                "a 1\n", // no TYPE
                "# TYPE a gauge\n# TYPE a gauge\na 1\n", // TYPE twice
                "# HELP a x\n# HELP a y\n# TYPE a gauge\na 1\n", // HELP twice
                "# TYPE a gauge\na 1\n# HELP a late\n", // HELP after samples
                "# TYPE a gaug\na 1\n", // unknown type
                "# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\n", // samples of a after b's TYPE
                "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n", // a split up
                "# TYPE a gauge\na{k=\"v\"} 1\na{k=\"v\"} 2\n", // duplicate series
                "# TYPE a gauge\na{k=\"v\",k=\"w\"} 1\n", // label twice
                "# TYPE a gauge\na{__k=\"v\"} 1\n", // reserved label
                "# TYPE a gauge\na{1k=\"v\"} 1\n", // bad label name
                "# TYPE a gauge\na{k=v} 1\n", // unquoted value
                "# TYPE a gauge\na{k=\"v\\t\"} 1\n", // bad escape
                "# TYPE a gauge\na{k=\"v} 1\n", // unterminated value
                "# TYPE a gauge\na{k=\"v\",} 1\n", // trailing comma
                "# TYPE a gauge\na 1.2.3\n", // not a float
                "# TYPE a gauge\na one\n", // not a float
                "# TYPE a gauge\na  1\n", // two spaces
                "# TYPE a gauge\na 1 1700000000\n", // timestamp (jwg writes none)
                "# TYPE a_total counter\na_total -1\n", // negative counter
                "# TYPE a_total counter\na_total NaN\n", // NaN counter
                "# TYPE a counter\na 1\n", // counter without _total
                "# TYPE a-b gauge\na-b 1\n", // bad metric name
                "# HELP a bad \\t escape\n# TYPE a gauge\na 1\n", // bad HELP escape
            })
    void theParserRefusesWhatTheSpecOrJwgForbids(String page) {
        assertThrows(ExpositionParser.ParseException.class, () -> ExpositionParser.parse(page), page);
    }
}
