package jwg.dataplane;

/**
 * How a device runs.
 *
 * @param workers          crypto worker threads; 0 = seal and open inline on the I/O threads
 * @param handshakeQueue   capacity of the handshake queue (under load at 1/8 full)
 * @param tickMillis       how often the conductor runs the peers' timers
 */
public record DeviceOptions(int workers, int handshakeQueue, int tickMillis) {
    public DeviceOptions {
        if (workers < 0 || workers > 64) throw new IllegalArgumentException("workers must be 0..64");
        if (handshakeQueue < 8) throw new IllegalArgumentException("handshakeQueue must be at least 8");
        if (tickMillis < 1 || tickMillis > 1000) throw new IllegalArgumentException("tickMillis must be 1..1000");
    }

    public static DeviceOptions defaults() {
        return new DeviceOptions(0, 1024, 20);
    }

    public DeviceOptions withWorkers(int n) {
        return new DeviceOptions(n, handshakeQueue, tickMillis);
    }
}
