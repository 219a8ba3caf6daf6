/**
 * Panama FFM bindings to the Linux libc calls jwg needs (the module is "native"; the package
 * is {@code jwg.sys} because {@code native} is a Java keyword).
 *
 * <ul>
 * <li>{@link jwg.sys.Fds}: open/close/read/write/readv/writev, ioctl, fcntl, poll, eventfd.</li>
 * <li>{@link jwg.sys.Sockets}: socket/bind/connect/listen/accept, setsockopt/getsockopt,
 *     sendto/recvfrom, sendmsg/recvmsg, sendmmsg/recvmmsg; {@link jwg.sys.SockAddrs} builds addresses.</li>
 * <li>{@link jwg.sys.FdPassing}: descriptors over Unix sockets (SCM_RIGHTS).</li>
 * <li>{@link jwg.sys.NetlinkSocket}: AF_NETLINK sockets with extended ACKs.</li>
 * <li>{@link jwg.sys.NetNs}: run code in another network namespace (setns on a fresh thread).</li>
 * <li>{@link jwg.sys.Layouts} (struct layouts) and {@link jwg.sys.Linux} (constants): the ABI,
 *     declared once; {@link jwg.sys.Errno} and {@link jwg.sys.ErrnoException} for failures.</li>
 * </ul>
 *
 * <p>Conventions: a {@code try*} method returns its result or {@code -errno} and allocates
 * nothing (errno is captured with {@code Linker.Option.captureCallState} into a per-thread
 * segment) — for hot paths where EAGAIN/EINTR are normal. The other methods throw
 * {@link jwg.sys.ErrnoException}, whose message names the operation and carries strerror(3).
 * Restricted methods need {@code --enable-native-access=ALL-UNNAMED}: part of the project's JVM
 * flags (pom.xml's {@code jwg.jvmFlags}, which surefire, failsafe and bin/jwg use); the executable
 * jars' manifests carry {@code Enable-Native-Access: ALL-UNNAMED}.
 */
package jwg.sys;
