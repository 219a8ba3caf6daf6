package jwg.ice.stun;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The address attributes (RFC 5389 §15.1–15.2): MAPPED-ADDRESS and its kin as family, port and
 * address; XOR-MAPPED-ADDRESS and XOR-RELAYED-ADDRESS with the port XORed with the cookie's high
 * 16 bits and the address with the cookie and (IPv6) the transaction ID — the header's bytes 4–19,
 * read in place.
 */
public final class StunAddress {
    static final int FAMILY_IPV4 = 0x01, FAMILY_IPV6 = 0x02;

    private StunAddress() {}

    /** True for the attribute types whose value is XORed. */
    public static boolean xored(int type) {
        return type == Stun.XOR_MAPPED_ADDRESS || type == Stun.XOR_RELAYED_ADDRESS || type == Stun.XOR_PEER_ADDRESS;
    }

    /**
     * The address in the attribute at position {@code p} of the message in {@code b} (see
     * {@link StunAttributes}), de-XORed if its type is an XOR one; null if malformed.
     */
    public static InetSocketAddress decode(byte[] b, int p) {
        int v = StunAttributes.valueOffset(p), len = StunAttributes.valueLength(b, p);
        if (len < 4 || b[v] != 0) return null;
        int family = b[v + 1], alen = family == FAMILY_IPV4 ? 4 : family == FAMILY_IPV6 ? 16 : -1;
        if (alen < 0 || len != 4 + alen) return null;
        boolean xor = xored(StunAttributes.type(b, p));
        int port = Stun.uint16(b, v + 2) ^ (xor ? Stun.MAGIC_COOKIE >>> 16 : 0);
        byte[] ip = new byte[alen];
        for (int i = 0; i < alen; i++)
            ip[i] = (byte) (b[v + 4 + i] ^ (xor ? b[4 + i] : 0)); // bytes 4..19: cookie, transaction ID
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
    }

    /**
     * The value of an address attribute for {@code a}: XORed with the cookie and
     * {@code xorTransactionId} if that is not null.
     */
    public static byte[] encode(InetSocketAddress a, byte[] xorTransactionId) {
        byte[] ip = a.getAddress().getAddress();
        byte[] v = new byte[4 + ip.length];
        v[1] = (byte) (a.getAddress() instanceof Inet4Address ? FAMILY_IPV4 : FAMILY_IPV6);
        byte[] mask = new byte[16];
        if (xorTransactionId != null) {
            Stun.put32(mask, 0, Stun.MAGIC_COOKIE);
            System.arraycopy(xorTransactionId, 0, mask, 4, Stun.TRANSACTION_ID_LENGTH);
        }
        Stun.put16(v, 2, a.getPort() ^ Stun.uint16(mask, 0));
        for (int i = 0; i < ip.length; i++) v[4 + i] = (byte) (ip[i] ^ mask[i]);
        return v;
    }
}
