package jwg.dataplane.config;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;

/**
 * What {@code wg setconf} configures: the private key (null = none), the UDP listen port
 * (0 = pick one), the fwmark (0 = off, at most 0xffffffff) and the peers, in order, each public
 * key at most once. Immutable. {@link #toString()} never shows the private key.
 */
public record DeviceConfig(PrivateKey privateKey, int listenPort, long fwmark, List<PeerConfig> peers) {
    public static final DeviceConfig EMPTY = new DeviceConfig(null, 0, 0, List.of());

    public DeviceConfig {
        if (privateKey != null && privateKey.isZero()) privateKey = null;
        if (listenPort < 0 || listenPort > 65535)
            throw new IllegalArgumentException("listen port must be 0..65535, got " + listenPort);
        if (fwmark < 0 || fwmark > 0xFFFF_FFFFL)
            throw new IllegalArgumentException("fwmark must be 0..0xffffffff, got " + fwmark);
        peers = List.copyOf(peers);
        Set<PublicKey> seen = new HashSet<>();
        for (PeerConfig p : peers) {
            if (!seen.add(p.publicKey()))
                throw new IllegalArgumentException("peer " + p.publicKey() + " is listed twice");
        }
    }

    /** The device's public key, or null without a private key. */
    public PublicKey publicKey() {
        return privateKey == null ? null : privateKey.publicKey();
    }

    public Optional<PeerConfig> peer(PublicKey key) {
        return peers.stream().filter(p -> p.publicKey().equals(key)).findFirst();
    }

    public DeviceConfig withPrivateKey(PrivateKey k) {
        return new DeviceConfig(k, listenPort, fwmark, peers);
    }

    public DeviceConfig withListenPort(int port) {
        return new DeviceConfig(privateKey, port, fwmark, peers);
    }

    public DeviceConfig withFwmark(long mark) {
        return new DeviceConfig(privateKey, listenPort, mark, peers);
    }

    public DeviceConfig withPeers(List<PeerConfig> ps) {
        return new DeviceConfig(privateKey, listenPort, fwmark, ps);
    }

    @Override
    public String toString() {
        return "DeviceConfig[privateKey=" + (privateKey == null ? "none" : "(set)") + ", listenPort=" + listenPort
                + ", fwmark=" + fwmark + ", peers=" + peers + "]";
    }
}
