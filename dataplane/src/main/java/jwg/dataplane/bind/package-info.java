/**
 * The device's UDP side: the {@link jwg.dataplane.bind.Bind} interface, batches of datagrams in
 * caller-owned off-heap buffers ({@link jwg.dataplane.bind.Datagrams}) with allocation-free
 * endpoints ({@link jwg.dataplane.bind.Endpoint}); {@link jwg.dataplane.bind.LinuxUdpBind}
 * (recvmmsg/sendmmsg with UDP GSO/GRO through FFM) and the portable
 * {@link jwg.dataplane.bind.NioBind}. The ICE layer wraps a bind of its own around one of these.
 */
package jwg.dataplane.bind;
