package jwg.dataplane.config;

import jwg.dataplane.IpPrefix;
import jwg.dataplane.IpText;

/**
 * A wg-quick {@code Address}: the interface's own address and the length of its on-link prefix,
 * e.g. 10.0.0.1/24. Unlike an allowed IP the host bits are the point and are kept.
 */
public record InterfaceAddress(String address, int prefixLength) {
    public InterfaceAddress {
        byte[] a = IpText.parse(address);
        address = IpText.format(a);
        if (prefixLength < 0 || prefixLength > a.length * 8) {
            throw new IllegalArgumentException("prefix length must be 0.." + a.length * 8 + ", got " + prefixLength);
        }
    }

    /** "addr/len", or a bare address (/32 or /128), as wg-quick accepts. */
    public static InterfaceAddress parse(String text) {
        IpPrefix checked = IpPrefix.parse(text); // validates address and length, with the message
        int slash = text.indexOf('/');
        return new InterfaceAddress(slash < 0 ? text : text.substring(0, slash), checked.length());
    }

    public boolean isIpv6() {
        return address.indexOf(':') >= 0;
    }

    /** The network this address sits in (host bits masked off). */
    public IpPrefix network() {
        return IpPrefix.of(IpText.parse(address), prefixLength);
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
