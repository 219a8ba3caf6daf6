/**
 * TUN devices: the {@link jwg.tun.Tun} interface the data plane reads and writes packets
 * through; {@link jwg.tun.LinuxTun} on /dev/net/tun (created, configured with
 * {@link jwg.tun.TunConfig} over rtnetlink, zero allocation per packet, reads ended by close or by
 * deletion of the interface). Tests of the layers above use the in-memory {@code jwg.tun.MemoryTun}
 * of this module's test-jar. Subpackages:
 * {@code netlink} (interface configuration without {@code ip}) and {@code rootless} (a TUN for
 * users without root, through a user + network namespace). User documentation: docs/tun.md.
 */
package jwg.tun;
