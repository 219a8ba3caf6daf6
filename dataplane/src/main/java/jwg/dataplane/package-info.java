/**
 * The device: one TUN, one UDP bind, the peers, and three threads in the shape of Aeron's media
 * driver — {@link jwg.dataplane.Sender} (TUN → seal → UDP), {@link jwg.dataplane.Receiver}
 * (UDP → open → TUN) and {@link jwg.dataplane.Conductor} (handshakes, timers, configuration),
 * each given a narrow context ({@link jwg.dataplane.DeviceContexts}) and reaching the conductor
 * only through its {@link jwg.dataplane.ConductorProxy}. Cryptokey routing is
 * {@link jwg.dataplane.AllowedIps}, the handshake rate limit {@link jwg.dataplane.RateLimiter},
 * the UAPI socket {@link jwg.dataplane.UapiSocket}. Subpackages: {@code bind} (UDP sockets) and
 * {@code config} (.conf files and the UAPI text protocol). User documentation: docs/dataplane.md.
 */
package jwg.dataplane;
