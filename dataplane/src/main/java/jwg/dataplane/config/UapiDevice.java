package jwg.dataplane.config;

import java.net.InetSocketAddress;
import jwg.noise.PublicKey;

/**
 * What the UAPI protocol needs from the device. The device implements it; {@link UapiProtocol}
 * calls it. {@link UapiProtocol} serializes all calls on this object's monitor, from reading
 * {@link #configuration()} to {@link #configure} returning, so a set applies to the configuration
 * it was computed from (as wireguard-go's ipcMutex).
 */
public interface UapiDevice {
    /** The current configuration. */
    DeviceConfig configuration();

    /**
     * Makes {@code next} the configuration, atomically: either all of it takes effect or, on an
     * exception, none of it. {@code change} is the validated request that produced {@code next}
     * from the current configuration, for devices that act on deltas (remove a peer's sessions,
     * rebind only if the port changed). Typical failure: the port is in use ({@link UapiException#EADDRINUSE}).
     */
    void configure(DeviceConfig next, UapiSet change) throws UapiException;

    /** The UDP port actually bound (differs from the configured 0), or 0 if not bound. */
    default int boundPort() {
        return 0;
    }

    /**
     * Counters for {@code jwg-counters=1} (a jwg extension of the protocol: drops by reason and
     * protocol events), in a stable order; names are lowercase {@code device_drop_*},
     * {@code protocol_drop_*} and {@code event_*}.
     */
    default java.util.SequencedMap<String, Long> counters() {
        return new java.util.LinkedHashMap<>();
    }

    /** Runtime state of a peer for get; null if there is none yet. */
    default PeerStats stats(PublicKey peer) {
        return null;
    }

    /**
     * A peer's runtime state as get reports it.
     *
     * @param lastHandshakeEpochNanos wall-clock time of the last completed handshake in ns since the
     *                                epoch, 0 if none
     * @param endpoint                the endpoint in use (may have roamed from the configured one), or null
     */
    record PeerStats(long lastHandshakeEpochNanos, long rxBytes, long txBytes, InetSocketAddress endpoint) {}
}
