package jwg.dataplane;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code jwg.Drop}: packets dropped for one reason since the last such event. Drops
 * happen on the packet path, where an event per packet would cost time and allocation, so this is
 * a periodic event ({@link DropEvents}): once a period (default 1 s) it reads the counters the
 * data path keeps anyway and commits one event per reason whose count grew.
 */
@Name("jwg.Drop")
@Label("Packets Dropped")
@Category({"jwg", "WireGuard"})
@Description("Packets dropped for one reason since the previous jwg.Drop event of that reason")
@Period("1 s")
@Enabled(true)
@StackTrace(false)
final class DropEvent extends Event {
    @Label("Interface")
    String device;

    @Label("Layer")
    @Description("device (routing, I/O, offloads) or protocol (the WireGuard protocol core)")
    String layer;

    @Label("Reason")
    String reason;

    @Label("Count")
    @Description("Drops since the previous event for this reason")
    long count;

    @Label("Total")
    @Description("Drops for this reason since the interface started")
    long total;
}
