package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jwg.noise.Constants;
import jwg.tun.TunConfig;
import org.junit.jupiter.api.Test;

/**
 * wg-quick's default MTU is written twice because noise sees no other module: {@code
 * TunConfig.DEFAULT_MTU} (what an interface gets) and {@code Constants.DEFAULT_MTU} (what the
 * protocol core pads to until the device tells it). The data plane sees both and holds them equal.
 */
class DefaultMtuTest {
    @Test
    void theInterfaceAndTheProtocolCoreStartFromTheSameMtu() {
        assertEquals(1420, TunConfig.DEFAULT_MTU);
        assertEquals(TunConfig.DEFAULT_MTU, Constants.DEFAULT_MTU);
    }
}
