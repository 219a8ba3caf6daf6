/**
 * The primitives WireGuard names, in pure Java, allocation-free on the transport path:
 * {@link jwg.noise.crypto.ChaCha20Poly1305} (the JDK's ChaCha20 intrinsic or
 * {@link jwg.noise.crypto.ChaCha20Vec}, with {@link jwg.noise.crypto.Poly1305} /
 * {@link jwg.noise.crypto.Poly1305Vec} / {@link jwg.noise.crypto.JdkPoly1305}; which path runs is
 * decided per CPU, and {@link jwg.noise.crypto.VectorGate} holds the Vector API paths back until
 * C2 has compiled them), {@link jwg.noise.crypto.XChaCha20Poly1305} (cookie replies),
 * {@link jwg.noise.crypto.Blake2s} and {@link jwg.noise.crypto.Kdf} (HASH, MAC, HMAC, KDF1..3),
 * {@link jwg.noise.crypto.X25519} (and {@link jwg.noise.crypto.X25519Batch}: four DHs under one
 * private key as one 4-lane vector ladder, {@link jwg.noise.crypto.X25519Vec}, for the es of queued
 * initiations), {@link jwg.noise.crypto.Tai64n}, and
 * {@link jwg.noise.crypto.ConstantTime} comparisons. Measurements: docs/benchmarks.md.
 */
package jwg.noise.crypto;
