package jwg.dataplane;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.logging.Logger;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.Keypair;
import jwg.noise.Tunnel;
import jwg.noise.crypto.ChaCha20Poly1305;

/**
 * The outbound path, one thread: read a packet from the TUN device into an off-heap buffer
 * (leaving {@link #HEADROOM} bytes in front), route it by destination through the AllowedIPs,
 * seal it in place with the peer's current keypair and send it to the peer's endpoint.
 * Without a session the packet is staged and the conductor asked for a handshake.
 * Allocates nothing per packet.
 */
final class Sender implements Runnable {
    private static final Logger LOG = Logger.getLogger(Sender.class.getName());
    /** Room for the 16-byte transport header, so the datagram is built in place. */
    static final int HEADROOM = 16;
    static final int BUFFER_SIZE = 65536 + 64;

    private final Device device;
    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    private Thread thread;

    Sender(Device device) {
        this.device = device;
    }

    void start() {
        thread = Thread.ofPlatform().name("jwg-send-" + device.name()).daemon().start(this);
    }

    void join() {
        try {
            if (thread != null) thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(BUFFER_SIZE, 64);
            while (!device.isClosed()) {
                int n;
                try {
                    n = device.tun.read(buf, HEADROOM, BUFFER_SIZE - HEADROOM - 64);
                } catch (IOException e) {
                    if (!device.isClosed()) LOG.warning("TUN read failed, closing the device: " + e.getMessage());
                    break;
                }
                if (n < 0) break; // TUN closed
                if (n > 0) send(buf, n);
            }
        }
        device.tunEnded();
    }

    /** Routes, seals and sends one packet of {@code n} bytes at {@code buf[HEADROOM]}. */
    private void send(MemorySegment buf, int n) {
        int version = (buf.get(ValueLayout.JAVA_BYTE, HEADROOM) & 0xf0) >> 4;
        if ((version != 4 || n < 20) && (version != 6 || n < 40)) {
            device.stats.drop(DeviceStats.Drop.NOT_IP);
            return;
        }
        Peer peer = device.allowedIps.lookupDestination(buf, HEADROOM);
        if (peer == null) {
            device.stats.drop(DeviceStats.Drop.NO_ROUTE);
            return;
        }
        Tunnel tunnel = peer.tunnel;
        Endpoint to = peer.endpoint;
        if (tunnel == null || to == null) {
            device.stats.drop(to == null ? DeviceStats.Drop.NO_ENDPOINT : DeviceStats.Drop.NO_ROUTE);
            return;
        }
        long now = System.nanoTime();
        Keypair kp = peer.hasStaged ? null : tunnel.sendingKeypair(now); // keep order behind staged packets
        long counter = kp == null ? -1 : kp.nextSendCounter();
        if (counter == -1) {
            if (peer.stage(buf, HEADROOM, n)) device.stats.drop(DeviceStats.Drop.STAGED_OVERFLOW);
            device.conductor.wake();
            return;
        }
        int len = kp.seal(aead, counter, buf, HEADROOM, n, buf, 0, device.mtu);
        Bind b = device.bind;
        try {
            if (b == null) throw new IOException("no bind");
            b.send(buf, 0, len, to);
            peer.txBytes += len;
        } catch (IOException e) {
            device.stats.drop(DeviceStats.Drop.IO_ERROR);
        }
        if (tunnel.sentData(now, kp, false)) device.conductor.wake();
    }
}
