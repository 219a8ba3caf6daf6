package jwg.ice;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * A {@link DatagramSocket} for ice4j whose I/O jwg does itself: the JDK socket underneath is an
 * unbound placeholder that never carries a datagram. Subclasses implement {@code receive} and
 * {@code send}; this class answers what ice4j asks about the socket (its local address, timeout,
 * buffer sizes) from the address it was given.
 */
abstract class PlaceholderSocket extends DatagramSocket {
    private final InetSocketAddress local;
    private volatile boolean closed;
    private volatile int timeoutMillis;

    PlaceholderSocket(InetSocketAddress local) throws SocketException {
        super((SocketAddress) null); // an unbound placeholder: all I/O is overridden
        this.local = local;
    }

    /** Marks the socket closed; true only for the first call (subclasses then release what they hold). */
    final boolean markClosed() {
        if (closed) return false;
        closed = true;
        return true;
    }

    final InetSocketAddress local() {
        return local;
    }

    @Override
    public InetAddress getLocalAddress() {
        return local.getAddress();
    }

    @Override
    public int getLocalPort() {
        return local.getPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return local;
    }

    @Override
    public boolean isBound() {
        return true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void setSoTimeout(int timeout) {
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return timeoutMillis;
    }

    @Override
    public int getReceiveBufferSize() {
        return 1 << 20;
    }

    @Override
    public int getSendBufferSize() {
        return 1 << 20;
    }

    @Override
    public void setReceiveBufferSize(int size) {}

    @Override
    public void setSendBufferSize(int size) {}

    @Override
    public void setTrafficClass(int tc) {}
}
