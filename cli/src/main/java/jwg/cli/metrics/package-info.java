/**
 * The opt-in Prometheus endpoint ({@code #! Metrics = ADDR} or {@code JWG_METRICS}):
 * {@link jwg.cli.metrics.MetricsAddress} (where), {@link jwg.cli.metrics.MetricsEndpoint} (the JDK's
 * HTTP server, {@code GET /metrics}), {@link jwg.cli.metrics.DeviceMetrics} (one page built at
 * scrape time from the counters the device and the ICE layer already keep) and
 * {@link jwg.cli.metrics.Exposition} (the text format 0.0.4). Docs: docs/metrics.md.
 */
package jwg.cli.metrics;
