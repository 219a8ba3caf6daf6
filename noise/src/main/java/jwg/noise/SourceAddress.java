package jwg.noise;

import java.net.InetSocketAddress;

/**
 * Where a handshake message came from, as the cookie code needs it (whitepaper 5.4.7: Am = the
 * source IP followed by the source port, little-endian), held in a reusable array so that checking
 * an unauthenticated datagram allocates nothing. Mutable: one per receiving thread.
 */
public final class SourceAddress {
    /** IP bytes (4 or 16) then the port (2 bytes, little-endian); {@link #length} of them used. */
    final byte[] bytes = new byte[18];

    int length;

    /** An IPv4 source: {@code address} big-endian (as on the wire). */
    public SourceAddress setIpv4(int address, int port) {
        bytes[0] = (byte) (address >>> 24);
        bytes[1] = (byte) (address >>> 16);
        bytes[2] = (byte) (address >>> 8);
        bytes[3] = (byte) address;
        return port(4, port);
    }

    /** An IPv6 source: address bytes 0..7 in {@code high}, 8..15 in {@code low}, big-endian. */
    public SourceAddress setIpv6(long high, long low, int port) {
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (high >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return port(16, port);
    }

    /** From a socket address (null or unresolved: empty). Not for hot paths (reads the InetAddress's array). */
    public SourceAddress set(InetSocketAddress from) {
        if (from == null || from.getAddress() == null) {
            length = 0;
            return this;
        }
        byte[] ip = from.getAddress().getAddress();
        System.arraycopy(ip, 0, bytes, 0, ip.length);
        return port(ip.length, from.getPort());
    }

    private SourceAddress port(int ipLength, int port) {
        bytes[ipLength] = (byte) port;
        bytes[ipLength + 1] = (byte) (port >>> 8);
        length = ipLength + 2;
        return this;
    }

    /** 4, 16, or 0 when unset. */
    public int ipLength() {
        return length == 0 ? 0 : length - 2;
    }

    /** The IPv4 address, big-endian (only if {@code ipLength() == 4}). */
    public int ipv4() {
        return ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
    }

    /** IPv6 address bytes 0..7 (only if {@code ipLength() == 16}). */
    public long high() {
        long h = 0;
        for (int i = 0; i < 8; i++) h = (h << 8) | (bytes[i] & 0xff);
        return h;
    }

    /** IPv6 address bytes 8..15 (only if {@code ipLength() == 16}). */
    public long low() {
        long l = 0;
        for (int i = 8; i < 16; i++) l = (l << 8) | (bytes[i] & 0xff);
        return l;
    }

    @Override
    public String toString() {
        return "SourceAddress[" + java.util.HexFormat.of().formatHex(bytes, 0, length) + "]";
    }
}
