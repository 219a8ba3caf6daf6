/** JMH benchmarks of the primitives: the AEAD against the JDK and Bouncy Castle, X25519 against both. */
package jwg.bench.crypto;
