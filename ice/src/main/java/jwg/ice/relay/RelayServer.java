package jwg.ice.relay;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.ice.stun.ChannelData;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunAddress;
import jwg.ice.stun.StunAttributes;
import jwg.ice.stun.StunMessage;
import jwg.sys.Errno;
import jwg.sys.ErrnoException;

/**
 * A TURN server (RFC 8656, UDP only): one listening socket read by one thread, and per allocation
 * a relayed socket read by a (platform) thread of its own; every socket is the device's batched
 * native kind ({@link LinuxUdpBind}: recvmmsg with UDP_GRO, sendmmsg with UDP GSO). The data path
 * works a batch at a time and allocates nothing per datagram ({@code RelayBatchTest}): ChannelData
 * from a client is looked up once per run of one source and channel ({@link Route}) and leaves the
 * allocation's relayed socket with its header stripped in place; what a peer sends to a relayed
 * socket is framed as ChannelData (one copy behind the 4-byte header) or, with no channel bound,
 * sent as a Data indication. Each reader's datagrams gather in an {@link Outbox} per target socket
 * and leave in one sendmmsg per batch (a run to one endpoint: one GSO message). <b>Relay to
 * relay:</b> when the peer is another allocation's relayed address on this server and that
 * allocation permits the sender's relayed address, the datagram goes straight to that allocation's
 * client, one hop instead of two (the channel number rewritten in place). Requests are answered by
 * {@link TurnRequests}; a sweep once a second ends lapsed allocations, permissions and channels.
 * Bad input is dropped and counted ({@link RelayCounters}), never answered; a bad datagram inside
 * a batch costs only itself.
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RelayServer.class.getName());
    /** UDP GSO/GRO as the device: on unless {@code -Djwg.offload=false}. */
    static final boolean OFFLOAD = !"false".equals(System.getProperty("jwg.offload"));
    /**
     * Messages per read (each a GRO buffer of up to 64 datagrams): the listening socket's sources
     * do not all coalesce (a client without GSO, a path that splits), and 16 keeps those at up to 16
     * datagrams per system call; a relayed socket's peer is usually a device that sends GSO.
     */
    static final int LISTEN_GRO_MESSAGES = 16, RELAYED_GRO_MESSAGES = 4;

    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final RelayConfig config;
    private final LinuxUdpBind listen;
    private final InetSocketAddress address;
    private final RelayCounters counters = new RelayCounters();
    /** By the client's address and by the relayed address; Endpoint keys, so the data path looks up without allocating. */
    private final Map<Endpoint, Allocation> byClient = new ConcurrentHashMap<>();

    private final Map<Endpoint, Allocation> byRelayed = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    private final TurnRequests requests;
    private final Thread reader, sweeper;
    private volatile boolean closed;

    private RelayServer(RelayConfig config) throws IOException {
        this.config = config;
        this.listen = new LinuxUdpBind(OFFLOAD, LISTEN_GRO_MESSAGES);
        this.address = new InetSocketAddress(
                config.listen().getAddress(),
                listen.open(config.listen().getAddress(), config.listen().getPort()));
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

    /**
     * A socket on {@code ip:port} (0: any free port) of the device's batched kind: recvmmsg with
     * UDP_GRO, sendmmsg with UDP_GSO (LinuxUdpBind, 7 MiB buffers); the port is in {@link LinuxUdpBind#port()}.
     */
    private static LinuxUdpBind open(java.net.InetAddress ip, int port) throws IOException {
        LinuxUdpBind s = new LinuxUdpBind(OFFLOAD, RELAYED_GRO_MESSAGES);
        try {
            s.open(ip, port);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Datagrams the readers took per receive call so far (with GRO a coalesced run counts each segment). */
    public double datagramsPerRead() {
        long reads = counters.reads.sum();
        return reads == 0 ? 0 : counters.datagramsRead.sum() / (double) reads;
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
        return byClient.get(Endpoint.of(client));
    }

    /** True if {@code user} may hold one more allocation. */
    boolean underQuota(String user) {
        return perUser.getOrDefault(user, 0) < config.allocationsPerUser();
    }

    /** A new allocation with a relayed socket from the port range; IOException if no port is free. */
    synchronized Allocation allocate(InetSocketAddress client, String user, byte[] key, long lifetimeMs)
            throws IOException {
        LinuxUdpBind relayed = bindRelayed();
        Allocation a = new Allocation(
                client,
                user,
                key,
                relayed,
                new InetSocketAddress(config.relayIp(), relayed.port()),
                millis() + lifetimeMs);
        byClient.put(a.clientEndpoint, a);
        byRelayed.put(a.relayedEndpoint, a);
        perUser.merge(user, 1, Integer::sum);
        a.reader = Thread.ofPlatform()
                .daemon()
                .name("jwg-relay-" + a.relayedAddress)
                .start(() -> readRelayed(a));
        LOG.fine(() -> "allocation " + a.relayedAddress + " for " + client + " (" + user + ")");
        return a;
    }

    private LinuxUdpBind bindRelayed() throws IOException {
        int min = config.minPort(), max = config.maxPort();
        if (min == 0) return open(config.relayIp(), 0);
        int n = max - min + 1, start = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            int port = min + (start + i) % n;
            if (byRelayed.containsKey(Endpoint.of(new InetSocketAddress(config.relayIp(), port)))) continue;
            try {
                return open(config.relayIp(), port);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EADDRINUSE) throw e; // else taken by another process: the next one
            }
        }
        throw new IOException("no free relay port in " + min + "-" + max);
    }

    /** Ends an allocation: its sockets close, its permissions and channels go with it. */
    synchronized void release(Allocation a) {
        if (!byClient.remove(a.clientEndpoint, a)) return;
        byRelayed.remove(a.relayedEndpoint, a);
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

    /**
     * The listening socket's reader: a batch at a time (recvmmsg; with UDP_GRO a client's run of
     * equal-sized ChannelData arrives as one buffer, split into slots where it lies). ChannelData
     * goes out of its allocation's relayed socket with the header stripped (in place), or, relay to
     * relay, to the other allocation's client with the channel number rewritten in place; both
     * outboxes leave with one sendmmsg each (GSO runs) before the next receive. STUN goes to the
     * control path one message at a time. A bad datagram costs only itself.
     */
    private void readListen() {
        Datagrams in = batchFor(listen, LISTEN_GRO_MESSAGES);
        Outbox toPeers = new Outbox(counters.toPeers, counters.sendFailed),
                toClients = new Outbox(counters.shortcut, counters.sendFailed);
        Route route = new Route();
        while (!closed) {
            int n;
            try {
                n = listen.receive(in);
            } catch (IOException e) {
                if (closed) return;
                continue;
            }
            if (n < 0) return;
            counters.reads.increment();
            counters.datagramsRead.add(n);
            long now = millis();
            route.clear();
            for (int i = 0; i < n; i++) {
                MemorySegment buf = in.buffer(i);
                long off = in.offset(i);
                int len = in.length(i);
                Endpoint from = in.endpoint(i);
                try {
                    byte first = len > 0 ? buf.get(ValueLayout.JAVA_BYTE, off) : 0;
                    if (len >= ChannelData.HEADER && (first & 0xC0) == 0x40)
                        fromClient(from, buf, off, len, now, route, toPeers, toClients);
                    else if (len >= Stun.HEADER && (first & 0xC0) == 0) {
                        toPeers.flush(); // what came before leaves first
                        toClients.flush();
                        route.clear();
                        stun(from, buf, off, len);
                    } else counters.malformed.increment();
                } catch (RuntimeException e) {
                    counters.malformed.increment();
                    LOG.fine(() -> "dropped a datagram from " + from + ": " + e);
                }
            }
            toPeers.flush();
            toClients.flush();
        }
    }

    /** The receive batch for {@code s}: slots into its GRO buffers, or buffers of their own without GRO. */
    private static Datagrams batchFor(LinuxUdpBind s, int groMessages) {
        return s.gro() ? new Datagrams(groMessages * 64) : Datagrams.allocate(Arena.ofAuto(), NO_GRO_BATCH, 65536);
    }

    /** Without UDP_GRO: datagrams per receive (each slot 64 KiB). */
    static final int NO_GRO_BATCH = 16;

    /** ChannelData from a client: to the channel's peer. */
    private void fromClient(
            Endpoint from, MemorySegment buf, long off, int len, long now, Route r, Outbox toPeers, Outbox toClients) {
        int channel = Short.toUnsignedInt(buf.get(SHORT_BE, off)),
                dataLength = Short.toUnsignedInt(buf.get(SHORT_BE, off + 2));
        if (ChannelData.HEADER + dataLength > len) {
            counters.malformed.increment();
            return;
        }
        if (channel != r.channel || !from.sameAs(r.source)) route(from, channel, now, r);
        switch (r.action) {
            case Route.TO_PEER ->
                toPeers.point(r.a.relayed, buf, off + ChannelData.HEADER, dataLength, r.c.peerEndpoint);
            case Route.SHORTCUT -> {
                buf.set(SHORT_BE, off, (short) r.back.number);
                toClients.point(listen, buf, off, ChannelData.HEADER + dataLength, r.b.clientEndpoint);
            }
            case Route.SHORTCUT_INDICATION -> {
                byte[] data = new byte[dataLength];
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, off + ChannelData.HEADER, data, 0, dataLength);
                toClients.flush();
                counters.shortcut.increment();
                counters.dataIndications.increment();
                sendTo(dataIndication(r.a.relayedAddress, data), r.b.clientEndpoint, null);
            }
            default -> r.drop.increment();
        }
    }

    /** Looks up where ChannelData from {@code from} on {@code channel} goes (see {@link #toPeer}). */
    private void route(Endpoint from, int channel, long now, Route r) {
        r.source.copyFrom(from);
        r.channel = channel;
        r.action = Route.DROP;
        r.a = byClient.get(from);
        if (r.a == null) {
            r.drop = counters.noAllocation;
            return;
        }
        r.c = r.a.channel(channel, now);
        if (r.c == null) {
            r.drop = counters.noChannel;
            return;
        }
        r.action = target(r.a, r.c.peerEndpoint, now, r);
    }

    /**
     * Where allocation {@code a}'s datagram for {@code peer} goes: dropped without a permission,
     * straight to the peer allocation's client when the peer is a relayed address of this server
     * (and it permits a's relayed address), else out of a's relayed socket. Sets {@code r.b},
     * {@code r.back}, {@code r.drop}.
     */
    private int target(Allocation a, Endpoint peer, long now, Route r) {
        if (!a.permitted(peer, r.scratch, now)) {
            r.drop = counters.noPermission;
            return Route.DROP;
        }
        Allocation b = byRelayed.get(peer);
        if (b == null) return Route.TO_PEER;
        if (!b.permitted(a.relayedEndpoint, r.scratch, now)) {
            r.drop = counters.noPermission;
            return Route.DROP;
        }
        r.b = b;
        r.back = b.channelFor(a.relayedEndpoint, now);
        return r.back != null ? Route.SHORTCUT : Route.SHORTCUT_INDICATION;
    }

    /** STUN on the listening socket (control path, allocates): requests answered, Send indications relayed. */
    private void stun(Endpoint source, MemorySegment buf, long off, int len) throws RuntimeException {
        byte[] b = new byte[len];
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, off, b, 0, len);
        if (!StunAttributes.wellFormed(b, len)) {
            counters.malformed.increment();
            return;
        }
        int type = Stun.type(b), cls = Stun.messageClass(type);
        if (cls == Stun.REQUEST) {
            byte[] response = requests.handle(source.toSocketAddress(), b, len);
            if (response != null) sendTo(response, source, counters.toClients);
        } else if (cls == Stun.INDICATION && Stun.method(type) == Stun.SEND) {
            sendIndication(source, b, len);
        } else counters.unexpected.increment();
    }

    private void sendIndication(Endpoint source, byte[] b, int len) {
        Allocation a = byClient.get(source);
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
        int off = StunAttributes.valueOffset(pd), dataLength = StunAttributes.valueLength(b, pd);
        Endpoint to = Endpoint.of(peer);
        Route r = new Route();
        switch (target(a, to, millis(), r)) {
            case Route.TO_PEER -> {
                MemorySegment out = CONTROL_BUFFER.get();
                MemorySegment.copy(b, off, out, ValueLayout.JAVA_BYTE, 0, dataLength);
                send(a.relayed, out, dataLength, to, counters.toPeers);
            }
            case Route.SHORTCUT -> {
                byte[] framed = new byte[ChannelData.HEADER + dataLength];
                framed[0] = (byte) (r.back.number >> 8);
                framed[1] = (byte) r.back.number;
                framed[2] = (byte) (dataLength >> 8);
                framed[3] = (byte) dataLength;
                System.arraycopy(b, off, framed, ChannelData.HEADER, dataLength);
                sendTo(framed, r.b.clientEndpoint, counters.shortcut);
            }
            case Route.SHORTCUT_INDICATION -> {
                counters.shortcut.increment();
                counters.dataIndications.increment();
                sendTo(
                        dataIndication(a.relayedAddress, java.util.Arrays.copyOfRange(b, off, off + dataLength)),
                        r.b.clientEndpoint,
                        null);
            }
            default -> r.drop.increment();
        }
    }

    private static byte[] dataIndication(InetSocketAddress peer, byte[] data) {
        return StunMessage.of(Stun.DATA, Stun.INDICATION, TurnRequests.transactionId())
                .add(Stun.XOR_PEER_ADDRESS, peer)
                .add(Stun.DATA_ATTRIBUTE, data)
                .encode(null, false);
    }

    /** A native buffer per thread for the control path's sends (responses, indications). */
    private static final ThreadLocal<MemorySegment> CONTROL_BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(65536, 16));

    /** Sends {@code b} to {@code to} from the listening socket (control path). */
    private void sendTo(byte[] b, Endpoint to, LongAdder sent) {
        MemorySegment out = CONTROL_BUFFER.get();
        MemorySegment.copy(b, 0, out, ValueLayout.JAVA_BYTE, 0, b.length);
        send(listen, out, b.length, to, sent == null ? counters.toClients : sent);
    }

    private void send(LinuxUdpBind s, MemorySegment out, int len, Endpoint to, LongAdder sent) {
        try {
            s.send(out, 0, len, to);
            sent.increment();
        } catch (IOException e) {
            counters.sendFailed.increment();
        }
    }

    /**
     * An allocation's relayed socket's reader: a batch at a time (with UDP_GRO a peer's run of
     * equal-sized datagrams is one buffer); each datagram from a permitted peer is framed as
     * ChannelData into the outbox (one copy behind the 4-byte header) and the batch leaves the
     * listening socket in one sendmmsg (GSO runs) — or as a Data indication when no channel is bound.
     */
    private void readRelayed(Allocation a) {
        Datagrams in = batchFor(a.relayed, RELAYED_GRO_MESSAGES);
        Outbox toClient = new Outbox(counters.toClients, counters.sendFailed);
        Endpoint last = new Endpoint(), scratch = new Endpoint();
        while (!closed) {
            int n;
            try {
                n = a.relayed.receive(in);
            } catch (IOException e) {
                if (closed) return;
                continue;
            }
            if (n < 0) return;
            counters.reads.increment();
            counters.datagramsRead.add(n);
            long now = millis();
            last.clear();
            boolean permitted = false;
            Allocation.Channel c = null;
            for (int i = 0; i < n; i++) {
                Endpoint from = in.endpoint(i);
                if (!from.sameAs(last)) { // once per run from one peer
                    last.copyFrom(from);
                    permitted = a.permitted(from, scratch, now);
                    c = permitted ? a.channelFor(from, now) : null;
                }
                if (!permitted) counters.noPermission.increment();
                else if (c != null)
                    toClient.frame(listen, c.number, in.buffer(i), in.offset(i), in.length(i), a.clientEndpoint);
                else {
                    toClient.flush();
                    counters.dataIndications.increment();
                    byte[] data = new byte[in.length(i)];
                    MemorySegment.copy(in.buffer(i), ValueLayout.JAVA_BYTE, in.offset(i), data, 0, data.length);
                    sendTo(dataIndication(from.toSocketAddress(), data), a.clientEndpoint, null);
                }
            }
            toClient.flush();
        }
    }

    @Override
    public void close() {
        closed = true;
        listen.close();
        sweeper.interrupt();
        for (Allocation a : byClient.values()) release(a);
    }
}
