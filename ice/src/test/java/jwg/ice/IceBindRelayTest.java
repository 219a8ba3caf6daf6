package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.ice.stun.ChannelData;
import org.junit.jupiter.api.Test;

/**
 * The relayed peers' framing in {@link IceBind}, over a scripted inner bind: sends to a relayed
 * peer leave as ChannelData to its TURN server in the same batch (the caller gets its lengths and
 * endpoints back), ChannelData from that server on that channel arrives as the peer's WireGuard,
 * anything else on the relay path does not reach the device.
 */
class IceBindRelayTest {
    static final InetSocketAddress PEER = new InetSocketAddress("198.51.100.7", 51820);
    static final InetSocketAddress DIRECT = new InetSocketAddress("198.51.100.8", 51820);
    static final InetSocketAddress TURN = new InetSocketAddress("203.0.113.1", 3478);
    static final int CHANNEL = 0x4123;

    /** What the device's socket would have sent, and datagrams for it to receive. */
    static final class ScriptedBind implements Bind {
        record Sent(byte[] data, InetSocketAddress to) {}

        final List<Sent> sent = new ArrayList<>();
        final Deque<Sent> toReceive = new ArrayDeque<>();

        @Override
        public int open(int port) {
            return 4242;
        }

        @Override
        public int port() {
            return 4242;
        }

        @Override
        public int receive(Datagrams batch) {
            if (toReceive.isEmpty()) return -1;
            int n = 0;
            while (!toReceive.isEmpty() && n < batch.capacity()) {
                Sent d = toReceive.poll();
                MemorySegment home = batch.home(n);
                MemorySegment.copy(d.data(), 0, home, ValueLayout.JAVA_BYTE, 0, d.data().length);
                batch.set(n, home, 0, d.data().length);
                batch.endpoint(n).set(d.to().getAddress(), d.to().getPort());
                n++;
            }
            batch.count(n);
            return n;
        }

        @Override
        public int send(Datagrams batch) {
            for (int i = 0; i < batch.count(); i++)
                send(batch.buffer(i), batch.offset(i), batch.length(i), batch.endpoint(i));
            return batch.count();
        }

        @Override
        public void send(MemorySegment buffer, long offset, int length, Endpoint to) {
            sent.add(new Sent(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE), to.toSocketAddress()));
        }

