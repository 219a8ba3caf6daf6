package jwg.tun.offload;

/**
 * Why a packet handed over with a virtio_net_hdr was dropped instead of split. Each reason has a
 * negative {@link #code()}: {@link Segmenter} returns it where it would return a count, so the hot
 * path neither throws nor allocates; {@link #of(int)} turns a code back into its reason for a
 * counter or a log line.
 */
public enum OffloadDrop {
    /** Shorter than the virtio header, the IP header or the transport header it announces. */
    TRUNCATED,
    /** gso_type is not NONE, TCPV4, TCPV6 or UDP_L4 (UFO and unknown types are refused). */
    BAD_GSO_TYPE,
    /** The IP version byte is neither 4 nor 6. */
    BAD_IP_VERSION,
    /** gso_type TCPV4 on an IPv6 packet or TCPV6 on an IPv4 packet. */
    GSO_TYPE_MISMATCH,
    /** IPv4 IHL below 5, or a fragment offered for segmentation. */
    BAD_IP_HEADER,
    /** The IP protocol / next header is not the transport the gso_type names (IPv6 extension headers included). */
    BAD_PROTOCOL,
    /** TCP data offset below 5 words. */
    BAD_TCP_HEADER,
    /** csum_start is not where the transport header starts, or csum_start+csum_offset lies outside the packet or off the checksum field. */
    BAD_CSUM_OFFSET,
    /** gso_size is 0, or one segment would exceed 65535 bytes. */
    BAD_GSO_SIZE,
    /** A super-packet without any payload to split. */
    NO_PAYLOAD,
    /** Longer than an IP packet can be (65535 bytes of IPv4, 40+65535 of IPv6). */
    TOO_LONG,
    /** Splitting would need more packets than the slots offered. */
    TOO_MANY_SEGMENTS,
    /** A destination slot (or the slot array) is too small for its packet. */
    DESTINATION_TOO_SMALL;

    private static final OffloadDrop[] ALL = values();

    /** The negative code returned in place of a count: -(ordinal + 1). */
    public int code() {
        return -(ordinal() + 1);
    }

    /** The reason of a negative code, or null for a count (>= 0) or an unknown code. */
    public static OffloadDrop of(int code) {
        int i = -code - 1;
        return i >= 0 && i < ALL.length ? ALL[i] : null;
    }
}
