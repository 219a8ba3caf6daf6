/**
 * The reconnect guard: when a peer's connection should be retried (Netbird's guard.go), sans-I/O.
 */
package jwg.ice.guard;
