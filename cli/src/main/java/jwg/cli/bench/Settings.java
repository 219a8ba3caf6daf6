package jwg.cli.bench;

/**
 * How {@code jwg bench} measures: seconds of steady iperf3, pings for the RTT, unmeasured warm-up
 * seconds, seconds measured on the fresh daemons first, and rounds (odd rounds reversed).
 */
record Settings(int seconds, int pings, int warmupSeconds, int freshSeconds, int rounds) {
    static final Settings DEFAULTS = new Settings(10, 50, 5, 5, 1);
}
