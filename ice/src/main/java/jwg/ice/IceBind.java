package jwg.ice;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;

/**
 * The device's bind with ICE on it: WireGuard and STUN/TURN share one UDP socket. Received
 * datagrams are sorted by Netbird's ICEBind rule — at least 32 bytes whose first four bytes,
 * little-endian, are a WireGuard message type 1..4 go to the device untouched; everything else
 * (STUN, TURN ChannelData) is copied out to the {@link StunMux} and its slot reused. Sends pass
 * straight through: the WireGuard data path costs nothing extra.
 */
public final class IceBind implements Bind {
    private static final int MIN_WIREGUARD = 32;

    private final Bind inner;
    private final StunMux mux;
    private final Endpoint swap = new Endpoint(); // receive thread only
    private byte[] scratch = new byte[2048]; // receive thread only

    public IceBind(Bind inner, StunMux mux) {
        this.inner = inner;
        this.mux = mux;
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
            for (int i = 0; i < n; i++) {
                if (isWireGuard(batch.buffer(i), batch.offset(i), batch.length(i))) {
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
        return inner.send(batch);
    }

    @Override
    public void send(MemorySegment buffer, long offset, int length, Endpoint to) throws IOException {
        inner.send(buffer, offset, length, to);
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
