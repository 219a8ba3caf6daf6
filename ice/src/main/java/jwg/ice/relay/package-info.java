/**
 * {@code jwg relay}: a minimal TURN server (RFC 8656, UDP only), an alternative to coturn for the
 * lab and for users who run their own relay. {@link jwg.ice.relay.RelayServer} owns the sockets and
 * the data path (ChannelData and Send/Data indications, relay to relay in one hop when both ends
 * are allocations of this server), batched on the device's native UDP sockets (recvmmsg + GRO,
 * sendmmsg + GSO) with an {@link jwg.ice.relay.Outbox} per target; {@link jwg.ice.relay.TurnRequests} answers the requests
 * (Binding, Allocate, Refresh, CreatePermission, ChannelBind) with long-term credentials
 * ({@link jwg.ice.relay.Nonces}); {@link jwg.ice.relay.Allocation} is one client's allocation with
 * its permissions and channels. Built on the module's STUN codec ({@code jwg.ice.stun}); nothing
 * in {@code jwg.ice} depends on this package.
 */
package jwg.ice.relay;
