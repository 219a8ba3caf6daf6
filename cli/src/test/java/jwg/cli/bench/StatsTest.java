package jwg.cli.bench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void oddCountTakesTheMiddleValueWhateverTheOrder() {
        Stats s = Stats.of(3.0, 1.0, 2.0);
        assertEquals(2.0, s.median());
        assertEquals(1.0, s.min());
        assertEquals(3.0, s.max());
        assertEquals(3, s.n());
        assertEquals(0.5, s.minOverMedian(), 1e-12);
    }

    @Test
    void evenCountTakesTheMeanOfTheMiddleTwo() {
        Stats s = Stats.of(4.0, 1.0, 10.0, 2.0);
        assertEquals(3.0, s.median());
        assertEquals(1.0 / 3.0, s.minOverMedian(), 1e-12);
        assertEquals(10.0, s.max());
    }

    @Test
    void oneValueIsItsOwnMedianWithNoSpread() {
        Stats s = Stats.of(1.94);
        assertEquals(1.94, s.median());
        assertEquals(1.0, s.minOverMedian());
    }

    @Test
    void theInputIsNotReordered() {
        double[] v = {3, 1, 2};
        Stats.of(v);
        assertArrayEquals(new double[] {3, 1, 2}, v);
    }

    @Test
    void nothingMeasuredIsNotANumberRatherThanZero() {
        Stats s = Stats.of();
        assertEquals(0, s.n());
        assertTrue(Double.isNaN(s.median()));
        assertTrue(Double.isNaN(s.minOverMedian()));
        assertTrue(Double.isNaN(Stats.of(0.0, 0.0).minOverMedian()), "a zero median has no ratio");
    }
}
