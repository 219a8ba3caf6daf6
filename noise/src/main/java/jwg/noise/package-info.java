/**
 * The WireGuard protocol core, sans-I/O: no sockets, no threads, no clock of its own. Every
 * call takes {@code now} (monotonic nanoseconds) and writes into caller-owned buffers.
 *
 * <h2>Where each concept lives</h2>
 * <ul>
 * <li>{@link jwg.noise.ProtocolCore} — the interface's half: static key, {@link jwg.noise.CookieChecker
 *     cookie checker}, {@link jwg.noise.IndexTable receiver-index table}, peers by public key.
 *     Every received datagram enters through {@link jwg.noise.ProtocolCore#decapsulate}.</li>
 * <li>{@link jwg.noise.Tunnel} — one peer (boringtun's {@code Tunn}): encapsulate, tick, and the
 *     split data-path API for the dataplane's worker pool.</li>
 * <li>{@link jwg.noise.Handshake} — Noise_IKpsk2 with WireGuard's framing, TAI64N replay and
 *     flood checks; {@link jwg.noise.HandshakeState} / {@link jwg.noise.SymmetricState} — the bare
 *     Noise pattern (checked against the cacophony vectors).</li>
 * <li>{@link jwg.noise.CookieGenerator} — MAC1/MAC2 on what we send; {@link jwg.noise.CookieChecker}
 *     — MAC1/MAC2 on what we receive, cookie replies under load.</li>
 * <li>{@link jwg.noise.Keypair} (one session's keys, thread-safe seal/open), {@link jwg.noise.Keypairs}
 *     (previous/current/next), {@link jwg.noise.ReplayWindow} (8,128-counter window).</li>
 * <li>{@link jwg.noise.Timers} — every timer rule in one file (wireguard-go's timers.go): rekey,
 *     retransmit and give-up, keepalives, zeroing; state as timestamps, {@code tick} and
 *     {@code nextDeadline} decide. {@link jwg.noise.Tunnel} keeps the two public entry points.</li>
 * <li>{@link jwg.noise.Messages} — sizes, offsets, parsing; {@link jwg.noise.Constants} — the
 *     whitepaper's constants.</li>
 * <li>Results: {@link jwg.noise.Result} — an {@link jwg.noise.Action} and the bytes it concerns, a
 *     view over the caller's buffer (boringtun's {@code TunnResult}; one per caller thread, no allocation);
 *     {@link jwg.noise.Drop} reasons counted in {@link jwg.noise.Counters}.</li>
 * </ul>
 *
 * <h2>Threading contract</h2>
 * <ul>
 * <li><b>Control thread</b> (or any thread holding the device's monitor, which these take
 *     themselves): handshake messages (types 1–3) via {@code ProtocolCore.decapsulate},
 *     {@code Tunnel.tick}, {@code Tunnel.initiateHandshake}, {@code addPeer}/{@code removePeer}.</li>
 * <li><b>Ordered send side</b> of a peer: {@code Tunnel.sendingKeypair} + {@code Keypair.nextSendCounter},
 *     later {@code Tunnel.sentDataWantsHandshake}. Lock-free.</li>
 * <li><b>Workers</b>: {@code Keypair.seal} / {@code Keypair.open}, each thread with its own
 *     {@link jwg.noise.crypto.ChaCha20Poly1305}. Lock-free, allocation-free.</li>
 * <li><b>Ordered receive side</b> of a peer: {@code ProtocolCore.lookup(receiverIndex)}, then after the
 *     worker, {@code Tunnel.receivedData} (replay window, timers, confirmation). One thread per
 *     peer at a time.</li>
 * <li>The simple API ({@code Tunnel.encapsulate}, {@code ProtocolCore.decapsulate} of type 4) may be
 *     used instead, from one sending and one receiving thread.</li>
 * </ul>
 *
 * <h2>Staged packets</h2>
 * The core keeps no packets. Without a usable session, encapsulate answers
 * {@link jwg.noise.Action#STAGE_PACKET} (with an initiation in the result when one is due): the
 * caller keeps the packet in a small bounded per-peer queue and re-encapsulates it when a result
 * carries {@link jwg.noise.Result#flushStaged}, or drops the queue on {@link jwg.noise.Result#dropStaged}.
 */
package jwg.noise;
