package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import jwg.noise.crypto.ChaCha20Poly1305;
import jwg.noise.crypto.X25519;
import org.junit.jupiter.api.Test;

/** The cacophony vector for Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s: every ciphertext and the handshake hash. */
class NoiseVectorTest {
    private static final HexFormat HEX = HexFormat.of();

    @SuppressWarnings("unchecked")
    @Test
    void reproducesCacophonyVector() throws Exception {
        var root = (Map<String, Object>) JsonReader.parse(Vectors.read("noise-IKpsk2_25519_ChaChaPoly_BLAKE2s.json"));
        var vectors = (List<Map<String, Object>>) root.get("vectors");
        assertFalse(vectors.isEmpty());
        for (var v : vectors) {
            assertEquals(Constants.CONSTRUCTION, v.get("protocol_name"));
            byte[] iPrologue = hex(v, "init_prologue");
            byte[] rPrologue = hex(v, "resp_prologue");
            byte[] iPsk = HEX.parseHex((String) ((List<?>) v.get("init_psks")).get(0));
            byte[] rPsk = HEX.parseHex((String) ((List<?>) v.get("resp_psks")).get(0));
            byte[] iS = hex(v, "init_static");
            byte[] iE = hex(v, "init_ephemeral");
            byte[] rs = hex(v, "init_remote_static");
            byte[] rS = hex(v, "resp_static");
            byte[] rE = hex(v, "resp_ephemeral");
            assertArrayEquals(rs, X25519.publicKey(rS), "init_remote_static is the responder's public key");
            var msgs = (List<Map<String, Object>>) v.get("messages");

            HandshakeState ini =
                    HandshakeState.initiator(HandshakeState.initialState(iPrologue, rs), iS, X25519.publicKey(iS), rs);
            HandshakeState res = HandshakeState.responder(
                    HandshakeState.initialState(rPrologue, X25519.publicKey(rS)), rS, X25519.publicKey(rS));

            // message 1: initiator -> responder
            byte[] p1 = hex(msgs.get(0), "payload");
            byte[] m1 = new byte[HandshakeState.message1Length(p1.length)];
            assertEquals(m1.length, ini.writeMessage1(iE, p1, 0, p1.length, m1, 0));
            assertArrayEquals(hex(msgs.get(0), "ciphertext"), m1, "message 1");
            assertTrue(res.readMessage1Static(m1, 0));
            assertArrayEquals(X25519.publicKey(iS), res.rs, "responder learns the initiator's static key");
            byte[] got1 = new byte[p1.length];
            assertEquals(p1.length, res.readMessage1Payload(m1, 0, m1.length, null, got1, 0));
            assertArrayEquals(p1, got1);

            // message 2: responder -> initiator
            byte[] p2 = hex(msgs.get(1), "payload");
            byte[] m2 = new byte[HandshakeState.message2Length(p2.length)];
            assertEquals(m2.length, res.writeMessage2(rE, rPsk, p2, 0, p2.length, m2, 0));
            assertArrayEquals(hex(msgs.get(1), "ciphertext"), m2, "message 2");
            byte[] got2 = new byte[p2.length];
            assertEquals(p2.length, ini.readMessage2(m2, 0, m2.length, iPsk, got2, 0));
            assertArrayEquals(p2, got2);

            assertArrayEquals(hex(v, "handshake_hash"), ini.handshakeHash(), "initiator handshake hash");
            assertArrayEquals(hex(v, "handshake_hash"), res.handshakeHash(), "responder handshake hash");

            // transport messages alternate initiator, responder, ... each side counting from 0
            byte[] iSend = new byte[32], iRecv = new byte[32], rSend = new byte[32], rRecv = new byte[32];
            ini.split(iSend, iRecv);
            res.split(rSend, rRecv);
            assertArrayEquals(iSend, rRecv);
            assertArrayEquals(iRecv, rSend);
            ChaCha20Poly1305 aead = new ChaCha20Poly1305();
            long iN = 0, rN = 0;
            for (int m = 2; m < msgs.size(); m++) {
                byte[] p = hex(msgs.get(m), "payload");
                byte[] c = new byte[p.length + 16];
                boolean fromInitiator = m % 2 == 0;
                aead.seal(fromInitiator ? iSend : rSend, fromInitiator ? iN++ : rN++, null, p, 0, p.length, c, 0);
                assertArrayEquals(hex(msgs.get(m), "ciphertext"), c, "transport message " + (m + 1));
            }
        }
    }

    private static byte[] hex(Map<String, Object> m, String k) {
        return HEX.parseHex((String) m.get(k));
    }
}
