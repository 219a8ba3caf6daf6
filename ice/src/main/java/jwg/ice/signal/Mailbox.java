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
    private record Item(byte[] blob, long arrived, String sender) {}

    /** Why {@link #offer} refused a blob, or that it did not. */
    enum Offered {
        QUEUED,
        FULL,
        SENDER_QUOTA,
        MEMORY_BUDGET,
        CLOSED
    }

    private final int capacity;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final Budget budget;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private boolean closed;
    private long expired;
    private long pollGeneration;
    // poll authentication (PollAuth): the derived MAC key once a poll verified, the last accepted counter and when
    private byte[] authKey;
    private long lastPollCounter = Long.MIN_VALUE;
    private long lastAuthNanos;
    private boolean authenticated;

    Mailbox(int capacity, long maxAgeNanos, LongSupplier nanoTime) {
        this(capacity, maxAgeNanos, nanoTime, Budget.unlimited());
    }

    Mailbox(int capacity, long maxAgeNanos, LongSupplier nanoTime, Budget budget) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeNanos;
        this.nanoTime = nanoTime;
        this.budget = budget;
    }

    /** Adds a blob; false if the mailbox is full (after discarding expired blobs) or closed. */
    boolean offer(byte[] blob) {
        return offer(blob, "") == Offered.QUEUED;
    }

    /** Adds a blob from {@code sender}, charging the budget. */
    Offered offer(byte[] blob, String sender) {
        lock.lock();
        try {
            dropExpired();
            if (closed) return Offered.CLOSED;
            if (items.size() >= capacity) return Offered.FULL;
            switch (budget.reserve(sender, blob.length)) {
                case SENDER_QUOTA -> {
                    return Offered.SENDER_QUOTA;
                }
                case MEMORY_BUDGET -> {
                    return Offered.MEMORY_BUDGET;
                }
                case OK -> {}
            }
            items.add(new Item(blob, nanoTime.getAsLong(), sender));
            arrived.signalAll();
            return Offered.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /** The cached poll MAC key, or null if no poll has verified yet. */
    byte[] authKey() {
        lock.lock();
        try {
            return authKey;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a verified poll: true if {@code counter} is above every counter accepted before
     * (else it is a replay). Keeps {@code key} to verify later polls without a DH.
     */
    boolean authorize(long counter, byte[] key) {
        lock.lock();
        try {
            if (closed || counter <= lastPollCounter) return false;
            lastPollCounter = counter;
            lastAuthNanos = nanoTime.getAsLong();
            authenticated = true;
            if (authKey == null) authKey = key.clone();
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
            while (!items.isEmpty()
                    && (out.isEmpty() || bytes + Frames.HEADER + items.peek().blob.length <= maxBytes)) {
                Item it = items.poll();
                budget.release(it.sender, it.blob.length);
                bytes += Frames.HEADER + it.blob.length;
                out.add(it.blob);
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
            for (Item it; (it = items.poll()) != null; ) budget.release(it.sender, it.blob.length);
            if (authKey != null) java.util.Arrays.fill(authKey, (byte) 0);
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

    /**
     * Nothing queued, nobody waiting, and no poll accepted for {@code authMemoryNanos}: the
     * mailbox can be forgotten. (Its last poll counter must be kept until no poll it accepted
     * could still pass the freshness check, or a captured poll could be replayed to a new one.)
     */
    boolean isIdle(long authMemoryNanos) {
        lock.lock();
        try {
            dropExpired();
            return items.isEmpty()
                    && !lock.hasWaiters(arrived)
                    && (!authenticated || nanoTime.getAsLong() - lastAuthNanos > authMemoryNanos);
        } finally {
            lock.unlock();
        }
    }

    boolean isIdle() {
        lock.lock();
        try {
            return items.isEmpty() && !lock.hasWaiters(arrived) && !authenticated;
        } finally {
            lock.unlock();
        }
    }

    private void dropExpired() {
        long now = nanoTime.getAsLong();
        while (!items.isEmpty() && now - items.peek().arrived > maxAgeNanos) {
            Item it = items.poll();
            budget.release(it.sender, it.blob.length);
            expired++;
        }
    }
}
