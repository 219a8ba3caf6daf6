package jwg.ice.signal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One recipient's queue of opaque blobs on the server: bounded in count, FIFO, blobs older than
 * {@code maxAgeNanos} are discarded (the recipient would refuse them as stale anyway). A poll
 * waits until something arrives, the wait ends, or the mailbox is closed. The newest poll wins: a
 * poll still waiting when another one for the same recipient arrives returns empty at once. A
 * client has one poll open at a time, so the superseded one belongs to a connection that is gone
 * (a restarted peer): it must not take the next blob to a socket nobody reads.
 */
final class Mailbox {
    private record Item(byte[] blob, long arrived) {}

    private final int capacity;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private boolean closed;
    private long expired;
    private long pollGeneration;

    Mailbox(int capacity, long maxAgeNanos, LongSupplier nanoTime) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeNanos;
        this.nanoTime = nanoTime;
    }

    /** Adds a blob; false if the mailbox is full (after discarding expired blobs) or closed. */
    boolean offer(byte[] blob) {
        lock.lock();
        try {
            dropExpired();
            if (closed || items.size() >= capacity) return false;
            items.add(new Item(blob, nanoTime.getAsLong()));
            arrived.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes blobs (at most {@code maxBytes} in all, at least one if any), waiting up to {@code waitNanos}. */
    List<byte[]> poll(long waitNanos, int maxBytes) throws InterruptedException {
        lock.lock();
        try {
            long left = waitNanos;
            long mine = ++pollGeneration;
            if (mine > 1) arrived.signalAll(); // an older poll still waiting steps aside
            dropExpired();
            while (items.isEmpty() && !closed && left > 0 && mine == pollGeneration) {
                left = arrived.awaitNanos(left);
                dropExpired();
            }
            if (mine != pollGeneration) return List.of();
            List<byte[]> out = new ArrayList<>();
            int bytes = 0;
            while (!items.isEmpty() && (out.isEmpty() || bytes + items.peek().blob.length <= maxBytes)) {
                byte[] b = items.poll().blob;
                bytes += b.length;
                out.add(b);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting poll; later offers fail. */
    void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Blobs discarded unread because they grew too old. */
    long expired() {
        lock.lock();
        try {
            return expired;
        } finally {
            lock.unlock();
        }
    }

    boolean isIdle() {
        lock.lock();
        try {
            return items.isEmpty() && !lock.hasWaiters(arrived);
        } finally {
            lock.unlock();
        }
    }

    private void dropExpired() {
        long now = nanoTime.getAsLong();
        while (!items.isEmpty() && now - items.peek().arrived > maxAgeNanos) {
            items.poll();
            expired++;
        }
    }
}
