/**
 * The {@code jwg} command ({@link jwg.cli.Main} dispatches): the wireguard-go command line
 * ({@link jwg.cli.Daemon}, for wg-quick), {@code up}/{@code down} of a wg-quick file without
 * wg-quick ({@link jwg.cli.Up}), {@code show}, {@code status}, {@code doctor}, {@code signal},
 * the demos ({@link jwg.cli.TunnelDemo} on a real rootless tunnel, {@link jwg.cli.MemoryDemo} in memory)
 * and the daemon's start-up warm-up ({@link jwg.cli.Warmup}). Each command's class is named after
 * it; everything else lives in the modules below (docs/architecture.md).
 */
package jwg.cli;
