package jwg.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jwg.tun.ip.IpPrefix;

/**
 * Cryptokey routing: a longest-prefix-match table from IPv4/IPv6 prefixes to values (peers),
 * like wireguard-go's allowedips.go. One path-compressed binary trie per address family.
 *
 * <p>Threading: any number of reader threads may call the {@code lookup*} methods at any time,
 * without locks and without allocating; they see either the table before or after a concurrent
 * change, never a mix within one family. Writers ({@link #insert}, {@link #remove},
 * {@link #removeAll}) are serialized on this object: the trie is persistent (a change copies the
 * nodes on the path from the root, at most 129) and the new root is published with a volatile write.
 *
 * <p>Values are compared by identity ({@code ==}), as wireguard-go compares peer pointers.
 */
public final class AllowedIps<T> {
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** An immutable trie node: a prefix (left-aligned 128-bit key, masked to {@code bits}), an optional value, two children. */
    private record Node<T>(long hi, long lo, int bits, T value, Node<T> zero, Node<T> one) {
        Node<T> child(int bit) {
            return bit == 0 ? zero : one;
        }

        Node<T> withChild(int bit, Node<T> c) {
            return bit == 0 ? new Node<>(hi, lo, bits, value, c, one) : new Node<>(hi, lo, bits, value, zero, c);
        }

        Node<T> withValue(T v) {
            return new Node<>(hi, lo, bits, v, zero, one);
        }
    }

    private volatile Node<T> root4;
    private volatile Node<T> root6;
    /** Writer-side index: the prefixes of each value, in insertion order. Guarded by {@code this}. */
    private final Map<T, Set<IpPrefix>> byValue = new IdentityHashMap<>();

    private int size;

    // ---------------------------------------------------------------- lookups (any thread, no allocation)

    /** The value whose prefix most specifically covers the IPv4 address, or null. */
    public T lookupIpv4(int address) {
        return find(root4, (address & 0xFFFF_FFFFL) << 32, 0);
    }

    /** The value whose prefix most specifically covers the IPv6 address, or null. */
    public T lookupIpv6(long high, long low) {
        return find(root6, high, low);
    }

    /**
     * Routes an outgoing IP packet: the value for its destination address, read from the IPv4 or
     * IPv6 header at {@code offset}. Null if nothing matches or the bytes are not an IP header.
     */
    public T lookupDestination(MemorySegment packet, long offset) {
        return lookupHeader(packet, offset, 16, 24);
    }

    /** For a decrypted incoming IP packet: the value for its source address (wg's source check). */
    public T lookupSource(MemorySegment packet, long offset) {
        return lookupHeader(packet, offset, 12, 8);
    }

    private T lookupHeader(MemorySegment p, long offset, int v4At, int v6At) {
        long avail = p.byteSize() - offset;
        if (offset < 0 || avail < 1) return null;
        int version = (p.get(ValueLayout.JAVA_BYTE, offset) >>> 4) & 0xf;
        if (version == 4 && avail >= 20) return lookupIpv4(p.get(INT_BE, offset + v4At));
        if (version == 6 && avail >= 40)
            return lookupIpv6(p.get(LONG_BE, offset + v6At), p.get(LONG_BE, offset + v6At + 8));
        return null;
    }

    private static <T> T find(Node<T> node, long hi, long lo) {
        T best = null;
        while (node != null && matches(node, hi, lo)) {
            if (node.value != null) best = node.value;
            if (node.bits == 128) break;
            node = node.child(bit(hi, lo, node.bits));
        }
        return best;
    }

    private static boolean matches(Node<?> n, long hi, long lo) {
        return ((hi ^ n.hi) & IpPrefix.maskHigh(n.bits)) == 0 && ((lo ^ n.lo) & IpPrefix.maskLow(n.bits)) == 0;
    }

    private static int bit(long hi, long lo, int i) {
        return i < 64 ? (int) (hi >>> (63 - i)) & 1 : (int) (lo >>> (127 - i)) & 1;
    }

    // ---------------------------------------------------------------- writers (serialized)

    /**
     * Routes {@code prefix} to {@code value}; if another value held the prefix, it moves (as in wg).
     * The table keeps networks: host bits are cleared (10.1.2.3/8 is 10.0.0.0/8), here and in
     * {@link #remove} and {@link #exact}.
     */
    public synchronized void insert(IpPrefix prefix, T value) {
        if (value == null) throw new NullPointerException("value");
        prefix = prefix.network();
        T previous = exact(prefix);
        if (previous == value) return;
        if (previous != null) unindex(prefix, previous);
        else size++;
        setRoot(prefix, insert(root(prefix), prefix.high(), prefix.low(), bits(prefix), value));
        byValue.computeIfAbsent(value, v -> new LinkedHashSet<>()).add(prefix);
    }

