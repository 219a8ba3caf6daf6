package jwg.ice.relay;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import jwg.ice.stun.ChannelData;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunAddress;
import jwg.ice.stun.StunAttributes;
import jwg.ice.stun.StunMessage;

/**
 * A TURN server (RFC 8656, UDP only): one listening socket read by one thread, and per allocation
 * a relayed socket read by a (platform) thread of its own. The ChannelData paths are written to
 * allocate nothing per datagram (no allocation test yet): ChannelData from a client is looked up by (client address, channel number) and sent
 * from the allocation's relayed socket where it lies; what a peer sends to a relayed socket goes
 * back to the client as ChannelData framed in place (4 bytes of headroom before the data), or as a
 * Data indication when no channel is bound. <b>Relay to relay:</b> when the peer is another
 * allocation's relayed address on this server and that allocation permits the sender's relayed
 * address, the datagram goes straight to that allocation's client, one hop instead of two (the
 * ChannelData header is rewritten in place). Requests are answered by {@link TurnRequests}; a
 * sweep once a second ends lapsed allocations, permissions and channels. Bad input is dropped
 * and counted ({@link RelayCounters}), never answered.
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RelayServer.class.getName());
    /** Socket buffers of the listening and relayed sockets, as the device's (7 MiB). */
    static final int SOCKET_BUFFER = 7 << 20;

    private final RelayConfig config;
    private final DatagramChannel listen;
    private final InetSocketAddress address;
    private final RelayCounters counters = new RelayCounters();
    private final Map<InetSocketAddress, Allocation> byClient = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Allocation> byRelayed = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    private final TurnRequests requests;
    private final Thread reader, sweeper;
    private volatile boolean closed;

    private RelayServer(RelayConfig config) throws IOException {
        this.config = config;
        this.listen = open(config.listen());
        this.address = (InetSocketAddress) listen.getLocalAddress();
        this.requests = new TurnRequests(this, config, counters);
        this.reader = Thread.ofPlatform().name("jwg-relay-listen").daemon().unstarted(this::readListen);
        this.sweeper = Thread.ofPlatform().name("jwg-relay-sweep").daemon().unstarted(this::sweep);
    }

    /** Binds the listening socket and starts serving. */
    public static RelayServer start(RelayConfig config) throws IOException {
        RelayServer s = new RelayServer(config);
        s.reader.start();
        s.sweeper.start();
        return s;
    }

    private static DatagramChannel open(InetSocketAddress bind) throws IOException {
        DatagramChannel c = DatagramChannel.open(
                bind.getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            c.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            c.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            c.bind(bind);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The listening socket's address. */
    public InetSocketAddress address() {
        return address;
    }

    public RelayCounters counters() {
        return counters;
    }

    /** Allocations now. */
    public int allocations() {
        return byClient.size();
    }

    static long millis() {
        return System.nanoTime() / 1_000_000;
    }

    // ------------------------------------------------------------------ allocations (TurnRequests)

    Allocation allocation(InetSocketAddress client) {
        return byClient.get(client);
    }

    /** True if {@code user} may hold one more allocation. */
    boolean underQuota(String user) {
        return perUser.getOrDefault(user, 0) < config.allocationsPerUser();
    }

    /** A new allocation with a relayed socket from the port range; IOException if no port is free. */
    synchronized Allocation allocate(InetSocketAddress client, String user, byte[] key, long lifetimeMs)
            throws IOException {
        DatagramChannel relayed = bindRelayed();
        Allocation a = new Allocation(
                client,
                user,
                key,
                relayed,
                new InetSocketAddress(config.relayIp(), portOf(relayed)),
                millis() + lifetimeMs);
        byClient.put(client, a);
        byRelayed.put(a.relayedAddress, a);
        perUser.merge(user, 1, Integer::sum);
        a.reader = Thread.ofPlatform()
                .daemon()
                .name("jwg-relay-" + a.relayedAddress)
                .start(() -> readRelayed(a));
        LOG.fine(() -> "allocation " + a.relayedAddress + " for " + client + " (" + user + ")");
        return a;
    }

    private static int portOf(DatagramChannel c) throws IOException {
        return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }

    private DatagramChannel bindRelayed() throws IOException {
        int min = config.minPort(), max = config.maxPort();
        if (min == 0) return open(new InetSocketAddress(config.relayIp(), 0));
        int n = max - min + 1, start = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            int port = min + (start + i) % n;
            if (byRelayed.containsKey(new InetSocketAddress(config.relayIp(), port))) continue;
            try {
                return open(new InetSocketAddress(config.relayIp(), port));
            } catch (java.net.BindException e) {
                // taken by another process: the next one
            }
        }
        throw new IOException("no free relay port in " + min + "-" + max);
    }

    /** Ends an allocation: its sockets close, its permissions and channels go with it. */
    synchronized void release(Allocation a) {
        if (!byClient.remove(a.client, a)) return;
        byRelayed.remove(a.relayedAddress, a);
        perUser.computeIfPresent(a.user, (u, n) -> n <= 1 ? null : n - 1);
        a.close();
        LOG.fine(() -> "allocation " + a.relayedAddress + " for " + a.client + " ended");
    }

    private void sweep() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = millis();
            for (Allocation a : byClient.values()) {
                if (a.expiresMs <= now) release(a);
                else a.sweep(now);
            }
        }
    }

    // ------------------------------------------------------------------ the data path

    private void readListen() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        while (!closed) {
            InetSocketAddress from;
            try {
                buf.clear();
                from = (InetSocketAddress) listen.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            int len = buf.position();
            try {
                if (len >= ChannelData.HEADER && (buf.get(0) & 0xC0) == 0x40) fromClient(from, buf, len);
                else if (len >= Stun.HEADER && (buf.get(0) & 0xC0) == 0) stun(from, buf, len);
                else counters.malformed.increment();
            } catch (RuntimeException e) {
                counters.malformed.increment();
                LOG.fine(() -> "dropped a datagram from " + from + ": " + e);
            }
        }
    }

    /** ChannelData from a client: to the channel's peer. */
    private void fromClient(InetSocketAddress from, ByteBuffer buf, int len) {
        int channel = Short.toUnsignedInt(buf.getShort(0)), dataLength = Short.toUnsignedInt(buf.getShort(2));
        if (ChannelData.HEADER + dataLength > len) {
            counters.malformed.increment();
            return;
        }
        Allocation a = byClient.get(from);
        if (a == null) {
            counters.noAllocation.increment();
            return;
        }
        long now = millis();
        Allocation.Channel c = a.channel(channel, now);
        if (c == null) {
            counters.noChannel.increment();
            return;
        }
        toPeer(a, c.peer, buf, ChannelData.HEADER, dataLength, now);
    }

    /** STUN on the listening socket: requests answered, Send indications relayed, the rest dropped. */
    private void stun(InetSocketAddress from, ByteBuffer buf, int len) throws RuntimeException {
        byte[] b = new byte[len];
        buf.get(0, b);
        if (!StunAttributes.wellFormed(b, len)) {
            counters.malformed.increment();
            return;
        }
        int type = Stun.type(b), cls = Stun.messageClass(type);
        if (cls == Stun.REQUEST) {
            byte[] response = requests.handle(from, b, len);
            if (response != null) sendTo(ByteBuffer.wrap(response), from);
        } else if (cls == Stun.INDICATION && Stun.method(type) == Stun.SEND) {
            sendIndication(from, b, len, buf);
        } else counters.unexpected.increment();
    }

    private void sendIndication(InetSocketAddress from, byte[] b, int len, ByteBuffer buf) {
        Allocation a = byClient.get(from);
        if (a == null) {
            counters.noAllocation.increment();
            return;
        }
        int pp = StunAttributes.find(b, len, Stun.XOR_PEER_ADDRESS),
                pd = StunAttributes.find(b, len, Stun.DATA_ATTRIBUTE);
        InetSocketAddress peer = pp < 0 ? null : StunAddress.decode(b, pp);
        if (peer == null || pd < 0) {
            counters.malformed.increment();
            return;
        }
        toPeer(a, peer, buf, StunAttributes.valueOffset(pd), StunAttributes.valueLength(b, pd), millis());
    }

    /**
     * Sends the {@code len} bytes at {@code off} of {@code buf} ({@code off >= 4}) from allocation
     * {@code a} to {@code peer}: straight to the peer allocation's client when the peer is a relayed
     * address of this server, else from a's relayed socket.
     */
    private void toPeer(Allocation a, InetSocketAddress peer, ByteBuffer buf, int off, int len, long now) {
        if (!a.permitted(peer.getAddress(), now)) {
            counters.noPermission.increment();
            return;
        }
        Allocation b = byRelayed.get(peer);
        if (b != null) {
            if (b.permitted(a.relayedAddress.getAddress(), now)) {
                counters.shortcut.increment();
                toClient(b, a.relayedAddress, buf, off, len, now);
            } else counters.noPermission.increment();
            return;
        }
        buf.limit(off + len).position(off);
        try {
            a.relayed.send(buf, peer);
            counters.toPeers.increment();
        } catch (IOException e) {
            counters.sendFailed.increment();
        }
    }

    /** What {@code peer} sent to allocation {@code a}: to a's client, as ChannelData or a Data indication. */
    private void toClient(Allocation a, InetSocketAddress peer, ByteBuffer buf, int off, int len, long now) {
        Allocation.Channel c = a.channelFor(peer, now);
        ByteBuffer out;
        if (c != null) {
            buf.putShort(off - 4, (short) c.number).putShort(off - 2, (short) len);
            buf.limit(off + len).position(off - 4);
            out = buf;
        } else {
            byte[] data = new byte[len];
            buf.get(off, data);
            out = ByteBuffer.wrap(StunMessage.of(Stun.DATA, Stun.INDICATION, TurnRequests.transactionId())
                    .add(Stun.XOR_PEER_ADDRESS, peer)
                    .add(Stun.DATA_ATTRIBUTE, data)
                    .encode(null, false));
        }
        sendTo(out, a.client);
    }

    private void sendTo(ByteBuffer out, InetSocketAddress to) {
        try {
            listen.send(out, to);
            counters.toClients.increment();
        } catch (IOException e) {
            counters.sendFailed.increment();
        }
    }

    private void readRelayed(Allocation a) {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        while (!closed && a.relayed.isOpen()) {
            InetSocketAddress from;
            try {
                buf.clear().position(ChannelData.HEADER);
                from = (InetSocketAddress) a.relayed.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            int len = buf.position() - ChannelData.HEADER;
            long now = millis();
            if (!a.permitted(from.getAddress(), now)) {
                counters.noPermission.increment();
                continue;
            }
            toClient(a, from, buf, ChannelData.HEADER, len, now);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listen.close();
        } catch (IOException e) {
            // closing
        }
        sweeper.interrupt();
        for (Allocation a : byClient.values()) release(a);
    }
}
