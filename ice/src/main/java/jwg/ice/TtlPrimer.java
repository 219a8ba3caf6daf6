package jwg.ice;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import jwg.dataplane.bind.Bind;
import jwg.dataplane.bind.Endpoint;
import jwg.ice.stun.Stun;

/**
 * Two cone NATs without a WAN input firewall (docs/ice.md): the first direct packet to reach a
 * router before its own host's outbound packet leaves a conntrack entry there, and that host's
 * later flow to us is masqueraded to another port. The answerer makes its own mapping first,
 * without touching the offerer's router, and does not spoil the offerer's router before the
 * offerer's first check has mapped it:
 *
 * <pre>
 * on offer (answerer), before the answer is sent:
 *     for each server-reflexive candidate R of the offerer:
 *         send a STUN Binding indication to R from the device's port with IP TTL 2
 *             -- our router forwards it (its mapping is made), the next hop lets it expire
 *         guarded[R] = now + 1 s
 * on sending STUN to R:  TTL 2 while guarded[R] is in the future, else the default
 * on receiving from R:   remove guarded[R]   -- the offerer's router has its mapping now
 * </pre>
 *
 * The offerer sends at full TTL: the asymmetry keeps both sides from waiting on each other. Only
 * STUN through the {@link StunMux} is touched, never the data path. TTL 2 assumes the peer's
 * router is two hops or more past ours. A bind without TTL control (the JDK's) sends no primer
 * and limits nothing. {@code -Djwg.ice.noTtlPrimer=true} turns it off (the lab's control).
 */
final class TtlPrimer {
    /** Passes our router, expires at the next hop. */
    static final int TTL = 2;
    /** The guard's fallback: after this long sends to the address go at full TTL even unheard. */
    static final long GUARD_NANOS = 1_000_000_000L;

    private final boolean enabled;
    private final ConcurrentHashMap<InetSocketAddress, Long> guarded = new ConcurrentHashMap<>();
    final LongAdder primers = new LongAdder(), limited = new LongAdder(), heard = new LongAdder();

    TtlPrimer() {
        this(!Boolean.getBoolean("jwg.ice.noTtlPrimer"));
    }

    TtlPrimer(boolean enabled) {
        this.enabled = enabled;
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * Sends a primer to each of {@code targets} through {@code bind} and guards them; returns how
     * many went (0 if off or the bind has no TTL control).
     */
    int prime(Bind bind, List<InetSocketAddress> targets) {
        if (!enabled || bind == null || !bind.ttlControl() || targets.isEmpty()) return 0;
        long until = System.nanoTime() + GUARD_NANOS;
        int sent = 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment primer = a.allocate(Stun.HEADER);
            primer.copyFrom(MemorySegment.ofArray(indication()));
            for (InetSocketAddress t : targets) {
                guarded.put(plain(t), until);
                try {
                    if (bind.sendWithTtl(primer, 0, Stun.HEADER, Endpoint.of(t), TTL)) sent++;
                } catch (IOException e) {
                    // unroutable now: the checks will tell
                }
            }
        }
        primers.add(sent);
        return sent;
    }

    /** A STUN Binding indication, no attributes: dropped by a STUN agent that gets it. */
    private static byte[] indication() {
        byte[] id = new byte[Stun.TRANSACTION_ID_LENGTH];
        ThreadLocalRandom.current().nextBytes(id);
        return ByteBuffer.allocate(Stun.HEADER)
                .putShort((short) (Stun.BINDING | Stun.INDICATION))
                .putShort((short) 0)
                .putInt(Stun.MAGIC_COOKIE)
                .put(id)
                .array();
    }

    /** The TTL for STUN to {@code to}: {@link #TTL} while guarded, else 0 (the socket's default). */
    int ttl(InetSocketAddress to) {
        if (guarded.isEmpty()) return 0;
        InetSocketAddress key = plain(to);
        Long until = guarded.get(key);
        if (until == null) return 0;
        if (System.nanoTime() - until >= 0) {
            guarded.remove(key, until);
            return 0;
        }
        limited.increment();
        return TTL;
    }

    /** A datagram came from {@code from}: its router has the mapping, full TTL from now on. */
    void heard(InetSocketAddress from) {
        if (!guarded.isEmpty() && guarded.remove(plain(from)) != null) heard.increment();
    }

    /** The key: address and port only (ice4j hands in subclasses of InetSocketAddress). */
    private static InetSocketAddress plain(InetSocketAddress a) {
        return a.getClass() == InetSocketAddress.class ? a : new InetSocketAddress(a.getAddress(), a.getPort());
    }

    /** Whether sends to {@code to} are still limited (for tests). */
    boolean guarding(InetSocketAddress to) {
        Long until = guarded.get(plain(to));
        return until != null && System.nanoTime() - until < 0;
    }
}
