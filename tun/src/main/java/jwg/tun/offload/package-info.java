/**
 * TUN offloads (IFF_VNET_HDR with TUNSETOFFLOAD, as wireguard-go does since 2023): each packet
 * read or written carries a {@link jwg.tun.offload.VirtioNetHdr}; the kernel hands over TCP (and
 * UDP) super-packets of up to 64 KB, which {@link jwg.tun.offload.Segmenter} splits into MTU-sized
 * packets for the tunnel (TSO/USO in software), and takes merged ones, which
 * {@link jwg.tun.offload.Coalescer} builds from the packets that come out of the tunnel (GRO in
 * software, zero copy, written with {@link jwg.tun.LinuxTun#writev}). Malformed input is dropped
 * with an {@link jwg.tun.offload.OffloadDrop} reason, never an exception. Nothing allocates per
 * packet.
 */
package jwg.tun.offload;
