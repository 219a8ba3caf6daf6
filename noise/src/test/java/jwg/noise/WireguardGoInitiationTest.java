package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real initiations captured from wireguard-go are accepted by our responder. */
class WireguardGoInitiationTest {

    @SuppressWarnings("unchecked")
    @Test
    void acceptsEveryCapturedInitiation() throws Exception {
        var list = (List<Map<String, Object>>) JsonReader.parse(Vectors.read("wireguard-go-initiations.json"));
        assertFalse(list.isEmpty());
        for (var v : list) {
            PrivateKey responder = PrivateKey.fromBase64((String) v.get("responder_private_key"));
            assertEquals(v.get("responder_public_key"), responder.publicKey().toBase64());
            PublicKey initiator = PublicKey.fromBase64((String) v.get("initiator_public_key"));
            PresharedKey psk = v.get("preshared_key") == null
                    ? PresharedKey.none()
                    : PresharedKey.fromBase64((String) v.get("preshared_key"));
            long captured =
                    ((BigDecimal) v.get("captured_unix_time")).movePointRight(9).longValue();

            ProtocolCore dev = new ProtocolCore(responder, new SecureRandom(), () -> captured);
            Tunnel t = dev.addPeer(initiator, psk);
            byte[] init = HexFormat.of().parseHex((String) v.get("initiation_hex"));
            assertEquals(Messages.INITIATION_LENGTH, init.length);
            assertTrue(dev.cookieChecker.checkMac1(init, Messages.INIT_MAC1), "MAC1 valid");

            try (Arena arena = Arena.ofConfined()) {
                MemorySegment in = arena.allocate(init.length);
                MemorySegment.copy(MemorySegment.ofArray(init), 0, in, 0, init.length);
                Result out = new Result(arena.allocate(256), 0, 256);
                var from = new InetSocketAddress("127.0.0.1", ((BigDecimal) v.get("initiator_listen_port")).intValue());
                Action a =
                        dev.decapsulate(1_000L, in, 0, init.length, from, out).action();
                assertEquals(Action.WRITE_TO_NETWORK, a, "initiation accepted, response written: " + dev.counters());
                assertSame(t, out.tunnel(), "static key decrypted to the initiator's public key");
                assertEquals(Messages.RESPONSE_LENGTH, out.length());
                assertEquals(Messages.TYPE_RESPONSE, out.segment().get(Messages.INT_LE, 0));
                long ts = t.handshake.latestTimestampUnixNanos();
                assertTrue(
                        Math.abs(ts - captured) < 5_000_000_000L,
                        "TAI64N within 5 s of capture: " + ts + " vs " + captured);
                assertNotNull(t.nextKeypair(), "responder keypair waits in 'next' for confirmation");

                // the same initiation again is a replay: dropped, counted, nothing sent
                Action again = dev.decapsulate(2_000_000_000L, in, 0, init.length, from, out)
                        .action();
                assertEquals(Action.DROPPED, again);
                assertEquals(Drop.REPLAYED_INITIATION, out.drop());
                assertEquals(0, out.length());
            }
        }
    }
}
