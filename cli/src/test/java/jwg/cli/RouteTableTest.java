package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** wg-quick's Table values. */
class RouteTableTest {
    @Test
    void values() {
        assertTrue(RouteTable.of(null).auto() && RouteTable.of(null).main());
        assertTrue(RouteTable.of("auto").auto());
        assertTrue(RouteTable.of("off").off());
        assertTrue(RouteTable.of("main").main() && !RouteTable.of("main").auto());
        assertEquals(1234, RouteTable.of("1234").number());
        assertEquals(
                "4294967295",
                Integer.toUnsignedString(RouteTable.of("4294967295").number()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouteTable.of("4294967296"))
                .getMessage()
                .contains("Table 4294967296"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouteTable.of("0"))
                .getMessage()
                .contains("Table 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouteTable.of("no-such-table-here"))
                .getMessage()
                .contains("no-such-table-here"));
    }
}
