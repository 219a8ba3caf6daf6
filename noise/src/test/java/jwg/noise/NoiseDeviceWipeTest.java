package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Issue 12 item 5: closing a device wipes its static private key. */
class NoiseDeviceWipeTest {
    @Test
    void closeWipesTheStaticPrivateKeyButNotTheCallers() {
        PrivateKey key = PrivateKey.generate(new SecureRandom());
        byte[] before = key.toBytes();
        NoiseDevice d = new NoiseDevice(key, new SecureRandom());
        assertFalse(d.staticPrivate.isZero());
        d.close();
        assertTrue(d.staticPrivate.isZero(), "the device's copy is wiped");
        assertArrayEquals(before, key.rawBytes(), "the configuration's key is the caller's to wipe");
    }
}
