package jwg.ice.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import jwg.ice.stun.MessageIntegrity;

/**
 * What a {@link RelayServer} serves: where it listens, the address and port range of its relayed
 * sockets, the realm and the users' long-term keys (MD5 of {@code user:realm:password}; the
 * passwords themselves are not kept), lifetimes and quotas.
 *
 * @param listen the UDP address clients send to
 * @param relayIp the address the relayed sockets bind to and the server announces
 * @param minPort first port of the relayed sockets (0 with {@code maxPort} 0: any free port)
 * @param maxPort last port of the relayed sockets
 * @param keys user name to long-term key
 * @param allocationsPerUser the most allocations one user holds at once (486 beyond)
 * @param allowLoopbackPeers relay to loopback addresses too (tests; off by default, as coturn)
 * @param lifetimes allocation, permission, channel and nonce lifetimes
 */
public record RelayConfig(
        InetSocketAddress listen,
        InetAddress relayIp,
        int minPort,
        int maxPort,
        String realm,
        Map<String, byte[]> keys,
        int allocationsPerUser,
        boolean allowLoopbackPeers,
        Lifetimes lifetimes) {

    /**
     * Lifetimes in milliseconds (RFC 8656: allocation 600 s by default and at most 3600 s,
     * permission 300 s, channel 600 s); nonces expire after {@code nonceMs} (438 Stale Nonce).
     */
    public record Lifetimes(long allocationMs, long maxAllocationMs, long permissionMs, long channelMs, long nonceMs) {
        public static final Lifetimes RFC = new Lifetimes(600_000, 3_600_000, 300_000, 600_000, 3_600_000);
    }

    public RelayConfig {
        if (minPort < 0 || maxPort > 65535 || minPort > maxPort || (minPort == 0) != (maxPort == 0))
            throw new IllegalArgumentException("ports: MIN-MAX within 1-65535 and MIN <= MAX");
        if (realm == null || realm.isEmpty()) throw new IllegalArgumentException("realm: must not be empty");
        if (keys.isEmpty()) throw new IllegalArgumentException("user: at least one NAME:PASSWORD");
        if (allocationsPerUser < 1) throw new IllegalArgumentException("quota: at least one allocation per user");
        keys = Map.copyOf(keys);
    }

    /** The long-term key of {@code user} in {@code realm} for {@code password}. */
    public static byte[] key(String user, String realm, String password) {
        return MessageIntegrity.longTermKey(user, realm, password);
    }
}
