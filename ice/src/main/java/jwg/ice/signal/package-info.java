/**
 * Signaling: how peers exchange ICE offers, answers and candidates through an untrusted server.
 * {@link jwg.ice.signal.SignalServer} relays opaque envelopes between per-key mailboxes over HTTP
 * long-polling; {@link jwg.ice.signal.SignalClient} seals messages end to end with the peers'
 * static WireGuard keys (X25519 → BLAKE2s KDF → XChaCha20-Poly1305) and refuses anything
 * tampered, replayed, stale, misaddressed or from a key it was not told about.
 */
package jwg.ice.signal;
