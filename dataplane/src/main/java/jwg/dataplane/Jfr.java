package jwg.dataplane;

import jdk.jfr.FlightRecorder;

/**
 * Whether jwg's JFR events could be recorded at all. Until Flight Recorder is initialized (a
 * recording started with -XX:StartFlightRecording or {@code jcmd PID JFR.start}) no recording can
 * want them, and the first use of an event class would initialize it — measured at 1–2 s of one
 * thread's time on a loaded 2-core machine. So every emitter asks this first (a static read) and
 * never touches an event class before.
 */
public final class Jfr {
    private Jfr() {}

    /** True once Flight Recorder runs in this JVM. */
    public static boolean on() {
        return FlightRecorder.isInitialized();
    }
}
