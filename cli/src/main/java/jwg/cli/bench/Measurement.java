package jwg.cli.bench;

/**
 * One pair in one round: steady TCP throughput, the first seconds on fresh daemons, the mean ping
 * RTT through the tunnel, and the CPU both implementations used during the steady run (in cores).
 */
record Measurement(String pair, int round, double gbps, double firstGbps, double rttMillis, double cpuCores) {

    /** CPU cores per Gbit/s (0 when nothing got through). */
    double cpuPerGbps() {
        return gbps > 0 ? cpuCores / gbps : 0;
    }
}
