package jwg.dataplane;

/**
 * How a device runs.
 *
 * @param workers          crypto worker threads; 0 = seal and open inline on the I/O threads
 * @param handshakeQueue   capacity of the handshake queue (under load at 1/8 full)
 * @param maxIdleMillis    the longest the conductor waits for work; the peers' timers do not
 *                         depend on it (they fire from a timer wheel at their deadlines)
 */
public record DeviceOptions(int workers, int handshakeQueue, int maxIdleMillis) {
    public DeviceOptions {
        if (workers < 0 || workers > 64) throw new IllegalArgumentException("workers must be 0..64");
        if (handshakeQueue < 8) throw new IllegalArgumentException("handshakeQueue must be at least 8");
        if (maxIdleMillis < 1 || maxIdleMillis > 1000)
            throw new IllegalArgumentException("maxIdleMillis must be 1..1000");
    }

    public static DeviceOptions defaults() {
        return new DeviceOptions(0, 1024, 100);
    }

    public DeviceOptions withWorkers(int n) {
        return new DeviceOptions(n, handshakeQueue, maxIdleMillis);
    }
}
