/**
 * {@code jwg bench}: WireGuard implementations measured side by side through real tunnels —
 * {@link jwg.cli.bench.Lab} (two network namespaces on a veth, each end brought up by wg-quick with
 * the implementation under test), {@link jwg.cli.bench.Bench} (rounds in alternating order),
 * {@link jwg.cli.bench.Stats} / {@link jwg.cli.bench.Summary} / {@link jwg.cli.bench.Table}
 * (medians, min ÷ median, ratios), and the outputs {@link jwg.cli.bench.BenchJson} and
 * {@link jwg.cli.bench.BenchSvg} (an SVG chart written by our own code). Docs: docs/cli.md.
 */
package jwg.cli.bench;
