package jwg.dataplane.bind;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The device's UDP side: one socket (per address family) that WireGuard and, later, STUN share.
 * The ICE layer provides its own implementation that hands STUN to its agent and sends
 * WireGuard packets to the selected pair.
 *
 * <p>Threading: one thread receives, one or more threads send; {@link #close()} from any thread
 * makes a blocked {@link #receive} return -1 promptly.
 */
public interface Bind extends AutoCloseable {
    /** Most datagrams one {@link #receive} or {@link #send(Datagrams)} call moves. */
    int BATCH = 128;

    /** Socket send and receive buffer size: 7 MiB, as wireguard-go. */
    int SOCKET_BUFFER = 7 << 20;

    /** Binds to {@code port} on all addresses (0 = any free port); returns the port bound. */
    int open(int port) throws IOException;

    /** The bound port, or 0 if not open. */
    int port();

    /**
     * Receives at least one and at most {@code batch.capacity()} datagrams into the batch's
     * buffers, recording each length and source; blocks until one arrives. Returns the count,
     * or -1 once the bind is closed.
     */
    int receive(Datagrams batch) throws IOException;

    /**
     * Sends the batch's first {@code batch.count()} datagrams, each to its endpoint. A datagram the
     * kernel would not take (socket buffer full, destination refused) is not retried: its length
     * is set to {@link Datagrams#NOT_SENT} so the caller counts it as dropped, not as sent.
     * Returns how many were sent.
     */
    int send(Datagrams batch) throws IOException;

    /** Sends one datagram. */
    void send(MemorySegment buffer, long offset, int length, Endpoint to) throws IOException;

    /**
     * Sends one datagram with IP TTL (IPv6 hop limit) {@code ttl} for this datagram alone, as
     * ancillary data (sendmsg with IP_TTL / IPV6_HOPLIMIT), so concurrent sends on the socket keep
     * the default. Returns false and sends nothing if this bind cannot ({@link #ttlControl()}).
     * Control path only (the ICE layer's TTL primer, docs/ice.md).
     */
    default boolean sendWithTtl(MemorySegment buffer, long offset, int length, Endpoint to, int ttl)
            throws IOException {
        return false;
    }

    /** True if {@link #sendWithTtl} sets the TTL of a datagram (the native bind); false on the JDK's. */
    default boolean ttlControl() {
        return false;
    }

    /** True while sends are coalesced with UDP GSO (UDP_SEGMENT); for status and metrics. */
    default boolean gso() {
        return false;
    }

    /** True if the socket receives coalesced datagrams (UDP_GRO); for status and metrics. */
    default boolean gro() {
        return false;
    }

    /** Sets SO_MARK on the socket(s) (fwmark; 0 clears). Optional: may be a no-op. */
    default void setMark(int mark) throws IOException {}

    @Override
    void close();
}
