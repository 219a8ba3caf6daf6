package jwg.noise.crypto;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ConstantTimeTest {
    @Test
    void equalsFindsAnyDifference() {
        byte[] a = new byte[40], b = new byte[40];
        assertTrue(ConstantTime.equals(a, b));
        for (int i = 0; i < 40; i++) {
            b[i] = (byte) 0x80;
            assertFalse(ConstantTime.equals(a, b), "byte " + i);
            assertTrue(ConstantTime.equals(a, 0, b, 0, i), "prefix before " + i);
            b[i] = 0;
        }
        assertFalse(ConstantTime.equals(new byte[3], new byte[4]));
    }

    @Test
    void isZero() {
        byte[] a = new byte[32];
        assertTrue(ConstantTime.isZero(a, 0, 32));
        a[31] = 1;
        assertFalse(ConstantTime.isZero(a, 0, 32));
        assertTrue(ConstantTime.isZero(a, 0, 31));
    }
}
