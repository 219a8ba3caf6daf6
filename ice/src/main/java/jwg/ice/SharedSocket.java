package jwg.ice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What an ice4j host candidate sees as its socket: a {@link DatagramSocket} that owns no port.
 * It is fed, through a queue, the STUN datagrams the device's bind demultiplexed for this
 * candidate's agent, and it sends through the device's UDP socket ({@link StunMux}). So STUN
 * and WireGuard share one port and the WireGuard data path never goes through ice4j.
 */
class SharedSocket extends PlaceholderSocket {
    /** Queued STUN datagrams per candidate; more are dropped (and counted by the mux). */
    static final int QUEUE = 256;

    record Inbound(byte[] data, InetSocketAddress from) {}

    private final StunMux mux;
    private final BlockingQueue<Inbound> inbound = new ArrayBlockingQueue<>(QUEUE);

    SharedSocket(StunMux mux, InetSocketAddress local) throws SocketException {
        super(local);
        this.mux = mux;
    }

    /** Hands a datagram to ice4j; false if the queue is full or the socket closed. */
    boolean offer(byte[] data, InetSocketAddress from) {
        return !isClosed() && inbound.offer(new Inbound(data, from));
    }

    /** The next queued datagram, waiting at most {@code nanos}; null when none came (or the socket is closed). */
    final Inbound poll(long nanos) throws InterruptedException {
        if (isClosed()) return null;
        return nanos <= 0 ? inbound.poll() : inbound.poll(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void receive(DatagramPacket p) throws IOException {
        Inbound in;
        try {
            long t = getSoTimeout();
            while (true) {
                if (isClosed()) throw new SocketException("Socket closed");
                in = inbound.poll(t > 0 ? Math.min(t, 200) : 200, TimeUnit.MILLISECONDS);
                if (in != null) break;
                if (t > 0 && (t -= 200) <= 0) throw new SocketTimeoutException("Receive timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketException("interrupted");
        }
        int n = Math.min(in.data.length, p.getData().length - p.getOffset());
        System.arraycopy(in.data, 0, p.getData(), p.getOffset(), n);
        p.setLength(n);
        p.setSocketAddress(in.from);
    }

    @Override
    public void send(DatagramPacket p) throws IOException {
        if (isClosed()) throw new SocketException("Socket closed");
        mux.send(this, p.getData(), p.getOffset(), p.getLength(), (InetSocketAddress) p.getSocketAddress());
    }

    @Override
    public void close() {
        if (!markClosed()) return;
        inbound.clear();
        mux.unregister(this);
        super.close();
    }
}
