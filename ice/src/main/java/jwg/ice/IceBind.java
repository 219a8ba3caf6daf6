package jwg.ice;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.ice.stun.ChannelData;

/**
 * The device's bind with ICE on it: WireGuard and STUN/TURN share one UDP socket. Received
 * datagrams are sorted by Netbird's ICEBind rule — at least 32 bytes whose first four bytes,
 * little-endian, are a WireGuard message type 1..4 go to the device untouched; everything else
 * (STUN, TURN ChannelData) is copied out to the {@link StunMux} and its slot reused. Sends pass
 * straight through: the WireGuard data path costs nothing extra.
 *
 * <p>Relayed peers ({@link RelayRoutes}): a datagram to such a peer is framed as TURN ChannelData
 * where it lies (the data moves up 4 bytes, no copy elsewhere) and goes to the TURN server in the
 * same sendmmsg batch; ChannelData from that server on the peer's channel is unwrapped in place
 * (offset + 4, the header's length, padding ignored) and handed on as if the peer had sent it.
 */
public final class IceBind implements Bind {
    private static final int MIN_WIREGUARD = 32;

    private final Bind inner;
    private final StunMux mux;
    private final RelayRoutes routes;
    private final Endpoint swap = new Endpoint(); // receive thread only
    private byte[] scratch = new byte[2048]; // receive thread only
    /** Per sending thread: the route each slot of the batch being sent was framed for. */
    private final ThreadLocal<RelayRoutes.Route[]> framedSlots =
            ThreadLocal.withInitial(() -> new RelayRoutes.Route[Bind.BATCH]);
    /** Per sending thread: where a single (control) datagram to a relayed peer is framed. */
    private final ThreadLocal<MemorySegment> single =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(ChannelData.HEADER + 0xFFFF));

    public IceBind(Bind inner, StunMux mux) {
        this(inner, mux, mux.routes);
    }

    IceBind(Bind inner, StunMux mux, RelayRoutes routes) {
        this.inner = inner;
        this.mux = mux;
        this.routes = routes;
    }

    /** The relayed peers this bind frames as TURN ChannelData. */
    RelayRoutes routes() {
        return routes;
    }

    @Override
    public int open(int port) throws IOException {
        int p = inner.open(port);
        mux.bind(this);
        return p;
    }

    @Override
    public int port() {
        return inner.port();
    }

    static boolean isWireGuard(MemorySegment b, long off, int len) {
        if (len < MIN_WIREGUARD) return false;
        byte t = b.get(ValueLayout.JAVA_BYTE, off);
        return t >= 1
                && t <= 4
                && b.get(ValueLayout.JAVA_BYTE, off + 1) == 0
                && b.get(ValueLayout.JAVA_BYTE, off + 2) == 0
                && b.get(ValueLayout.JAVA_BYTE, off + 3) == 0;
    }

    @Override
    public int receive(Datagrams batch) throws IOException {
        while (true) {
            int n = inner.receive(batch);
            if (n <= 0) return n;
            int kept = 0;
            RelayRoutes.Route[] rs = routes.snapshot();
            for (int i = 0; i < n; i++) {
                if (isWireGuard(batch.buffer(i), batch.offset(i), batch.length(i))
                        || (rs.length > 0 && unwrap(rs, batch, i))) {
                    if (kept != i) swapSlots(batch, kept, i);
                    kept++;
                } else {
                    toMux(batch, i);
                }
            }
            if (kept > 0) {
                batch.count(kept);
                return kept;
            }
        }
    }

    /** True if slot {@code i} held WireGuard in ChannelData from a relayed peer's channel, now unwrapped in place. */
    private boolean unwrap(RelayRoutes.Route[] rs, Datagrams batch, int i) {
        MemorySegment b = batch.buffer(i);
        long off = batch.offset(i);
        int channel = ChannelData.channel(b, off, batch.length(i));
        if (channel < 0) return false;
        RelayRoutes.Route r = RelayRoutes.forChannel(rs, batch.endpoint(i), channel);
        if (r == null) return false;
        int n = ChannelData.dataLength(b, off);
        if (!isWireGuard(b, off + ChannelData.HEADER, n)) { // the peer's ICE checks: to the mux, for the relay's agent
            routes.notWireGuard.increment();
            return false;
        }
        batch.set(i, b, off + ChannelData.HEADER, n);
        batch.endpoint(i).copyFrom(r.peer());
        routes.unwrapped.increment();
        return true;
    }

    private void toMux(Datagrams batch, int i) {
        int len = batch.length(i);
        if (scratch.length < len) scratch = new byte[len];
        MemorySegment.copy(batch.buffer(i), ValueLayout.JAVA_BYTE, batch.offset(i), scratch, 0, len);
        mux.dispatch(scratch, len, batch.endpoint(i));
    }

    private void swapSlots(Datagrams batch, int a, int b) {
        MemorySegment bufA = batch.buffer(a);
        long offA = batch.offset(a);
        int lenA = batch.length(a);
        batch.set(a, batch.buffer(b), batch.offset(b), batch.length(b));
        batch.set(b, bufA, offA, lenA);
        swap.copyFrom(batch.endpoint(a));
        batch.endpoint(a).copyFrom(batch.endpoint(b));
        batch.endpoint(b).copyFrom(swap);
    }

    @Override
    public int send(Datagrams batch) throws IOException {
        RelayRoutes.Route[] rs = routes.snapshot();
        if (rs.length == 0) return inner.send(batch);
        int count = batch.count();
        RelayRoutes.Route[] framed = framedSlots.get();
        if (framed.length < count) framedSlots.set(framed = new RelayRoutes.Route[count]);
        boolean any = false;
        for (int i = 0; i < count; i++) {
            RelayRoutes.Route r = RelayRoutes.forPeer(rs, batch.endpoint(i));
            int len = batch.length(i);
            if (r == null
                    || len <= 0
                    || batch.offset(i) + ChannelData.HEADER + len
                            > batch.buffer(i).byteSize()) continue;
            batch.length(i, ChannelData.frameInPlace(batch.buffer(i), batch.offset(i), len, r.channel()));
            batch.endpoint(i).copyFrom(r.server());
            framed[i] = r;
            any = true;
        }
        if (!any) return inner.send(batch);
        try {
            return inner.send(batch);
        } finally { // the caller counts what it sent to whom: give it back its lengths and endpoints
            for (int i = 0; i < count; i++) {
                RelayRoutes.Route r = framed[i];
                if (r == null) continue;
                framed[i] = null;
                int len = batch.length(i);
                if (len > 0) batch.length(i, len - ChannelData.HEADER);
                batch.endpoint(i).copyFrom(r.peer());
                routes.framed.increment();
            }
        }
    }

    @Override
    public void send(MemorySegment buffer, long offset, int length, Endpoint to) throws IOException {
        RelayRoutes.Route[] rs = routes.snapshot();
        RelayRoutes.Route r = rs.length == 0 ? null : RelayRoutes.forPeer(rs, to);
        // only WireGuard takes the channel: ICE's own checks to the same address (a direct pair
        // being tried while relayed) must go direct, or the direct path could never be proven
        if (r == null || length > 0xFFFF || !isWireGuard(buffer, offset, length)) {
            inner.send(buffer, offset, length, to);
            return;
        }
        MemorySegment s = single.get(); // the caller's buffer may have no room: frame a copy
        MemorySegment.copy(buffer, offset, s, ChannelData.HEADER, length);
        ChannelData.writeHeader(s, 0, r.channel(), length);
        inner.send(s, 0, ChannelData.HEADER + length, r.server());
        routes.framed.increment();
    }

    /** STUN to a peer is never framed as ChannelData (see {@link #send(MemorySegment, long, int, Endpoint)}). */
    @Override
    public boolean sendWithTtl(MemorySegment buffer, long offset, int length, Endpoint to, int ttl) throws IOException {
        return inner.sendWithTtl(buffer, offset, length, to, ttl);
    }

    @Override
    public boolean ttlControl() {
        return inner.ttlControl();
    }

    @Override
    public boolean gso() {
        return inner.gso();
    }

    @Override
    public boolean gro() {
        return inner.gro();
    }

    @Override
    public void setMark(int mark) throws IOException {
        inner.setMark(mark);
    }

    @Override
    public void close() {
        inner.close();
    }
}
