package jwg.tun;

import jwg.sys.Linux;

/**
 * How /dev/net/tun is attached (TUNSETIFF flags beyond IFF_TUN|IFF_NO_PI, which are always set).
 *
 * @param vnetHeader IFF_VNET_HDR: each packet is preceded by a struct virtio_net_hdr (for the
 *                   TSO/GSO offload work; the caller must then handle the header)
 * @param multiQueue IFF_MULTI_QUEUE: several descriptors may attach to the same interface,
 *                   one queue each (create again with the same name to add a queue)
 */
public record TunOptions(boolean vnetHeader, boolean multiQueue) {
    public static final TunOptions DEFAULT = new TunOptions(false, false);

    short flags() {
        short f = (short) (Linux.IFF_TUN | Linux.IFF_NO_PI);
        if (vnetHeader) f |= Linux.IFF_VNET_HDR;
        if (multiQueue) f |= Linux.IFF_MULTI_QUEUE;
        return f;
    }
}
