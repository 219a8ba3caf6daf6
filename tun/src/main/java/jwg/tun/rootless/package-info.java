/**
 * Rootless mode: {@link jwg.tun.rootless.RootlessTun} starts {@link jwg.tun.rootless.RootlessChild}
 * under {@code unshare --user --map-root-user --net}; the child creates the TUN in its private
 * namespace and passes the descriptor back over SCM_RIGHTS. See docs/tun.md.
 */
package jwg.tun.rootless;
