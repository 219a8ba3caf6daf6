package jwg.ice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import org.ice4j.TransportAddress;
import org.ice4j.ice.CandidatePair;

/**
 * Carries a peer's WireGuard datagrams over a TURN-relayed pair. ice4j's relayed candidate has
 * its own socket (TURN Send/Data indications and ChannelData), so — as Netbird's wgproxy does —
 * the device's endpoint for the peer becomes a loopback socket of this proxy: what the device
 * sends there goes out through the relay to the remote candidate, and what the relay delivers is
 * sent on to the device's port from it. Only the relayed path pays for this copy.
 */
final class RelayProxy implements RelayPath {
    private static final Logger LOG = Logger.getLogger(RelayProxy.class.getName());
    private static final int MAX_DATAGRAM = 65535;

    private final DatagramSocket relay;
    private final InetSocketAddress remote;
    private final DatagramSocket local;
    private final InetSocketAddress device;
    private final Thread up;
    private final Thread down;
    private volatile boolean closed;
    final LongAdder toPeer = new LongAdder();
    final LongAdder fromPeer = new LongAdder();

    RelayProxy(CandidatePair pair, int devicePort, String name) throws SocketException {
        this.relay = pair.getIceSocketWrapper().getUDPSocket();
        TransportAddress r = pair.getRemoteCandidate().getTransportAddress();
        this.remote = new InetSocketAddress(r.getAddress(), r.getPort());
        this.local = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.device = new InetSocketAddress(InetAddress.getLoopbackAddress(), devicePort);
        this.up = Thread.ofPlatform().daemon().name("jwg-relay-up-" + name).start(this::fromRelay);
        this.down = Thread.ofPlatform().daemon().name("jwg-relay-down-" + name).start(this::toRelay);
    }

    /** Where the device sends the peer's datagrams. */
    InetSocketAddress address() {
        return (InetSocketAddress) local.getLocalSocketAddress();
    }

    @Override
    public InetSocketAddress endpoint() {
        return address();
    }

    private void fromRelay() {
        byte[] buf = new byte[MAX_DATAGRAM];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setData(buf);
                relay.receive(p);
                if (!IceBind.isWireGuard(java.lang.foreign.MemorySegment.ofArray(buf), p.getOffset(), p.getLength()))
                    continue;
                local.send(new DatagramPacket(buf, p.getOffset(), p.getLength(), device));
                fromPeer.increment();
            } catch (IOException e) {
                if (!closed) LOG.fine("relay receive: " + e.getMessage());
                if (relay.isClosed()) return;
            }
        }
    }

    private void toRelay() {
        byte[] buf = new byte[MAX_DATAGRAM];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setData(buf);
                local.receive(p);
                if (!p.getSocketAddress().equals(device)) continue; // only the device may use the proxy
                relay.send(new DatagramPacket(buf, p.getOffset(), p.getLength(), remote));
                toPeer.increment();
            } catch (IOException e) {
                if (!closed) LOG.fine("relay send: " + e.getMessage());
                if (local.isClosed()) return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        local.close(); // the relayed socket itself is ice4j's: freed with the agent
        up.interrupt();
    }
}
