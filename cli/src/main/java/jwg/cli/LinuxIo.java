package jwg.cli;

import java.io.IOException;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.tun.LinuxTun;
import jwg.tun.Tun;
import jwg.tun.TunOptions;

/** The Linux TUN and UDP bind the commands run on, with offloads unless {@code JWG_OFFLOAD} turns them off. */
final class LinuxIo {
    private LinuxIo() {}

    /**
     * Offloads (TUN TSO/USO with GRO on write, UDP GSO/GRO) are on unless the environment says
     * {@code JWG_OFFLOAD=off} (or 0, false); the kernel may still refuse each, and then the data
     * path falls back by itself.
     */
    static boolean offload() {
        String v = System.getenv("JWG_OFFLOAD");
        if (v == null || v.isBlank()) return true;
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "1", "true", "yes" -> true;
            case "off", "0", "false", "no" -> false;
            default -> throw new IllegalArgumentException("JWG_OFFLOAD must be on or off, got '" + v + "'");
        };
    }

    /** TUN options for {@link #offload()}: a virtio_net_hdr in front of each packet when on. */
    static TunOptions options() {
        return new TunOptions(offload(), false);
    }

    static Tun create(String name, int mtu) throws IOException {
        TunOptions options = options();
        LinuxTun tun = LinuxTun.create(name, options);
        try {
            tun.setMtu(mtu);
            if (options.vnetHeader()) tun.enableOffloads(true);
        } catch (IOException e) {
            tun.close();
            throw e;
        }
        return tun;
    }

    /** The UDP bind, with GSO/GRO as {@link #offload()} says. */
    static LinuxUdpBind bind() {
        return new LinuxUdpBind(offload());
    }
}
