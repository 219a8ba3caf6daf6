/** JMH benchmarks of the protocol core: handshakes per second and the transport path (0 B/op). */
package jwg.bench.noise;
