/**
 * Interop integration tests (failsafe, {@code *IT}): jwg against wireguard-go and against
 * itself, each interface brought up by the real {@code wg-quick} in its own network namespace
 * (jwg through the repository's {@code bin/jwg} as {@code WG_QUICK_USERSPACE_IMPLEMENTATION}).
 * They need root, iproute2, wireguard-tools, wireguard-go and nftables; without them they skip
 * (and fail in CI). Run them alone with
 * {@code mvn -B -o -pl cli verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false [-Dit.test=InteropMatrixIT]}.
 * Daemon logs of jwg interfaces are kept in {@code cli/target/interop-logs/}.
 *
 * <p>{@link jwg.cli.interop.Lab} holds the namespaces, veth, wg-quick and cleanup;
 * {@link jwg.cli.interop.NetTool} is run inside namespaces for hashed TCP transfers and hostile UDP.
 */
package jwg.cli.interop;
