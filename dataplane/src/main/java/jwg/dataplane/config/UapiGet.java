package jwg.dataplane.config;

import java.net.InetSocketAddress;
import jwg.noise.PublicKey;
import jwg.tun.ip.IpPrefix;
import jwg.tun.ip.IpText;

/**
 * The body of a UAPI {@code get=1} reply, in wireguard-go's order: private_key, listen_port and
 * fwmark (each only if set), then per peer public_key, preshared_key, protocol_version=1,
 * endpoint (if known), last_handshake_time_sec/nsec, tx_bytes, rx_bytes,
 * persistent_keepalive_interval and one allowed_ip line per prefix. Keys in lowercase hex.
 * The caller appends "errno=0" and the empty line.
 */
public final class UapiGet {
    private UapiGet() {}

    private static final String ZERO_KEY = "0".repeat(64);

    public static String format(DeviceConfig c, UapiDevice runtime) {
        StringBuilder b = new StringBuilder(256 + 512 * c.peers().size());
        if (c.privateKey() != null) line(b, "private_key", c.privateKey().toHex());
        int port = runtime.boundPort() != 0 ? runtime.boundPort() : c.listenPort();
        if (port != 0) line(b, "listen_port", Integer.toString(port));
        if (c.fwmark() != 0) line(b, "fwmark", Long.toString(c.fwmark()));
        for (PeerConfig p : c.peers()) peer(b, p, runtime.stats(p.publicKey()));
        return b.toString();
    }

    private static void peer(StringBuilder b, PeerConfig p, UapiDevice.PeerStats s) {
        PublicKey key = p.publicKey();
        line(b, "public_key", key.toHex());
        line(
                b,
                "preshared_key",
                p.presharedKey() == null ? ZERO_KEY : p.presharedKey().toHex());
        line(b, "protocol_version", "1");
        String endpoint = s != null && s.endpoint() != null
                ? endpoint(s.endpoint())
                : p.endpoint() != null && p.endpoint().isNumeric()
                        ? p.endpoint().toString()
                        : null;
        if (endpoint != null) line(b, "endpoint", endpoint);
        long nanos = s == null ? 0 : s.lastHandshakeEpochNanos();
        line(b, "last_handshake_time_sec", Long.toString(nanos / 1_000_000_000L));
        line(b, "last_handshake_time_nsec", Long.toString(nanos % 1_000_000_000L));
        line(b, "tx_bytes", Long.toUnsignedString(s == null ? 0 : s.txBytes()));
        line(b, "rx_bytes", Long.toUnsignedString(s == null ? 0 : s.rxBytes()));
        line(b, "persistent_keepalive_interval", Integer.toString(p.persistentKeepalive()));
        for (IpPrefix ip : p.allowedIps()) line(b, "allowed_ip", ip.toString());
    }

    /** "a.b.c.d:port" or "[v6]:port", as Go's netip.AddrPort prints. */
    static String endpoint(InetSocketAddress a) {
        return IpText.hostPort(a);
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(key).append('=').append(value).append('\n');
    }
}