    /** Removes {@code prefix} if it is routed to {@code value}; returns whether it was. */
    public synchronized boolean remove(IpPrefix prefix, T value) {
        prefix = prefix.network();
        if (value == null || exact(prefix) != value) return false;
        setRoot(prefix, remove(root(prefix), prefix.high(), prefix.low(), bits(prefix)));
        unindex(prefix, value);
        size--;
        return true;
    }

    /** Removes every prefix of {@code value} (a peer was removed or its allowed IPs replaced). */
    public synchronized void removeAll(T value) {
        Set<IpPrefix> prefixes = byValue.remove(value);
        if (prefixes == null) return;
        for (IpPrefix p : prefixes) {
            setRoot(p, remove(root(p), p.high(), p.low(), bits(p)));
            size--;
        }
    }

    /** Empties the table. */
    public synchronized void clear() {
        root4 = null;
        root6 = null;
        byValue.clear();
        size = 0;
    }

    /** The prefixes routed to {@code value}, in the order they were inserted (for wg show / UAPI get). */
    public synchronized List<IpPrefix> prefixesOf(T value) {
        Set<IpPrefix> s = byValue.get(value);
        return s == null ? List.of() : List.copyOf(s);
    }

    /** The value routed by exactly this prefix (not longest match), or null. */
    public synchronized T exact(IpPrefix prefix) {
        prefix = prefix.network();
        int bits = bits(prefix);
        Node<T> n = root(prefix);
        while (n != null && n.bits <= bits && matches(n, prefix.high(), prefix.low())) {
            if (n.bits == bits) return n.value;
            n = n.child(bit(prefix.high(), prefix.low(), n.bits));
        }
        return null;
    }

    /** Number of prefixes in the table. */
    public synchronized int size() {
        return size;
    }

    private void unindex(IpPrefix prefix, T value) {
        Set<IpPrefix> s = byValue.get(value);
        if (s == null) return;
        s.remove(prefix);
        if (s.isEmpty()) byValue.remove(value);
    }

    /** Trie depth in bits: the IPv4 trie is the 128-bit trie with keys padded by zeros, never deeper than 32. */
    private static int bits(IpPrefix p) {
        return p.length();
    }

    private Node<T> root(IpPrefix p) {
        return p.isIpv4() ? root4 : root6;
    }

    private void setRoot(IpPrefix p, Node<T> r) {
        if (p.isIpv4()) root4 = r;
        else root6 = r;
    }

    private static <T> Node<T> insert(Node<T> n, long hi, long lo, int bits, T value) {
        if (n == null) return new Node<>(hi, lo, bits, value, null, null);
        int common = Math.min(Math.min(commonBits(n.hi, n.lo, hi, lo), n.bits), bits);
        if (common == n.bits && n.bits == bits) return n.withValue(value);
        if (common == n.bits) {
            int b = bit(hi, lo, n.bits);
            return n.withChild(b, insert(n.child(b), hi, lo, bits, value));
        }
        Node<T> leaf = new Node<>(hi, lo, bits, value, null, null);
        if (common == bits) return leaf.withChild(bit(n.hi, n.lo, bits), n);
        long mh = hi & IpPrefix.maskHigh(common), ml = lo & IpPrefix.maskLow(common);
        return bit(hi, lo, common) == 0
                ? new Node<>(mh, ml, common, null, leaf, n)
                : new Node<>(mh, ml, common, null, n, leaf);
    }

    /** Removes the value at exactly (hi, lo, bits), which must exist; compacts value-less nodes. */
    private static <T> Node<T> remove(Node<T> n, long hi, long lo, int bits) {
        if (n.bits == bits) return compact(n.withValue(null));
        int b = bit(hi, lo, n.bits);
        return compact(n.withChild(b, remove(n.child(b), hi, lo, bits)));
    }

    private static <T> Node<T> compact(Node<T> n) {
        if (n.value != null) return n;
        if (n.zero == null) return n.one;
        if (n.one == null) return n.zero;
        return n;
    }

    private static int commonBits(long h1, long l1, long h2, long l2) {
        long x = h1 ^ h2;
        if (x != 0) return Long.numberOfLeadingZeros(x);
        return 64 + Long.numberOfLeadingZeros(l1 ^ l2);
    }

    /** All entries (prefix, value), for tests and diagnostics. */
    synchronized List<Map.Entry<IpPrefix, T>> entries() {
        List<Map.Entry<IpPrefix, T>> out = new ArrayList<>();
        byValue.forEach((v, ps) -> ps.forEach(p -> out.add(Map.entry(p, v))));
        return out;
    }
}
