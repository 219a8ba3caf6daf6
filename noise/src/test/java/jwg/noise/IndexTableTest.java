package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Receiver indices: random, unique, never 0; lookups survive growth and removals. */
class IndexTableTest {

    /** A "random" source that keeps repeating a few values (and 0) to force collisions. */
    static final class Repeating extends SecureRandom {
        private final Random r = new Random(3);
        private int calls;

        @Override
        public int nextInt() {
            calls++;
            return calls % 3 == 0 ? 0 : r.nextInt(64);
        }
    }

    @Test
    void uniqueNonZeroIndicesEvenWithARepeatingRandomSource() {
        TestNet n = new TestNet();
        try (n) {
            IndexTable t = new IndexTable(new Repeating());
            Map<Integer, Integer> seen = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                int idx = t.newIndex(n.a);
                assertNotEquals(0, idx);
                assertNull(seen.put(idx, i), "collision on " + idx);
            }
            assertEquals(60, t.size());
        }
    }

    @Test
    void growsAndRemoves() {
        try (TestNet n = new TestNet()) {
            IndexTable t = new IndexTable(new SecureRandom());
            int[] idx = new int[10_000];
            for (int i = 0; i < idx.length; i++) idx[i] = t.newIndex(i % 2 == 0 ? n.a : n.b);
            for (int i = 0; i < idx.length; i++) {
                IndexTable.Entry e = t.get(idx[i]);
                assertNotNull(e);
                assertSame(i % 2 == 0 ? n.a : n.b, e.tunnel());
            }
            for (int i = 0; i < idx.length; i += 3) t.remove(idx[i], null);
            for (int i = 0; i < idx.length; i++) assertEquals(i % 3 != 0, t.get(idx[i]) != null);
            t.removeAll(n.a);
            for (int i = 0; i < idx.length; i++) assertEquals(i % 3 != 0 && i % 2 == 1, t.get(idx[i]) != null);
            // reuse after removals keeps working (tombstones)
            for (int i = 0; i < 5000; i++) assertNotNull(t.get(t.newIndex(n.a)));
        }
    }
}
