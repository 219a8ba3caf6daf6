package jwg.cli;

import java.io.IOException;
import jwg.tun.LinuxTun;
import jwg.tun.TunDevice;

/** Creates the platform's TUN device for the commands. */
final class Tuns {
    private Tuns() {}

    static TunDevice create(String name, int mtu) throws IOException {
        LinuxTun tun = LinuxTun.create(name);
        try {
            tun.setMtu(mtu);
        } catch (IOException e) {
            tun.close();
            throw e;
        }
        return tun;
    }
}
