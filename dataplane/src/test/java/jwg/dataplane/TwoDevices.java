package jwg.dataplane;

import java.security.SecureRandom;
import java.util.List;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.dataplane.config.DeviceConfig;
import jwg.dataplane.config.PeerConfig;
import jwg.dataplane.config.PeerEndpoint;
import jwg.dataplane.config.UapiException;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.tun.Tun;
import jwg.tun.ip.IpPrefix;

/**
 * The two-device fixture (dataplane's test-jar, for the dataplane's and ICE's tests): two real
 * devices on the TUNs a test gives them, with fresh keys, each the other's only peer — A is
 * {@value #ADDRESS_A} and routes {@value #ADDRESS_B}/32 to B, B the reverse — bound to loopback
 * UDP ({@link LinuxUdpBind} unless the test gives its own binds). Which side knows the other's
 * endpoint is the test's choice ({@link Endpoints}). {@link #close()} closes both devices (and
 * with them their TUNs).
 */
public record TwoDevices(Device a, Device b, PrivateKey keyA, PrivateKey keyB) implements AutoCloseable {
    public static final String ADDRESS_A = "192.0.2.1", ADDRESS_B = "192.0.2.2";

    /** Which peer endpoints are configured; without one, a side waits to learn it (roaming) or to be told (ICE). */
    public enum Endpoints {
        NONE,
        A_KNOWS_B,
        BOTH
    }

    /** Two devices to start on {@code tunA} and {@code tunB}. */
    public static Builder between(Tun tunA, Tun tunB) {
        return new Builder(tunA, tunB);
    }

    @Override
    public void close() {
        try {
            a.close();
        } finally {
            b.close();
        }
    }

    public static final class Builder {
        private final Tun tunA, tunB;
        private DeviceOptions options = DeviceOptions.defaults();
        private Device.BindFactory bindA = LinuxUdpBind::new, bindB = LinuxUdpBind::new;
        private PresharedKey presharedKey;
        private Endpoints endpoints = Endpoints.A_KNOWS_B;

        private Builder(Tun tunA, Tun tunB) {
            this.tunA = tunA;
            this.tunB = tunB;
        }

        /** Both devices' options (default: {@link DeviceOptions#defaults()}). */
        public Builder options(DeviceOptions options) {
            this.options = options;
            return this;
        }

        /** Each device's UDP bind (default: {@link LinuxUdpBind} on loopback). */
        public Builder binds(Device.BindFactory a, Device.BindFactory b) {
            this.bindA = a;
            this.bindB = b;
            return this;
        }

        /** A preshared key both peers use (default: none). */
        public Builder presharedKey(PresharedKey psk) {
            this.presharedKey = psk;
            return this;
        }

        /** Which endpoints are configured (default: {@link Endpoints#A_KNOWS_B}). */
        public Builder endpoints(Endpoints endpoints) {
            this.endpoints = endpoints;
            return this;
        }

        /** Starts and configures both devices; if any step fails, what was started is closed. */
        public TwoDevices start() throws UapiException {
            SecureRandom random = new SecureRandom();
            PrivateKey keyA = PrivateKey.generate(random), keyB = PrivateKey.generate(random);
            Device a = Device.start(options, tunA, bindA);
            Device b = null;
            try {
                b = Device.start(options, tunB, bindB);
                // A device binds its port when it is first configured: B first, so A can be told B's port.
                b.configure(config(keyB, keyA, null, ADDRESS_A));
                a.configure(
                        config(keyA, keyB, endpoints == Endpoints.NONE ? null : loopback(b.boundPort()), ADDRESS_B));
                if (endpoints == Endpoints.BOTH) b.configure(config(keyB, keyA, loopback(a.boundPort()), ADDRESS_A));
                return new TwoDevices(a, b, keyA, keyB);
            } catch (Throwable t) {
                a.close();
                if (b != null) b.close();
                throw t;
            }
        }

        private DeviceConfig config(PrivateKey self, PrivateKey peer, PeerEndpoint endpoint, String peerAddress) {
            return new DeviceConfig(
                    self,
                    0,
                    0,
                    List.of(new PeerConfig(
                            peer.publicKey(),
                            presharedKey,
                            endpoint,
                            List.of(IpPrefix.parse(peerAddress + "/32")),
                            0)));
        }

        private static PeerEndpoint loopback(int port) {
            return PeerEndpoint.parse("127.0.0.1:" + port);
        }
    }
}
