package jwg.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.Object2LongHashMap;

/**
 * At most one deadline per key (a peer) on one Agrona {@link DeadlineTimerWheel}: the conductor
 * schedules each peer at its {@code Tunnel.nextDeadline} and sleeps until the earliest one.
 * Not thread-safe (the conductor's lock). Keys are compared by {@code equals}/{@code hashCode}
 * (identity for {@link Peer}).
 *
 * <p>Agrona's wheel is polled one slot ({@value #RESOLUTION_NANOS} ns, ~4.2 ms) per
 * {@code poll} call and only advances when the slot is done, so {@link #expire} polls slot by slot
 * up to {@code now}; deadlines are compared exactly, so a timer fires at its deadline, not at its
 * slot's end. The wheel cannot say when its next timer is due, so this keeps a lower bound of
 * all deadlines ({@link #earliest}), made exact again whenever it passes.
 */
final class TimerSchedule<K> {
    /** Slot width: 2^22 ns ≈ 4.2 ms (Agrona wants a power of two). */
    static final long RESOLUTION_NANOS = 1L << 22;
    /** Slots per turn: 1024 × 4.2 ms ≈ 4.3 s; later deadlines wait in their slot for their turn. */
    static final int TICKS_PER_WHEEL = 1024;

    private static final long NO_TIMER = -1; // Agrona's timer ids are ≥ 0

    private final DeadlineTimerWheel wheel;
    private final Long2ObjectHashMap<K> keyOf = new Long2ObjectHashMap<>();
    private final Object2LongHashMap<K> timerOf = new Object2LongHashMap<>(NO_TIMER);
    private final List<K> expired = new ArrayList<>();
    private final List<K> scratch = new ArrayList<>();
    private final DeadlineTimerWheel.TimerHandler onExpiry = this::onExpiry;
    private final DeadlineTimerWheel.TimerConsumer minFinder = this::findMin;
    /** No deadline is earlier than this (exact after {@link #expire} found it passed). */
    private long earliest = Long.MAX_VALUE;

    private long minScan;

    TimerSchedule(long now) {
        wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, now, RESOLUTION_NANOS, TICKS_PER_WHEEL);
    }

    /** Schedules {@code key} at {@code deadline}, replacing its previous one; {@link Long#MAX_VALUE} unschedules it. */
    void schedule(K key, long deadline) {
        long id = timerOf.getValue(key);
        if (id != NO_TIMER) {
            if (wheel.deadline(id) == deadline) return;
            wheel.cancelTimer(id);
            keyOf.remove(id);
            timerOf.removeKey(key);
        }
        if (deadline == Long.MAX_VALUE) return;
        id = wheel.scheduleTimer(deadline);
        keyOf.put(id, key);
        timerOf.put(key, id);
        if (deadline < earliest) earliest = deadline;
    }

    void cancel(K key) {
        schedule(key, Long.MAX_VALUE);
    }

    /** The key's deadline, or {@link Long#MAX_VALUE} if it has none. */
    long deadline(K key) {
        long id = timerOf.getValue(key);
        return id == NO_TIMER ? Long.MAX_VALUE : wheel.deadline(id);
    }

    int size() {
        return timerOf.size();
    }

    /** Unschedules every key that {@code keep} rejects. */
    void retainIf(Predicate<K> keep) {
        scratch.clear();
        for (K k : keyOf.values()) if (!keep.test(k)) scratch.add(k);
        for (K k : scratch) cancel(k);
        scratch.clear();
    }

    /**
     * The keys whose deadline is at or before {@code now}, earliest slot first; they are
     * unscheduled. The list is reused by the next call.
     */
    List<K> expire(long now) {
        expired.clear();
        if (wheel.timerCount() == 0) {
            wheel.currentTickTime(now); // nothing to find on the way: jump
            earliest = Long.MAX_VALUE;
            return expired;
        }
        if (now < earliest) return expired;
        // no timer is due before `earliest`: the slots before its slot can be skipped
        wheel.currentTickTime(earliest);
        // each poll looks at one slot and moves on only if `now` is past it: poll until a poll
        // stays, i.e. it has looked at the slot `now` is in
        for (int polls = 1; ; polls++) {
            long slotEnd = wheel.currentTickTime();
            wheel.poll(now, onExpiry, Integer.MAX_VALUE);
            if (wheel.currentTickTime() == slotEnd) break;
            if (polls == TICKS_PER_WHEEL) { // a whole turn seen at `now` (after a long stall): jump
                wheel.currentTickTime(now);
                wheel.poll(now, onExpiry, Integer.MAX_VALUE);
                break;
            }
        }
        recomputeEarliest();
        return expired;
    }

    /** How long to sleep at {@code now}: until the earliest deadline, at most {@code cap}, at least 0. */
    long sleepNanos(long now, long cap) {
        if (earliest == Long.MAX_VALUE) return cap;
        return Math.max(0, Math.min(cap, earliest - now));
    }

    /** The lower bound used for sleeping (tests). */
    long earliest() {
        return earliest;
    }

    private boolean onExpiry(TimeUnit unit, long now, long timerId) {
        K key = keyOf.remove(timerId); // the wheel reuses ids: forget this one now
        if (key != null) {
            timerOf.removeKey(key);
            expired.add(key);
        }
        return true;
    }

    private void findMin(long deadline, long timerId) {
        if (deadline < minScan) minScan = deadline;
    }

    private void recomputeEarliest() {
        minScan = Long.MAX_VALUE;
        if (wheel.timerCount() > 0) wheel.forEach(minFinder);
        earliest = minScan;
    }
}
