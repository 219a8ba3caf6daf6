/** JMH benchmarks and harnesses of the TUN path: packets per second through FFM, and the offloads' split and coalesce. */
package jwg.bench.tun;
