package jwg.dataplane.config;

import java.util.HashMap;
import java.util.Map;
import jwg.noise.PublicKey;

/** An in-memory {@link UapiDevice}: holds the configuration, optionally refuses a listen port, reports set stats. */
final class FakeDevice implements UapiDevice {
    DeviceConfig config = DeviceConfig.EMPTY;
    int busyPort = -1;
    int bound;
    int configures;
    UapiSet lastChange;
    final Map<PublicKey, PeerStats> stats = new HashMap<>();
    final java.util.SequencedMap<String, Long> counters = new java.util.LinkedHashMap<>();

    @Override
    public java.util.SequencedMap<String, Long> counters() {
        return counters;
    }

    @Override
    public DeviceConfig configuration() {
        return config;
    }

    @Override
    public void configure(DeviceConfig next, UapiSet change) throws UapiException {
        if (next.listenPort() == busyPort)
            throw new UapiException(UapiException.EADDRINUSE, "port " + busyPort + " in use");
        configures++;
        lastChange = change;
        config = next;
    }

    @Override
    public int boundPort() {
        return bound;
    }

    @Override
    public PeerStats stats(PublicKey peer) {
        return stats.get(peer);
    }
}
