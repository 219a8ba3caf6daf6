package jwg.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The status JSON writer: separators between fields and between array elements, escaping. */
class JsonWriterTest {
    @Test
    void arraysOfObjectsAndEscapes() {
        JsonWriter j = new JsonWriter();
        j.open('{').field("a", 1L).key("peers").open('[');
        j.open('{').field("k", "x\"y\\z\n").close('}');
        j.open('{')
                .field("k", (String) null)
                .strings("t", List.of("host", "relay"))
                .close('}');
        j.close(']').field("ok", true).close('}');
        assertEquals(
                "{\"a\":1,\"peers\":[{\"k\":\"x\\\"y\\\\z\\n\"},{\"k\":null,\"t\":[\"host\",\"relay\"]}],\"ok\":true}",
                j.toString());
    }
}
