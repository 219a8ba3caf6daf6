package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * Fuzz target (docs/fuzzing.md): every received datagram enters {@link ProtocolCore#decapsulate},
 * whose contract is "never throws on hostile input": drops are counted with a reason, and anything
 * it answers has a WireGuard message's length.
 *
 * <p>Two devices, A and B, made deterministic (fixed keys, seeded SHA1PRNG, fake clocks) so that the
 * committed seeds stay valid from run to run: they have an established session, and A has a second
 * handshake in flight that B answered both with a cookie reply (under load) and with a response.
 * The seed corpus holds those messages and a transport message of each direction, all with live
 * receiver indices and valid MACs ({@link #writeSeeds} writes it). Input: byte 0 is flags (bit 0:
 * deliver to A instead of B; bit 1: the receiver is under load; bit 2: recompute MAC1/MAC2 of an
 * initiation or response as its sender would, so mutations get past MAC1 into the Noise
 * handshake), the rest is the datagram. The devices keep their state across inputs (a session
 * per input would cost milliseconds): a seed delivered twice is a replay, which is tested too.
 */
class ProtocolCoreFuzzTest {
    private static final long S = 1_000_000_000L;
    private static long now = 7_000 * S;
    private static final long NOW;
    private static final long WALL_OFFSET = 1_795_370_000L * S - now;
    private static final ProtocolCore A = new ProtocolCore(key(1), rng(11), () -> WALL_OFFSET + now);
    private static final ProtocolCore B = new ProtocolCore(key(2), rng(12), () -> WALL_OFFSET + now);
    private static final PresharedKey PSK = new PresharedKey(bytes(3));
    private static final Tunnel AB = A.addPeer(B.publicKey(), PSK);
    private static final Tunnel BA = B.addPeer(A.publicKey(), PSK);
    private static final InetSocketAddress ADDR_A = new InetSocketAddress("192.0.2.1", 51820);
    private static final InetSocketAddress ADDR_B = new InetSocketAddress("192.0.2.2", 51821);
    private static final MemorySegment IN = Arena.global().allocate(4096);
    private static final MemorySegment OUT = Arena.global().allocate(4096);
    private static final Result O = new Result(OUT, 0, 4096);
    /** name → flags byte + datagram, for {@link #writeSeeds}. */
    private static final java.util.Map<String, byte[]> SEEDS = new java.util.LinkedHashMap<>();

    static {
        byte[] init = send("initiation", 0, AB.initiateHandshake(now, O).action());
        byte[] resp = send("response", 1, deliver(B, init));
        byte[] keepalive = send("keepalive", 0, deliver(A, resp));
        check(Action.DONE, deliver(B, keepalive));
        now += 6 * S;
        byte[] v4 = TestNet.ipv4(60, 1);
        MemorySegment.copy(MemorySegment.ofArray(v4), 0, IN, 16, v4.length);
        send("transport-v4", 0, AB.encapsulate(now, IN, 16, v4.length, O).action());
        byte[] v6 = TestNet.ipv6(30, 2);
        MemorySegment.copy(MemorySegment.ofArray(v6), 0, IN, 16, v6.length);
        send("transport-v6", 1, BA.encapsulate(now, IN, 16, v6.length, O).action());
        byte[] init2 =
                send("initiation-under-load", 2, AB.initiateHandshake(now, O).action());
        B.setUnderLoad(true);
        send("cookie-reply", 1, deliver(B, init2));
        B.setUnderLoad(false);
        send("response-2", 1 | 4, deliver(B, init2));
        SEEDS.put("garbage", new byte[] {0, 1, 0, 0, 0});
        NOW = now;
    }

    private static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        rng(seed).nextBytes(b);
        return b;
    }

    private static PrivateKey key(int seed) {
        return new PrivateKey(bytes(seed));
    }

    private static java.security.SecureRandom rng(long seed) {
        try {
            java.security.SecureRandom r = java.security.SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed); // before any output: SHA1PRNG is then deterministic
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static Action deliver(ProtocolCore to, byte[] datagram) {
        MemorySegment.copy(MemorySegment.ofArray(datagram), 0, IN, 0, datagram.length);
        return to.decapsulate(now, IN, 0, datagram.length, to == A ? ADDR_B : ADDR_A, O)
                .action();
    }

    private static void check(Action want, Action got) {
        if (got != want) throw new AssertionError("fixture: expected " + want + ", got " + got + " " + O.drop());
    }

    /** Records what {@code out} holds after an action that writes to the network, as seed {@code name}. */
    private static byte[] send(String name, int flags, Action a) {
        check(Action.WRITE_TO_NETWORK, a);
        byte[] m = O.toArray();
        byte[] seed = new byte[m.length + 1];
        seed[0] = (byte) flags;
        System.arraycopy(m, 0, seed, 1, m.length);
        SEEDS.put(name, seed);
        return m;
    }

    /** Regenerates the seed corpus: {@code mvn test -Dtest=ProtocolCoreFuzzTest#writeSeeds -Djwg.fuzz.seeds=DIR}. */
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "jwg.fuzz.seeds", matches = ".+")
    void writeSeeds() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("jwg.fuzz.seeds"));
        java.nio.file.Files.createDirectories(dir);
        for (var e : SEEDS.entrySet()) java.nio.file.Files.write(dir.resolve(e.getKey()), e.getValue());
    }

    @FuzzTest(maxDuration = "5m")
    void decapsulate(byte[] data) {
        if (data.length < 1) return;
        int flags = data[0];
        int len = Math.min(data.length - 1, 2048);
        byte[] msg = java.util.Arrays.copyOfRange(data, 1, 1 + len);
        ProtocolCore to = (flags & 1) != 0 ? A : B;
        Tunnel sender = to == A ? BA : AB; // the sending side's tunnel to 'to'
        if ((flags & 4) != 0 && len == Messages.INITIATION_LENGTH && msg[0] == Messages.TYPE_INITIATION)
            sender.handshake.cookies.addMacs(msg, Messages.INIT_MAC1, NOW);
        if ((flags & 4) != 0 && len == Messages.RESPONSE_LENGTH && msg[0] == Messages.TYPE_RESPONSE)
            sender.handshake.cookies.addMacs(msg, Messages.RESP_MAC1, NOW);
        to.setUnderLoad((flags & 2) != 0);
        MemorySegment.copy(MemorySegment.ofArray(msg), 0, IN, 0, len);
        long dropsBefore = totalDrops(to);

        Action a = to.decapsulate(NOW, IN, 0, len, to == A ? ADDR_B : ADDR_A, O).action();

        assertNotNull(a);
        int type = Messages.type(IN, 0, len);
        switch (a) {
            case DROPPED -> {
                assertNotNull(O.drop(), "a drop has a reason");
                assertEquals(0, O.length(), "nothing is sent for a drop");
                assertEquals(dropsBefore + 1, totalDrops(to), "a drop is counted once");
                if (type == 0) assertEquals(Drop.INVALID_TYPE, O.drop());
                else if (!Messages.lengthOk(type, len)) assertEquals(Drop.INVALID_LENGTH, O.drop());
            }
            case WRITE_TO_NETWORK -> {
                if (type == Messages.TYPE_COOKIE_REPLY) {
                    // a valid cookie reply to our initiation in flight: that initiation again, with MAC2, once
                    assertEquals(Messages.INITIATION_LENGTH, O.length(), "a cookie reply gets only our initiation");
                    assertEquals(
                            Messages.TYPE_INITIATION, OUT.get(java.lang.foreign.ValueLayout.JAVA_BYTE, O.offset()));
                    return;
                }
                assertTrue(
                        type == Messages.TYPE_INITIATION || type == Messages.TYPE_RESPONSE,
                        "only handshakes are answered");
                assertTrue(
                        O.length() == Messages.RESPONSE_LENGTH
                                || O.length() == Messages.COOKIE_REPLY_LENGTH
                                || O.length() == Messages.TRANSPORT_MIN_LENGTH,
                        () -> "answer of " + O.length() + " bytes");
                if (O.drop() == Drop.COOKIE_REQUIRED) assertEquals(Messages.COOKIE_REPLY_LENGTH, O.length());
            }
            case WRITE_TO_TUNNEL_V4, WRITE_TO_TUNNEL_V6 -> {
                assertEquals(Messages.TYPE_TRANSPORT, type);
                assertTrue(
                        O.length() > 0 && O.length() <= len - Messages.TRANSPORT_OVERHEAD,
                        () -> "plaintext of " + O.length());
                int version = (OUT.get(java.lang.foreign.ValueLayout.JAVA_BYTE, O.offset()) & 0xf0) >>> 4;
                assertEquals(a == Action.WRITE_TO_TUNNEL_V4 ? 4 : 6, version);
            }
            case DONE -> assertTrue(type != 0);
            case STAGE_PACKET -> fail("decapsulate never stages");
        }
    }

    private static long totalDrops(ProtocolCore d) {
        long n = 0;
        for (Drop r : Drop.values()) n += d.counters().get(r);
        return n;
    }
}
