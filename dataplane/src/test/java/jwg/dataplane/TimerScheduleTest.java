package jwg.dataplane;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The conductor's timer wheel under a fake clock. */
class TimerScheduleTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;
    /** Like System.nanoTime: an arbitrary origin, here negative. */
    static final long T0 = -5_000 * S + 123_457;

    @Test
    void firesAtTheDeadlineNotBeforeNorASlotLater() {
        TimerSchedule<String> t = new TimerSchedule<>(T0);
        t.schedule("a", T0 + 10 * MS + 1);
        t.schedule("b", T0 + 10 * MS + 2);
        assertEquals(T0 + 10 * MS + 1, t.earliest());
        assertEquals(10 * MS + 1, t.sleepNanos(T0, 100 * MS));
        assertEquals(List.of(), t.expire(T0 + 10 * MS));
        assertEquals(List.of("a"), t.expire(T0 + 10 * MS + 1), "exactly at its deadline, though b shares its slot");
        assertEquals(List.of("b"), t.expire(T0 + 10 * MS + 2));
        assertEquals(0, t.size());
        assertEquals(100 * MS, t.sleepNanos(T0 + 11 * MS, 100 * MS), "nothing scheduled: sleep the cap");
    }

    @Test
    void rescheduleReplacesCancelAndMaxValueUnschedule() {
        TimerSchedule<String> t = new TimerSchedule<>(T0);
        t.schedule("a", T0 + 5 * MS);
        t.schedule("a", T0 + 50 * MS);
        assertEquals(1, t.size());
        assertEquals(T0 + 50 * MS, t.deadline("a"));
        assertEquals(List.of(), t.expire(T0 + 20 * MS), "moved later");
        assertEquals(50 * MS - 20 * MS, t.sleepNanos(T0 + 20 * MS, S), "the bound is exact again after it passed");
        t.schedule("b", T0 + 30 * MS);
        t.cancel("b");
        t.schedule("c", T0 + 40 * MS);
        t.schedule("c", Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, t.deadline("c"));
        assertEquals(List.of("a"), t.expire(T0 + 60 * MS));
        assertEquals(0, t.size());
    }

    @Test
    void deadlinesManyTurnsAheadWaitForTheirTurn() {
        long turn = TimerSchedule.RESOLUTION_NANOS * TimerSchedule.TICKS_PER_WHEEL;
        TimerSchedule<String> t = new TimerSchedule<>(T0);
        t.schedule("keepalive", T0 + 25 * S);
        t.schedule("zero", T0 + 540 * S);
        t.schedule("same-slot-next-turn", T0 + turn + 7);
        t.schedule("same-slot", T0 + 7);
        // poll like the conductor: every few ms for the first turns, then sleep until the earliest
        List<String> fired = new ArrayList<>();
        long now = T0;
        while (now < T0 + 600 * S) {
            for (String k : t.expire(now)) fired.add(k + "@" + (now - T0));
            now += Math.max(1, t.sleepNanos(now, 100 * MS));
        }
        assertEquals(
                List.of("same-slot@7", "same-slot-next-turn@" + (turn + 7), "keepalive@" + 25 * S, "zero@" + 540 * S),
                fired);
    }

    @Test
    void aLongStallExpiresEverythingDueInOneCall() {
        TimerSchedule<Integer> t = new TimerSchedule<>(T0);
        for (int i = 0; i < 1000; i++) t.schedule(i, T0 + i * 37 * MS);
        t.schedule(-1, T0 + 3_600 * S + 1);
        List<Integer> due = new ArrayList<>(t.expire(T0 + 3_600 * S)); // an hour later
        assertEquals(1000, due.size());
        assertEquals(1, t.size());
        assertEquals(List.of(-1), t.expire(T0 + 3_600 * S + 1));
    }

    @Test
    void aDeadlineInThePastFiresAtTheNextCall() {
        TimerSchedule<String> t = new TimerSchedule<>(T0);
        assertEquals(List.of(), t.expire(T0 + 10 * S));
        t.schedule("late", T0 + 3 * S);
        assertEquals(0, t.sleepNanos(T0 + 10 * S, S));
        assertEquals(List.of("late"), t.expire(T0 + 10 * S));
    }

    @Test
    void retainIfUnschedulesTheRest() {
        TimerSchedule<String> t = new TimerSchedule<>(T0);
        for (String k : List.of("a", "b", "c")) t.schedule(k, T0 + S);
        t.retainIf(k -> !k.equals("b"));
        assertEquals(2, t.size());
        assertEquals(List.of("a", "c"), t.expire(T0 + S).stream().sorted().toList());
    }

    /** Random schedules, cancels and clock jumps against a plain model: expire returns exactly the due keys. */
    @Test
    void matchesAModelOnRandomOperations() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            TimerSchedule<Integer> t = new TimerSchedule<>(T0);
            Map<Integer, Long> model = new HashMap<>();
            long now = T0;
            for (int op = 0; op < 20_000; op++) {
                int key = r.nextInt(200);
                switch (r.nextInt(6)) {
                    case 0, 1 -> { // schedule: mostly soon, sometimes many turns ahead, sometimes already due
                        long d = switch (r.nextInt(4)) {
                            case 0 -> now + r.nextLong(30 * S);
                            case 1 -> now - r.nextLong(S);
                            default -> now + r.nextLong(200 * MS);
                        };
                        t.schedule(key, d);
                        model.put(key, d);
                    }
                    case 2 -> {
                        t.cancel(key);
                        model.remove(key);
                    }
                    default -> { // time passes: a little, to the next deadline, or a lot
                        long step = switch (r.nextInt(5)) {
                            case 0 -> t.sleepNanos(now, 100 * MS);
                            case 1 -> r.nextLong(20 * S);
                            default -> r.nextLong(10 * MS);
                        };
                        now += step;
                        long at = now;
                        TreeSet<Integer> expected = new TreeSet<>();
                        model.forEach((k, d) -> {
                            if (d <= at) expected.add(k);
                        });
                        TreeSet<Integer> got = new TreeSet<>(t.expire(now));
                        assertEquals(expected, got, "seed " + seed + " op " + op);
                        expected.forEach(model::remove);
                        long min = model.values().stream()
                                .mapToLong(Long::longValue)
                                .min()
                                .orElse(Long.MAX_VALUE);
                        assertTrue(t.earliest() <= min, "sleeping never passes a deadline");
                    }
                }
                assertEquals(model.size(), t.size());
            }
        }
    }
}
