package jwg.cli.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The chart, read back with the JDK's XML parser. */
class BenchSvgTest {
    static final String SVG_NS = "http://www.w3.org/2000/svg";

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> byClass(Element root, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = root.getElementsByTagNameNS(SVG_NS, tag);
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("class").equals(cls)) out.add(e);
        }
        return out;
    }

    static Element panel(Document d, String id) {
        for (Element g : byClass(d.getDocumentElement(), "g", "panel"))
            if (g.getAttribute("id").equals(id)) return g;
        return fail("no panel " + id);
    }

    static double num(Element e, String attr) {
        return Double.parseDouble(e.getAttribute(attr));
    }

    @Test
    void anSvg11DocumentWithTwoPanels() throws Exception {
        Document d = parse(BenchSvg.of(Fixtures.twoPairs()));
        Element root = d.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals(SVG_NS, root.getNamespaceURI());
        assertEquals("1.1", root.getAttribute("version"));
        assertEquals(
                List.of("throughput", "rtt"),
                byClass(root, "g", "panel").stream()
                        .map(e -> e.getAttribute("id"))
                        .toList());
        assertTrue(root.getTextContent().contains("Test CPU <x> & co"), "the machine, escaped and read back intact");
    }

    @Test
    void eachPanelHasAxesAndOneBarAndWhiskerPerPair() throws Exception {
        Document d = parse(BenchSvg.of(Fixtures.twoPairs()));
        for (String id : List.of("throughput", "rtt")) {
            Element p = panel(d, id);
            assertEquals(2, byClass(p, "line", "axis").size(), id + ": x and y axes");
            assertTrue(byClass(p, "text", "tick-label").size() >= 3, id + ": ticks on the y axis");
            List<Element> bars = byClass(p, "rect", "bar");
            List<Element> whiskers = byClass(p, "g", "whisker");
            assertEquals(2, bars.size(), id);
            assertEquals(2, whiskers.size(), id);
            for (Element w : whiskers)
                assertEquals(3, w.getElementsByTagNameNS(SVG_NS, "line").getLength(), "range and two caps");
            List<String> labels = byClass(p, "text", "label").stream()
                    .map(Node::getTextContent)
                    .toList();
            assertEquals(List.of("wireguard-go:wireguard-go", "jwg:jwg"), labels, id + ": in the order named");
            for (Element b : bars)
                assertTrue(b.getTextContent().contains("median"), "each bar has a title with its figures");
        }
    }

    @Test
    void barHeightsAndWhiskersFollowTheFigures() throws Exception {
        Document d = parse(BenchSvg.of(Fixtures.twoPairs()));
        List<Element> tput = byClass(panel(d, "throughput"), "rect", "bar");
        // medians 1.0 and 2.0 Gbit/s: the second bar is twice as tall, and both stand on the same axis
        assertEquals(2.0, num(tput.get(1), "height") / num(tput.get(0), "height"), 0.02);
        assertEquals(
                num(tput.get(0), "y") + num(tput.get(0), "height"),
                num(tput.get(1), "y") + num(tput.get(1), "height"),
                0.01);
        List<Element> rtt = byClass(panel(d, "rtt"), "rect", "bar");
        assertEquals(0.5, num(rtt.get(1), "height") / num(rtt.get(0), "height"), 0.02, "RTT medians 0.4 and 0.2 ms");
        // the whisker runs from min (lower on the page: larger y) to max, around the bar's top
        Element w = byClass(panel(d, "throughput"), "g", "whisker").get(1);
        Element range = byClass(w, "line", "range").get(0);
        double top = num(tput.get(1), "y");
        assertTrue(num(range, "y1") > top && num(range, "y2") < top, "min 1.8 below, max 2.2 above the median's top");
        double height = num(tput.get(1), "height");
        assertEquals(0.4 / 2.0 * height, num(range, "y1") - num(range, "y2"), 0.5, "max - min = 0.4 Gbit/s");
    }

    @Test
    void oneRoundStillDrawsAZeroLengthWhisker() throws Exception {
        Results one = new Results(
                "v",
                Fixtures.twoPairs().machine(),
                new Settings(2, 5, 0, 0, 1),
                List.of(Fixtures.pair("jwg", "jwg")),
                List.of(new Measurement("jwg:jwg", 1, 1.5, 0, 0.3, 1)));
        Document d = parse(BenchSvg.of(one));
        Element range = byClass(panel(d, "throughput"), "line", "range").get(0);
        assertEquals(num(range, "y1"), num(range, "y2"));
        assertEquals(
                "1.5", byClass(panel(d, "throughput"), "text", "value").get(0).getTextContent());
    }

    @Test
    void labelsThatLookLikeMarkupAreEscaped() throws Exception {
        Pair odd = new Pair("a<b>&\"c\":x", Fixtures.impl("a<b>&\"c\""), Fixtures.impl("x"));
        Results r = new Results(
                "v",
                Fixtures.twoPairs().machine(),
                Settings.DEFAULTS,
                List.of(odd),
                List.of(new Measurement(odd.name(), 1, 1, 1, 1, 1)));
        Document d = parse(BenchSvg.of(r));
        assertEquals(
                "a<b>&\"c\":x", byClass(panel(d, "rtt"), "text", "label").get(0).getTextContent());
    }

    @Test
    void threeSignificantDigitsAndNiceTicks() {
        assertEquals("1.94", BenchSvg.fmt(1.9412));
        assertEquals("0.128", BenchSvg.fmt(0.12849));
        assertEquals("43.6", BenchSvg.fmt(43.598));
        assertEquals("1230", BenchSvg.fmt(1234));
        assertEquals("n/a", BenchSvg.fmt(Double.NaN));
        assertEquals(0.5, BenchSvg.niceStep(0.44), 1e-12);
        assertEquals(2.0, BenchSvg.niceStep(1.3), 1e-12);
        assertEquals(10.0, BenchSvg.niceStep(8), 1e-12);
        assertEquals(0.05, BenchSvg.niceStep(0.05), 1e-12);
    }
}
