package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import jwg.ice.TurnSchedule.Action;
import org.junit.jupiter.api.Test;

/** The TURN refresh state machine on a fake clock (ms). */
class TurnScheduleTest {

    @Test
    void refreshesEachBeforeItsLifetimeEnds() {
        TurnSchedule s = new TurnSchedule(); // RFC lifetimes: permission 300 s, channel 600 s
        long t = 1_000_000;
        s.allocated(t, 600);
        s.permitted(t);
        s.channelBound(t);
        assertEquals(Action.NONE, s.due(t));
        assertEquals(t + 240_000, s.nextDeadline(), "the permission first: 300 s minus the 60 s margin");
        assertEquals(Action.NONE, s.due(t + 239_999));
        assertEquals(Action.PERMISSION, s.due(t + 240_000));
        s.permitted(t + 240_000);
        assertEquals(t + 480_000, s.nextDeadline(), "the permission again at 480 s");
        assertEquals(Action.PERMISSION, s.due(t + 480_000));
        s.permitted(t + 480_000);
        assertEquals(t + 540_000, s.nextDeadline(), "allocation and channel: 600 s minus 60");
        assertEquals(Action.REFRESH, s.due(t + 540_000), "the allocation first");
        s.allocated(t + 540_000, 600);
        assertEquals(Action.CHANNEL, s.due(t + 540_000));
        s.channelBound(t + 540_000);
        assertFalse(s.expired(t + 540_000));
        assertEquals(Action.NONE, s.due(t + 540_000));
    }

    @Test
    void shortLifetimesRefreshAFifthBeforeTheEnd() {
        TurnSchedule s = new TurnSchedule(5_000, 10_000);
        s.allocated(0, 10);
        s.channelBound(0); // a ChannelBind refreshes the permission too
        assertEquals(4_000, s.nextDeadline());
        assertEquals(Action.PERMISSION, s.due(4_000));
        assertThrows(IllegalArgumentException.class, () -> new TurnSchedule(1_000, 10_000));
    }

    @Test
    void aFailedRefreshIsRetriedUntilTheThingLapses() {
        TurnSchedule s = new TurnSchedule(5_000, 10_000);
        s.allocated(0, 10);
        s.channelBound(0);
        long t = 4_000;
        int retries = 0;
        while (!s.expired(t)) {
            Action a = s.due(t);
            if (a == Action.PERMISSION) {
                s.failed(a, t);
                retries++;
                assertEquals(t + TurnSchedule.RETRY_MS, s.nextDeadline());
            }
            t += 100;
        }
        assertEquals(5_000, t, "the permission lapses at its lifetime");
        assertEquals(1, retries, "at 4 s; its retry would be at 5 s, when it has lapsed");
        assertTrue(s.expired(t));
    }

    @Test
    void aSuccessfulRetryKeepsItAlive() {
        TurnSchedule s = new TurnSchedule(5_000, 10_000);
        s.allocated(0, 60);
        s.channelBound(0);
        s.failed(Action.PERMISSION, 4_000);
        assertEquals(Action.NONE, s.due(4_500));
        assertEquals(Action.PERMISSION, s.due(5_000));
        s.permitted(4_900);
        assertFalse(s.expired(9_000));
        assertTrue(s.expired(9_900));
    }
}
