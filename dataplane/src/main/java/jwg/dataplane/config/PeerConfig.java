package jwg.dataplane.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import jwg.noise.PresharedKey;
import jwg.noise.PublicKey;
import jwg.tun.ip.IpPrefix;

/**
 * One peer's configuration. {@code presharedKey} and {@code endpoint} may be null (none);
 * {@code persistentKeepalive} is in seconds, 0 = off. Allowed IPs keep their order, without
 * duplicates. Immutable; the {@code with*} methods return changed copies.
 */
public record PeerConfig(
        PublicKey publicKey,
        PresharedKey presharedKey,
        PeerEndpoint endpoint,
        List<IpPrefix> allowedIps,
        int persistentKeepalive) {
    public PeerConfig {
        Objects.requireNonNull(publicKey, "publicKey");
        if (presharedKey != null && presharedKey.isZero()) presharedKey = null;
        allowedIps = List.copyOf(new LinkedHashSet<>(allowedIps));
        if (persistentKeepalive < 0 || persistentKeepalive > 65535) {
            throw new IllegalArgumentException(
                    "persistent keepalive must be 0..65535 seconds, got " + persistentKeepalive);
        }
    }

    public static PeerConfig of(PublicKey publicKey) {
        return new PeerConfig(publicKey, null, null, List.of(), 0);
    }

    public PeerConfig withPresharedKey(PresharedKey k) {
        return new PeerConfig(publicKey, k, endpoint, allowedIps, persistentKeepalive);
    }

    public PeerConfig withEndpoint(PeerEndpoint e) {
        return new PeerConfig(publicKey, presharedKey, e, allowedIps, persistentKeepalive);
    }

    public PeerConfig withAllowedIps(List<IpPrefix> ips) {
        return new PeerConfig(publicKey, presharedKey, endpoint, ips, persistentKeepalive);
    }

    public PeerConfig withPersistentKeepalive(int seconds) {
        return new PeerConfig(publicKey, presharedKey, endpoint, allowedIps, seconds);
    }
}
