package jwg.noise;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Receiver index → owner (whitepaper 5.4.2: "I_i / I_r, a random 32-bit index"). A local
 * index is first held by a handshake in progress (so a response or cookie reply can find its
 * peer), then by the keypair derived from it (so transport messages can). Indices are random,
 * unique, never 0.
 *
 * <p>Lookups are lock-free and allocation-free (open addressing over an
 * {@link AtomicReferenceArray} of immutable entries); changes are rare and take a lock.
 */
final class IndexTable {
    /** What an index points to: always a tunnel, and the keypair once the handshake completed. */
    record Entry(int index, Tunnel tunnel, Keypair keypair) {}

    private static final Entry TOMBSTONE = new Entry(0, null, null);
    private volatile AtomicReferenceArray<Entry> table = new AtomicReferenceArray<>(64);
    private int size; // live entries
    private int used; // live + tombstones
    private final SecureRandom random;

    IndexTable(SecureRandom random) {
        this.random = random;
    }

    private static int slot(int index, int mask) {
        int h = index * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** The entry for {@code index}, or null. Lock-free, no allocation. */
    Entry get(int index) {
        AtomicReferenceArray<Entry> t = table;
        int mask = t.length() - 1;
        for (int i = slot(index, mask), n = 0; n <= mask; i = (i + 1) & mask, n++) {
            Entry e = t.get(i);
            if (e == null) return null;
            if (e != TOMBSTONE && e.index == index) return e;
        }
        return null;
    }

    /** Allocates a fresh random index for {@code tunnel} (handshake in progress). */
    synchronized int newIndex(Tunnel tunnel) {
        while (true) {
            int idx = random.nextInt();
            if (idx == 0 || get(idx) != null) continue;
            insert(new Entry(idx, tunnel, null));
            return idx;
        }
    }

    /** Points an existing index at its keypair (same tunnel). */
    synchronized void setKeypair(int index, Keypair kp) {
        replace(index, new Entry(index, kp.tunnel, kp));
    }

    /** Removes {@code index} if it still belongs to {@code kp} (or, with kp null, to no keypair). */
    synchronized void remove(int index, Keypair kp) {
        AtomicReferenceArray<Entry> t = table;
        int mask = t.length() - 1;
        for (int i = slot(index, mask), n = 0; n <= mask; i = (i + 1) & mask, n++) {
            Entry e = t.get(i);
            if (e == null) return;
            if (e != TOMBSTONE && e.index == index) {
                if (e.keypair == kp) {
                    t.set(i, TOMBSTONE);
                    size--;
                }
                return;
            }
        }
    }

    /** Removes every index of {@code tunnel}. */
    synchronized void removeAll(Tunnel tunnel) {
        AtomicReferenceArray<Entry> t = table;
        for (int i = 0; i < t.length(); i++) {
            Entry e = t.get(i);
            if (e != null && e != TOMBSTONE && e.tunnel == tunnel) {
                t.set(i, TOMBSTONE);
                size--;
            }
        }
    }

    synchronized int size() {
        return size;
    }

    private void replace(int index, Entry ne) {
        AtomicReferenceArray<Entry> t = table;
        int mask = t.length() - 1;
        for (int i = slot(index, mask), n = 0; n <= mask; i = (i + 1) & mask, n++) {
            Entry e = t.get(i);
            if (e == null) break;
            if (e != TOMBSTONE && e.index == index) {
                t.set(i, ne);
                return;
            }
        }
        insert(ne);
    }

    private void insert(Entry ne) {
        if ((used + 1) * 2 > table.length())
            rehash(size + 1 > table.length() / 4 ? table.length() * 2 : table.length());
        AtomicReferenceArray<Entry> t = table;
        int mask = t.length() - 1;
        for (int i = slot(ne.index, mask); ; i = (i + 1) & mask) {
            Entry e = t.get(i);
            if (e == null) {
                used++;
                size++;
                t.set(i, ne);
                return;
            }
            if (e == TOMBSTONE) {
                size++;
                t.set(i, ne);
                return;
            }
        }
    }

    /** Builds a new array (no tombstones) and publishes it; readers keep using the old one meanwhile. */
    private void rehash(int capacity) {
        AtomicReferenceArray<Entry> old = table;
        AtomicReferenceArray<Entry> t = new AtomicReferenceArray<>(capacity);
        int mask = capacity - 1;
        int n = 0;
        for (int i = 0; i < old.length(); i++) {
            Entry e = old.get(i);
            if (e == null || e == TOMBSTONE) continue;
            int j = slot(e.index, mask);
            while (t.get(j) != null) j = (j + 1) & mask;
            t.set(j, e);
            n++;
        }
        used = n;
        size = n;
        table = t;
    }
}
