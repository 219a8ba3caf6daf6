package jwg.dataplane;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import jwg.dataplane.bind.Bind;
import jwg.noise.ProtocolCore;
import jwg.noise.PublicKey;
import jwg.noise.Tunnel;
import jwg.tun.Tun;

/**
 * What each device thread is given (Aeron's SenderContext, ReceiverContext ...): exactly the
 * parts of the {@link Device} it uses, nothing else. Suppliers read the device's published
 * state (the bind, replaced on a port change; the protocol core, replaced on a key change; the
 * path listener; closed), which only the configuration side writes. The {@link Device} builds
 * these and owns the threads' lifecycle.
 */
final class DeviceContexts {
    private DeviceContexts() {}

    /** The sender's: TUN → route → seal → UDP. */
    record SenderContext(
            String name,
            Tun tun,
            AllowedIps<Peer> allowedIps,
            DeviceStats stats,
            CryptoPool crypto,
            Supplier<Bind> bind,
            IntSupplier mtu,
            Supplier<PathListener> pathListener,
            BooleanSupplier closed,
            ConductorProxy conductor,
            Runnable tunEnded) {}

    /** The receiver's: UDP → open → TUN; handshake messages to the conductor. */
    record ReceiverContext(
            String name,
            Tun tun,
            AllowedIps<Peer> allowedIps,
            Map<Tunnel, Peer> byTunnel,
            DeviceStats stats,
            CryptoPool crypto,
            Supplier<Bind> bind,
            Supplier<ProtocolCore> noise,
            BooleanSupplier closed,
            ConductorProxy conductor) {}

    /** The conductor's: the peers (read; the configuration side changes them under its lock), handshakes, timers. */
    record ConductorContext(
            String name,
            DeviceOptions options,
            Tun tun,
            Map<PublicKey, Peer> peers,
            Map<Tunnel, Peer> byTunnel,
            DeviceStats stats,
            Supplier<Bind> bind,
            Supplier<ProtocolCore> noise) {}
}
