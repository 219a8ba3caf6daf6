package jwg.tun.ip;

/**
 * An IPv4 or IPv6 address with a prefix length, as in "192.0.2.1/24" or "fd00::/8": jwg's one IP
 * type, for interface addresses, routes and allowed IPs alike. The address keeps its host bits (an
 * interface address 10.0.0.1/24 is the address 10.0.0.1 on the network 10.0.0.0/24); {@link
 * #network()} clears them, which is what a route and an allowed IP are (wg and wireguard-go store
 * allowed IPs so). The address is kept as a left-aligned 128-bit key: IPv4 occupies the top 32 bits
 * of {@link #high()}. Immutable and compact (two longs, a length, the family); the {@code contains}
 * checks and the masks allocate nothing. Equal prefixes are equal objects.
 */
public final class IpPrefix {
    private final boolean ipv6;
    private final long hi;
    private final long lo;
    private final int length;

    private IpPrefix(boolean ipv6, long hi, long lo, int length) {
        this.ipv6 = ipv6;
        this.hi = hi;
        this.lo = lo;
        this.length = length;
    }

    public static IpPrefix ofIpv4(int address, int length) {
        if (length < 0 || length > 32) throw new IllegalArgumentException("prefix length must be 0..32, got " + length);
        return new IpPrefix(false, (address & 0xFFFF_FFFFL) << 32, 0, length);
    }

    public static IpPrefix ofIpv6(long high, long low, int length) {
        if (length < 0 || length > 128)
            throw new IllegalArgumentException("prefix length must be 0..128, got " + length);
        return new IpPrefix(true, high, low, length);
    }

    /** From 4 or 16 address bytes. */
    public static IpPrefix of(byte[] address, int length) {
        if (address.length == 4) {
            return ofIpv4(
                    ((address[0] & 0xff) << 24)
                            | ((address[1] & 0xff) << 16)
                            | ((address[2] & 0xff) << 8)
                            | (address[3] & 0xff),
                    length);
        }
        if (address.length != 16) throw new IllegalArgumentException("an IP address is 4 or 16 bytes");
        long h = 0, l = 0;
        for (int i = 0; i < 8; i++) h = (h << 8) | (address[i] & 0xff);
        for (int i = 8; i < 16; i++) l = (l << 8) | (address[i] & 0xff);
        return ofIpv6(h, l, length);
    }

    /**
     * Parses "address/length", or a bare address (a host prefix: /32 or /128), as wg and wg-quick
     * take them; literal addresses only ({@link IpText}: no DNS, no zone). Host bits are kept (see
     * {@link #network()}). The message names the text and the reason, e.g. "'10.0.0.1/33': prefix
     * length must be 0..32".
     */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] a;
        try {
            a = IpText.parse(addr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    UntrustedText.quote(text) + ": " + UntrustedText.quote(addr) + " is not an IP address");
        }
        int max = a.length * 8;
        int len = max;
        if (slash >= 0) {
            String bits = text.substring(slash + 1);
            len = parseLength(bits);
            if (len < 0 || len > max) {
                throw new IllegalArgumentException(UntrustedText.quote(text) + ": prefix length must be 0.." + max);
            }
        }
        return of(a, len);
    }

    private static int parseLength(String s) {
        if (s.isEmpty() || s.length() > 3) return -1;
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        if (s.length() > 1 && s.charAt(0) == '0') return -1;
        return v;
    }

    /** The same prefix with the host bits cleared (this one if they already are): a route's or an allowed IP's form. */
    public IpPrefix network() {
        long h = hi & maskHigh(length), l = lo & maskLow(length);
        return h == hi && l == lo ? this : new IpPrefix(ipv6, h, l, length);
    }

    public boolean isIpv4() {
        return !ipv6;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    /** Prefix length in bits. */
    public int length() {
        return length;
    }

    /** The maximum length: 32 or 128. */
    public int maxLength() {
        return ipv6 ? 128 : 32;
    }

    /** Bits 0..63 of the left-aligned key (IPv4: the address in bits 0..31). */
    public long high() {
        return hi;
    }

    /** Bits 64..127 of the key (always 0 for IPv4). */
    public long low() {
        return lo;
    }

    /** The IPv4 address; only meaningful for IPv4. */
    public int ipv4() {
        return (int) (hi >>> 32);
    }

    /** The address bytes (4 or 16), host bits as they are. */
    public byte[] addressBytes() {
        byte[] b = new byte[ipv6 ? 16 : 4];
        for (int i = 0; i < b.length && i < 8; i++) b[i] = (byte) (hi >>> (56 - 8 * i));
        for (int i = 8; i < b.length; i++) b[i] = (byte) (lo >>> (120 - 8 * i));
        return b;
    }

    /** The address alone, in the text {@link IpText} prints (RFC 5952 for IPv6). */
    public String address() {
        return ipv6 ? IpText.ipv6(hi, lo) : IpText.ipv4(ipv4());
    }

    /** True if the IPv4 address is inside this (IPv4) prefix. */
    public boolean containsIpv4(int address) {
        return !ipv6 && ((((address & 0xFFFF_FFFFL) << 32) ^ hi) & maskHigh(length)) == 0;
    }

    /** True if the IPv6 address is inside this (IPv6) prefix. */
    public boolean containsIpv6(long high, long low) {
        return ipv6 && ((high ^ hi) & maskHigh(length)) == 0 && ((low ^ lo) & maskLow(length)) == 0;
    }

    /** True if every address of {@code other} (same family, at least as long) is inside this prefix. */
    public boolean contains(IpPrefix other) {
        return other.ipv6 == ipv6
                && other.length >= length
                && ((other.hi ^ hi) & maskHigh(length)) == 0
                && ((other.lo ^ lo) & maskLow(length)) == 0;
    }

    /** The mask of the first 64 bits of a left-aligned key for a prefix of {@code length} bits. */
    public static long maskHigh(int length) {
        return length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
    }

    /** The mask of bits 64..127 of a left-aligned key for a prefix of {@code length} bits. */
    public static long maskLow(int length) {
        return length <= 64 ? 0 : length >= 128 ? -1L : -1L << (128 - length);
    }

    /** "address/length", canonical: dotted quad, or RFC 5952 text for IPv6; host bits as they are. */
    @Override
    public String toString() {
        return address() + "/" + length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && p.ipv6 == ipv6 && p.hi == hi && p.lo == lo && p.length == length;
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(hi) * 31 + Long.hashCode(lo)) * 31 + length * 2 + (ipv6 ? 1 : 0);
    }
}
