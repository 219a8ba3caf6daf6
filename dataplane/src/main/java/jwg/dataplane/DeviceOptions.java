package jwg.dataplane;

/**
 * How a device runs.
 *
 * @param workers          crypto worker threads; 0 = seal and open inline on the I/O threads
 * @param handshakeQueue   capacity of the handshake queue (under load at 1/8 full)
 * @param maxIdleMillis    the longest the conductor waits for work; the peers' timers do not
 *                         depend on it (they fire from a timer wheel at their deadlines)
 * @param handshakeWorkers threads that do the Diffie-Hellman of each initiation's admission
 *                         beside the conductor ({@link HandshakeWorker}); 0 = the conductor does it
 */
public record DeviceOptions(int workers, int handshakeQueue, int maxIdleMillis, int handshakeWorkers) {
    public DeviceOptions {
        if (workers < 0 || workers > 64) throw new IllegalArgumentException("workers must be 0..64");
        if (handshakeWorkers < 0 || handshakeWorkers > 64)
            throw new IllegalArgumentException("handshakeWorkers must be 0..64");
        if (handshakeQueue < 8) throw new IllegalArgumentException("handshakeQueue must be at least 8");
        if (maxIdleMillis < 1 || maxIdleMillis > 1000)
            throw new IllegalArgumentException("maxIdleMillis must be 1..1000");
    }

    /** No crypto workers; one handshake worker per CPU (wireguard-go's count), at most 8. */
    public static DeviceOptions defaults() {
        return new DeviceOptions(0, 1024, 100, Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 8));
    }

    public DeviceOptions withWorkers(int n) {
        return new DeviceOptions(n, handshakeQueue, maxIdleMillis, handshakeWorkers);
    }

    public DeviceOptions withHandshakeWorkers(int n) {
        return new DeviceOptions(workers, handshakeQueue, maxIdleMillis, n);
    }
}
