package jwg.ice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import jwg.ice.punch.PunchConsent;

/**
 * The hard side's punched pair in the device: the punch's winning socket (connected to the peer's
 * punched address, so the kernel drops anything else) joined to the device through a loopback
 * socket, as {@link RelayProxy} does for ice4j's relayed socket. The peer's endpoint in the device
 * is the loopback socket: what the device sends there leaves through the winning socket (its NAT
 * mapping is the punched one), and WireGuard from the peer goes on to the device's port. STUN on
 * the pair is the consent check ({@link PunchConsent}), answered here. Two threads and a copy per
 * datagram (reused direct buffers, no allocation); only this path pays it.
 */
final class PunchProxy implements BirthdayPath {
    private static final Logger LOG = Logger.getLogger(PunchProxy.class.getName());
    private static final int MAX_DATAGRAM = 65535;

    private final DatagramChannel pair;
    private final DatagramChannel local;
    private final InetSocketAddress remote;
    private final PunchConsent consent;
    private final Thread up, down;
    private volatile boolean closed;
    private long nextCheck;
    final LongAdder toPeer = new LongAdder(), fromPeer = new LongAdder();

    private PunchProxy(DatagramChannel pair, DatagramChannel local, InetSocketAddress remote, PunchConsent consent) {
        this.pair = pair;
        this.local = local;
        this.remote = remote;
        this.consent = consent;
        this.nextCheck = System.nanoTime();
        this.up = Thread.ofPlatform().daemon().name("jwg-punch-up").start(this::fromPeer);
        this.down = Thread.ofPlatform().daemon().name("jwg-punch-down").start(this::toPeer);
    }

    /** Takes over {@code winner} (closed with the proxy, or here if this fails) for the device on {@code devicePort}. */
    static PunchProxy open(DatagramChannel winner, InetSocketAddress remote, PunchConsent consent, int devicePort)
            throws IOException {
        DatagramChannel local = null;
        try {
            winner.configureBlocking(true);
            winner.connect(remote);
            local = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            local.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), devicePort)); // only the device
            return new PunchProxy(winner, local, remote, consent);
        } catch (IOException | RuntimeException e) {
            winner.close();
            if (local != null) local.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress endpoint() {
        try {
            return (InetSocketAddress) local.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the punch proxy is closed", e);
        }
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public String local() {
        try {
            return "*:" + ((InetSocketAddress) pair.getLocalAddress()).getPort();
        } catch (IOException e) {
            return "closed";
        }
    }

    @Override
    public PunchConsent consent() {
        return consent;
    }

    @Override
    public void tick(long now) {
        if (now - nextCheck < 0) return;
        nextCheck = now + CHECK_EVERY_NANOS;
        try {
            pair.write(ByteBuffer.wrap(consent.request()));
        } catch (IOException e) {
            LOG.fine("punch consent: " + e.getMessage());
        }
    }

    private void fromPeer() {
        ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        java.lang.foreign.MemorySegment seg = java.lang.foreign.MemorySegment.ofBuffer(buf); // the whole buffer
        byte[] stun = new byte[2048];
        while (!closed) {
            try {
                buf.clear();
                int n = pair.read(buf);
                if (n <= 0) continue;
                buf.flip();
                if (IceBind.isWireGuard(seg, 0, n)) {
                    local.write(buf);
                    fromPeer.increment();
                } else if (n <= stun.length) { // the consent check: answered here, anything else dropped
                    buf.get(stun, 0, n);
                    byte[] answer = consent.onDatagram(stun, n, remote);
                    if (answer != null) pair.write(ByteBuffer.wrap(answer));
                } else {
                    consent.dropped.increment();
                }
            } catch (IOException e) { // ICMP unreachable on a connected socket, or closed
                if (closed || !pair.isOpen()) return;
                LOG.fine("punch proxy receive: " + e.getMessage());
            }
        }
    }

    private void toPeer() {
        ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        while (!closed) {
            try {
                buf.clear();
                int n = local.read(buf);
                if (n <= 0) continue;
                buf.flip();
                pair.write(buf);
                toPeer.increment();
            } catch (IOException e) {
                if (closed || !local.isOpen()) return;
                LOG.fine("punch proxy send: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            pair.close();
        } catch (IOException e) {
            // nothing left to do
        }
        try {
            local.close();
        } catch (IOException e) {
            // nothing left to do
        }
        up.interrupt();
        down.interrupt();
    }
}
