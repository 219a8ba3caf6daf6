package jwg.ice.punch;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/** What one birthday punch ended with. */
public sealed interface PunchResult {
    /** Time from the start of the attempt to its end, in nanoseconds. */
    long nanos();

    /** Probes (requests) sent, answers sent, and datagrams dropped as not the peer's. */
    PunchStats stats();

    /**
     * The path: {@code socket} (the caller's, for the easy side; the one surviving socket of the
     * punch's own, for the hard side — the caller owns and closes it) reaches {@code remote}, and
     * answers came back both ways.
     */
    record Punched(DatagramChannel socket, InetSocketAddress remote, long nanos, PunchStats stats)
            implements PunchResult {}

    /** No pair got through before the deadline (or the attempt was closed); every socket of the punch's own is closed. */
    record Failed(String reason, long nanos, PunchStats stats) implements PunchResult {}
}
