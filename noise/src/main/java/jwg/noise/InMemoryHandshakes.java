package jwg.noise;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * Two protocol cores with throwaway keys that know each other, doing full handshakes in memory
 * (initiation, response, the confirming keepalive) under a fake clock that moves 6 s (monotonic)
 * and 1 s (wall) per handshake, so neither the 20 ms flood limit nor the 5 s initiation limit
 * interferes. The one copy of this loop: the start-up warm-up compiles the handshake path with it
 * ({@code cli/Warmup}) and {@code HandshakeBenchmark.fullHandshake} times it. One thread;
 * {@link #close()} wipes both cores' keys. Buffers come from the caller's arena.
 */
public final class InMemoryHandshakes implements AutoCloseable {
    /** Sees each initiation before the responder does (e.g. the handshake workers' admission filter). */
    @FunctionalInterface
    public interface InitiationCheck {
        /** Whether the initiation ({@code length} bytes at offset 0 of {@code initiation}) may go on. */
        boolean admits(MemorySegment initiation, int length);
    }

    private static final long SECOND = 1_000_000_000L;
    private static final InetSocketAddress FROM_INITIATOR = new InetSocketAddress("192.0.2.1", 51820);
    private static final InetSocketAddress FROM_RESPONDER = new InetSocketAddress("192.0.2.2", 51820);

    private final ProtocolCore initiator;
    private final ProtocolCore responder;
    private final Tunnel toResponder;
    private final Result out;
    private final MemorySegment buf;
    private long now = 1_000 * SECOND;
    private long wall = 1_700_000_000L * SECOND;

    public InMemoryHandshakes(Arena arena, SecureRandom random) {
        PrivateKey a = PrivateKey.generate(random), b = PrivateKey.generate(random);
        initiator = new ProtocolCore(a, random, () -> wall);
        responder = new ProtocolCore(b, random, () -> wall);
        a.wipe(); // the cores keep their own copies
        b.wipe();
        toResponder = initiator.addPeer(responder.publicKey(), null);
        responder.addPeer(initiator.publicKey(), null);
        out = new Result(arena.allocate(2048), 0, 2048);
        buf = arena.allocate(2048);
    }

    /** The responding core (its {@link ProtocolCore#initiationFilter()}, for a check). */
    public ProtocolCore responder() {
        return responder;
    }

    /**
     * One full handshake; {@code check} (or null) sees the initiation first. Returns whether every
     * step went as it should: the initiation made and admitted, the response made and accepted.
     */
    public boolean handshake(InitiationCheck check) {
        now += 6 * SECOND;
        wall += SECOND;
        if (toResponder.initiateHandshake(now, out).action() != Action.WRITE_TO_NETWORK) return false;
        int len = copyOut();
        if (check != null && !check.admits(buf, len)) return false;
        if (responder.decapsulate(now, buf, 0, len, FROM_INITIATOR, out).action() != Action.WRITE_TO_NETWORK)
            return false;
        len = copyOut();
        if (initiator.decapsulate(now, buf, 0, len, FROM_RESPONDER, out).action() != Action.WRITE_TO_NETWORK)
            return false;
        len = copyOut();
        responder.decapsulate(now, buf, 0, len, FROM_INITIATOR, out); // the confirming keepalive
        return true;
    }

    private int copyOut() {
        int len = out.length();
        MemorySegment.copy(out.segment(), out.offset(), buf, 0, len);
        return len;
    }

    @Override
    public void close() {
        initiator.close();
        responder.close();
    }
}