        @Override
        public void close() {}
    }

    static byte[] wireGuard(int size, int seed) {
        byte[] b = new byte[size];
        b[0] = 4; // transport data
        for (int i = 4; i < size; i++) b[i] = (byte) (seed + i);
        return b;
    }

    @Test
    void framesRelayedPeersInTheBatchAndGivesTheCallerItsSlotsBack() throws IOException {
        ScriptedBind inner = new ScriptedBind();
        IceBind bind = new IceBind(inner, new StunMux());
        bind.routes().add(PEER, TURN, CHANNEL);
        try (Arena a = Arena.ofConfined()) {
            Datagrams batch = Datagrams.allocate(a, 4, 2048);
            InetSocketAddress[] to = {PEER, DIRECT, PEER};
            byte[][] data = {wireGuard(148, 1), wireGuard(96, 2), wireGuard(1440, 3)};
            for (int i = 0; i < 3; i++) {
                MemorySegment.copy(data[i], 0, batch.buffer(i), ValueLayout.JAVA_BYTE, 0, data[i].length);
                batch.set(i, batch.buffer(i), 0, data[i].length);
                batch.endpoint(i).set(to[i].getAddress(), to[i].getPort());
            }
            batch.count(3);
            assertEquals(3, bind.send(batch));
            assertEquals(3, inner.sent.size(), "one batch, one send each");
            for (int i = 0; i < 3; i++) {
                ScriptedBind.Sent s = inner.sent.get(i);
                if (to[i] == PEER) {
                    assertEquals(TURN, s.to());
                    assertArrayEquals(
                            java.util.Arrays.copyOf(
                                    ChannelData.frame(CHANNEL, data[i], 0, data[i].length), data[i].length + 4),
                            s.data());
                } else {
                    assertEquals(DIRECT, s.to());
                    assertArrayEquals(data[i], s.data(), "a direct peer's datagram untouched");
                }
                assertEquals(data[i].length, batch.length(i), "the caller counts the WireGuard bytes it sent");
                assertEquals(to[i], batch.endpoint(i).toSocketAddress(), "and to whom");
            }
            assertEquals(2, bind.routes().framed.sum());
        }
    }

    @Test
    void aSingleDatagramToARelayedPeerIsFramedToo() throws IOException {
        ScriptedBind inner = new ScriptedBind();
        IceBind bind = new IceBind(inner, new StunMux());
        bind.routes().add(PEER, TURN, CHANNEL);
        byte[] handshake = wireGuard(148, 9);
        handshake[0] = 1;
        bind.send(MemorySegment.ofArray(handshake), 0, handshake.length, Endpoint.of(PEER));
        assertEquals(TURN, inner.sent.get(0).to());
        assertEquals(
                CHANNEL,
                ChannelData.channel(MemorySegment.ofArray(inner.sent.get(0).data()), 0, 152));
        bind.send(MemorySegment.ofArray(handshake), 0, handshake.length, Endpoint.of(DIRECT));
        assertArrayEquals(handshake, inner.sent.get(1).data());
        byte[] stun = StunPacketTest.SAMPLE_REQUEST; // an ICE check to the relayed peer's address
        bind.send(MemorySegment.ofArray(stun), 0, stun.length, Endpoint.of(PEER));
        assertEquals(PEER, inner.sent.get(2).to(), "a check goes direct, never into the channel");
        assertArrayEquals(stun, inner.sent.get(2).data());
    }

    @Test
    void unwrapsTheRelayedPeersChannelDataAndNothingElse() throws IOException {
        ScriptedBind inner = new ScriptedBind();
        StunMux mux = new StunMux();
        IceBind bind = new IceBind(inner, mux);
        RelayRoutes.Route route = bind.routes().add(PEER, TURN, CHANNEL);
        byte[] wg = wireGuard(200, 5);
        byte[] padded = ChannelData.frame(CHANNEL, wg, 0, 198); // 198 data + 2 padding
        inner.toReceive.add(new ScriptedBind.Sent(ChannelData.frame(CHANNEL, wg, 0, wg.length), TURN));
        inner.toReceive.add(
                new ScriptedBind.Sent(ChannelData.frame(CHANNEL + 1, wg, 0, wg.length), TURN)); // other channel
        inner.toReceive.add(
                new ScriptedBind.Sent(ChannelData.frame(CHANNEL, wg, 0, wg.length), DIRECT)); // other sender
        inner.toReceive.add(
                new ScriptedBind.Sent(ChannelData.frame(CHANNEL, new byte[40], 0, 40), TURN)); // not WireGuard
        inner.toReceive.add(new ScriptedBind.Sent(padded, TURN));
        inner.toReceive.add(new ScriptedBind.Sent(wg, DIRECT)); // plain WireGuard still passes
        try (Arena a = Arena.ofConfined()) {
            Datagrams batch = Datagrams.allocate(a, 8, 2048);
            assertEquals(3, bind.receive(batch));
            byte[] first =
                    batch.buffer(0).asSlice(batch.offset(0), batch.length(0)).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(wg, first);
            assertEquals(PEER, batch.endpoint(0).toSocketAddress(), "as if the peer had sent it");
            assertEquals(198, batch.length(1), "the header's length, padding left out");
            assertEquals(PEER, batch.endpoint(1).toSocketAddress());
            assertEquals(DIRECT, batch.endpoint(2).toSocketAddress());
            assertEquals(wg.length, batch.length(2));
            assertEquals(2, bind.routes().unwrapped.sum());
            assertEquals(1, bind.routes().notWireGuard.sum());
            assertEquals(3, mux.stats().received(), "the rest went to the mux (which drops them: no agent)");
            bind.routes().remove(route);
            inner.toReceive.add(new ScriptedBind.Sent(ChannelData.frame(CHANNEL, wg, 0, wg.length), TURN));
            assertEquals(-1, bind.receive(batch), "without the route: to the mux, nothing for the device");
        }
    }
}
