package jwg.tun;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A layer-3 TUN interface as the data plane sees it: whole IPv4/IPv6 packets in and out, no
 * link-layer header. {@link LinuxTun} is the handle of a kernel interface; the tests' in-memory
 * one is {@code MemoryTun}.
 * Buffers belong to the caller (off-heap segments); reads and writes allocate nothing.
 * {@link #close()} from any thread makes a blocked {@link #read} return -1 promptly.
 */
public interface Tun extends AutoCloseable {
    /** The interface name (at most 15 bytes). */
    String name();

    /** The interface MTU. */
    int mtu();

    /**
     * Reads one packet into {@code buffer} at {@code offset} (at most {@code capacity} bytes),
     * blocking until one arrives. Returns its length, or -1 once the device is closed or the
     * interface was deleted.
     */
    int read(MemorySegment buffer, long offset, int capacity) throws IOException;

    /**
     * Reads one packet if one is queued, without blocking: its length, 0 if none is waiting, or
     * -1 once closed. Lets a reader gather a batch after a blocking {@link #read}.
     */
    default int tryRead(MemorySegment buffer, long offset, int capacity) throws IOException {
        return 0;
    }

    /**
     * Whether every packet read and written carries a struct virtio_net_hdr first (IFF_VNET_HDR;
     * see {@link jwg.tun.offload.VirtioNetHdr}).
     */
    default boolean vnetHeader() {
        return false;
    }

    /**
     * The TUN_F_* offloads in force (TUNSETOFFLOAD): with TUN_F_TSO4/6 (and USO4/6) reads may
     * return super-packets to split ({@link jwg.tun.offload.Segmenter}) and writes may carry
     * merged ones ({@link jwg.tun.offload.Coalescer}). 0 when none.
     */
    default int offloads() {
        return 0;
    }

    /**
     * Writes one packet gathered from {@code count} struct iovecs at {@code iovecs[start]} (with
     * {@link #vnetHeader()}, the first bytes are its virtio_net_hdr): bytes written, 0 once
     * closed, or -errno (-EAGAIN/-ENOBUFS: the queue was full, the packet dropped). Only devices
     * with {@link #offloads()} need it.
     */
    default long writev(MemorySegment iovecs, int start, int count) {
        throw new UnsupportedOperationException(name() + " takes no gathered writes");
    }

    /** Writes one packet of {@code length} bytes at {@code buffer[offset]}. */
    void write(MemorySegment buffer, long offset, int length) throws IOException;

    @Override
    void close();
}
