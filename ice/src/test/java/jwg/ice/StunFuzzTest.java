package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import jwg.dataplane.bind.Endpoint;
import jwg.ice.stun.ChannelData;

/**
 * Fuzz target (docs/fuzzing.md): the STUN/TURN demux that every non-WireGuard datagram on the
 * device's socket goes through. {@link StunPacket} (over the codec in jwg.ice.stun) reads heap
 * arrays in place and never throws, and {@link StunMux#dispatch} routes or counts as unroutable,
 * never throws. The datagram sits in a
 * larger receive buffer whose tail is stale bytes, as it does in a real receive.
 */
class StunFuzzTest {
    private static final StunMux MUX = new StunMux();
    private static final Endpoint FROM = Endpoint.of(new InetSocketAddress("192.0.2.7", 3478));

    static {
        try {
            // an agent whose local ufrag is "ufrag": a request with USERNAME "ufrag:..." routes to it
            MUX.register("ufrag", new SharedSocket(MUX, new InetSocketAddress("192.0.2.1", 51820)));
        } catch (SocketException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void demux(byte[] data) {
        int len = data.length;
        byte[] buf = Arrays.copyOf(data, len + 64);
        Arrays.fill(buf, len, buf.length, (byte) 0x41); // stale bytes past the datagram
        StunPacket.Kind kind = StunPacket.kind(buf, len);
        assertEquals(kind, StunPacket.kind(data, len), "bytes past len must not matter");
        switch (kind) {
            case REQUEST, INDICATION, RESPONSE -> {
                assertTrue(StunPacket.isStun(buf, len));
                assertEquals(24, StunPacket.transactionId(buf).length());
                String user = StunPacket.username(buf, len);
                assertEquals(user, StunPacket.username(data, len), "bytes past len must not matter");
                String local = StunPacket.localUfrag(buf, len);
                if (local != null) assertTrue(user.startsWith(local + ":"));
            }
            case CHANNEL_DATA -> assertTrue(ChannelData.isChannelData(buf, len));
            case OTHER -> assertFalse(StunPacket.isStun(buf, len));
        }
        long before = MUX.received.sum();
        MUX.dispatch(buf, len, FROM);
        assertEquals(before + 1, MUX.received.sum());
    }
}
