package jwg.dataplane;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.logging.Logger;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.noise.Action;
import jwg.noise.NoiseDevice;
import jwg.noise.Output;

/**
 * The inbound path, one thread: receive a batch of datagrams; transport messages are opened in
 * place, checked against the replay window and the sender's AllowedIPs, and written to the TUN
 * device; handshake messages go to the conductor's queue; anything else is dropped and counted.
 * Authenticated packets move the peer's endpoint to where they came from (roaming).
 */
final class Receiver implements Runnable {
    private static final Logger LOG = Logger.getLogger(Receiver.class.getName());
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int MIN_MESSAGE = 32;
    static final int HEADER = 16;

    private final Device device;
    private final Output out = new Output();
    private Thread thread;

    Receiver(Device device) {
        this.device = device;
    }

    void start() {
        thread = Thread.ofPlatform().name("jwg-recv-" + device.name()).daemon().start(this);
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
            Datagrams batch = Datagrams.allocate(arena, Bind.BATCH, Sender.BUFFER_SIZE);
            while (!device.isClosed()) {
                Bind b = device.bind;
                if (b == null) {
                    sleepBriefly();
                    continue;
                }
                int n;
                try {
                    n = b.receive(batch);
                } catch (IOException e) {
                    if (device.isClosed()) break;
                    LOG.fine("UDP receive: " + e.getMessage());
                    continue;
                }
                if (n < 0) { // this bind was closed: re-read device.bind (replaced on a port change)
                    if (device.bind == b) sleepBriefly();
                    continue;
                }
                for (int i = 0; i < n; i++) receive(batch.buffer(i), batch.offset(i), batch.length(i), batch.endpoint(i));
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void receive(MemorySegment d, long off, int len, Endpoint from) {
        int type = len >= 4 ? d.get(INT_LE, off) : 0;
        if (len < MIN_MESSAGE || type < 1 || type > 4) {
            device.stats.drop(DeviceStats.Drop.NOT_WIREGUARD);
            return;
        }
        if (type != 4) {
            device.conductor.enqueueHandshake(d, off, len, from);
            return;
        }
        NoiseDevice noise = device.noise;
        if (noise == null) {
            device.stats.drop(DeviceStats.Drop.NOT_WIREGUARD);
            return;
        }
        // Inline: look up the receiver index, check the window, open in place (the plaintext
        // lands at off + 16), then the ordered checks. The core counts every drop.
        Action a = noise.decapsulate(System.nanoTime(), d, off, len, null, out.set(d, off + HEADER, len));
        if (a == Action.DROPPED) return;
        Peer peer = out.tunnel == null ? null : device.byTunnel.get(out.tunnel);
        if (peer == null) return;
        peer.rxBytes += len;
        Endpoint ep = peer.endpoint;
        if (ep == null || !ep.sameAs(from)) { // roaming: follow the authenticated packet
            Endpoint copy = new Endpoint();
            copy.copyFrom(from);
            peer.endpoint = copy;
        }
        if (out.flushStaged) device.conductor.wake();
        if (a == Action.WRITE_TO_TUNNEL_V4 || a == Action.WRITE_TO_TUNNEL_V6) {
            if (device.allowedIps.lookupSource(d, off + HEADER) != peer) {
                device.stats.drop(DeviceStats.Drop.SOURCE_NOT_ALLOWED);
                return;
            }
            try {
                device.tun.write(d, off + HEADER, out.length);
            } catch (IOException e) {
                device.stats.drop(DeviceStats.Drop.IO_ERROR);
            }
        }
    }
}
