package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Issue 12 item 5: closing a device wipes its static private key. */
class ProtocolCoreWipeTest {
    @Test
    void closeWipesTheStaticPrivateKeyButNotTheCallers() {
        PrivateKey key = PrivateKey.generate(new SecureRandom());
        byte[] before = key.toBytes();
        ProtocolCore d = new ProtocolCore(key, new SecureRandom());
        assertFalse(d.staticPrivate.isZero());
        d.close();
        assertTrue(d.staticPrivate.isZero(), "the device's copy is wiped");
        assertArrayEquals(before, key.rawBytes(), "the configuration's key is the caller's to wipe");
    }

    @Test
    void theCallerWipingItsKeyLeavesTheDeviceAnswering() {
        SecureRandom random = new SecureRandom();
        PrivateKey a = PrivateKey.generate(random), b = PrivateKey.generate(random);
        ProtocolCore initiator = new ProtocolCore(a, random), responder = new ProtocolCore(b, random);
        Tunnel t = initiator.addPeer(responder.publicKey(), null);
        responder.addPeer(initiator.publicKey(), null);
        a.wipe();
        b.wipe(); // the caller's copies: the devices hold their own
        try (Arena arena = Arena.ofConfined()) {
            Result out = new Result(arena.allocate(2048), 0, 2048);
            MemorySegment buf = arena.allocate(2048);
            assertEquals(
                    Action.WRITE_TO_NETWORK,
                    t.initiateHandshake(1_000_000_000_000L, out).action());
            int len = out.length();
            MemorySegment.copy(out.segment(), out.offset(), buf, 0, len);
            Result r = responder.decapsulate(
                    1_000_000_000_000L, buf, 0, len, new InetSocketAddress("192.0.2.1", 51820), out);
            assertEquals(Action.WRITE_TO_NETWORK, r.action(), "a response, not " + r.drop());
        } finally {
            initiator.close();
            responder.close();
        }
    }
}
