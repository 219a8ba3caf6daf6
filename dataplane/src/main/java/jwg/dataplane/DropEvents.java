package jwg.dataplane;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import jdk.jfr.FlightRecorder;
import jwg.noise.Counters;
import jwg.noise.Drop;

/**
 * Emits the periodic {@link DropEvent}s: the running devices register here, and JFR's periodic
 * thread calls {@link #emit} while a recording has {@code jwg.Drop} enabled (never otherwise). Each
 * device keeps the totals last reported, so an event carries the drops since the previous one.
 *
 * <p>The event is registered with Flight Recorder only once it runs ({@link Jfr}): before that,
 * registering would initialize it (about a second of CPU at start-up). A daemon thread looks once
 * a second until then, so a recording started later with {@code jcmd} gets the drops too.
 */
final class DropEvents {
    private static final Logger LOG = Logger.getLogger(DropEvents.class.getName());
    private static final Map<Device, Reported> DEVICES = new ConcurrentHashMap<>();
    private static volatile boolean hooked;

    /** What was last reported for one device (touched by the JFR periodic thread only). */
    private static final class Reported {
        final long[] device = new long[DeviceStats.Drop.values().length];
        final long[] protocol = new long[Drop.values().length];
        Counters counters; // the protocol core's, replaced when the private key changes
    }

    private DropEvents() {}

    private static boolean watching; // guarded by the class

    static void register(Device d) {
        DEVICES.put(d, new Reported());
        if (hooked) return;
        if (Jfr.on()) hook();
        else watch();
    }

    private static synchronized void watch() {
        if (watching) return;
        watching = true;
        Thread.ofPlatform().daemon().name("jwg-jfr-watch").start(() -> {
            try {
                while (!Jfr.on()) Thread.sleep(1000);
                hook();
            } catch (InterruptedException ignored) {
                // the JVM is going away
            }
        });
    }

    static void unregister(Device d) {
        DEVICES.remove(d);
    }

    private static synchronized void hook() {
        if (hooked) return;
        hooked = true;
        try {
            FlightRecorder.addPeriodicEvent(DropEvent.class, DropEvents::emit);
        } catch (RuntimeException | Error e) { // a JVM without JFR: the counters remain
            LOG.fine("JFR drop events unavailable: " + e);
        }
    }

    static void emit() {
        for (Map.Entry<Device, Reported> en : DEVICES.entrySet()) {
            Device d = en.getKey();
            Reported r = en.getValue();
            for (DeviceStats.Drop reason : DeviceStats.Drop.values()) {
                long total = d.stats.get(reason);
                r.device[reason.ordinal()] =
                        commit(d.name(), "device", reason.name(), total, r.device[reason.ordinal()]);
            }
            Counters c = d.protocolCounters();
            if (c == null) continue;
            if (c != r.counters) { // a new protocol core (key change): its counters start at zero
                r.counters = c;
                java.util.Arrays.fill(r.protocol, 0);
            }
            for (Drop reason : Drop.values()) {
                long total = c.get(reason);
                r.protocol[reason.ordinal()] =
                        commit(d.name(), "protocol", reason.name(), total, r.protocol[reason.ordinal()]);
            }
        }
    }

    /** Commits an event if {@code total} grew past {@code last}; returns the new last. */
    private static long commit(String device, String layer, String reason, long total, long last) {
        if (total <= last) return total;
        DropEvent e = new DropEvent();
        e.device = device;
        e.layer = layer;
        e.reason = reason;
        e.count = total - last;
        e.total = total;
        e.commit();
        return total;
    }
}
