package jwg.dataplane.bind;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * A {@link Bind} on one dual-stack NIO {@link DatagramChannel} (IPv6 socket with IPv4-mapped
 * addresses), one datagram per call.
 * Portable and simple; the FFM recvmmsg/sendmmsg bind is the fast one.
 */
public final class NioBind implements Bind {

    private volatile DatagramChannel channel;
    private int port;

    @Override
    public synchronized int open(int listenPort) throws IOException {
        if (channel != null) throw new IllegalStateException("already open");
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            ch.bind(new InetSocketAddress(InetAddress.ofLiteral("::"), listenPort));
        } catch (IOException e) {
            ch.close();
            throw new IOException("bind UDP port " + listenPort + ": " + e.getMessage(), e);
        }
        port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        channel = ch;
        return port;
    }

    @Override
    public int port() {
        return port;
    }

    /** Blocks for one datagram (this simple bind does not batch receives). */
    @Override
    public int receive(Datagrams batch) throws IOException {
        DatagramChannel ch = channel;
        if (ch == null) return -1;
        ByteBuffer bb = batch.buffer(0).asByteBuffer();
        SocketAddress from;
        try {
            from = ch.receive(bb);
        } catch (ClosedChannelException e) { // includes AsynchronousCloseException
            return -1;
        }
        InetSocketAddress isa = (InetSocketAddress) from;
        batch.set(0, batch.buffer(0), 0, bb.position());
        batch.endpoint(0).set(isa.getAddress(), isa.getPort());
        batch.count(1);
        return 1;
    }

    @Override
    public int send(Datagrams batch) throws IOException {
        int sent = 0;
        for (int i = 0; i < batch.count(); i++) {
            try {
                send(batch.buffer(i), batch.offset(i), batch.length(i), batch.endpoint(i));
                sent++;
            } catch (ClosedChannelException e) {
                throw e;
            } catch (IOException e) {
                batch.length(i, Datagrams.NOT_SENT);
            }
        }
        return sent;
    }

    @Override
    public void send(MemorySegment buffer, long offset, int length, Endpoint to) throws IOException {
        DatagramChannel ch = channel;
        if (ch == null) throw new ClosedChannelException();
        ch.send(buffer.asSlice(offset, length).asByteBuffer(), to.toSocketAddress());
    }

    @Override
    public synchronized void close() {
        DatagramChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing: nothing left to do
            }
        }
    }
}
