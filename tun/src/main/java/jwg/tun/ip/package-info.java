/**
 * IP values, one set for the whole of jwg: {@link jwg.tun.ip.IpPrefix} (an address with a prefix
 * length — an interface address, a route, an allowed IP), {@link jwg.tun.ip.IpText} (strict
 * numeric address text both ways, no DNS) and {@link jwg.tun.ip.UntrustedText} (how text read from
 * a file, a socket or a command line is quoted in an error message). A leaf: it names nothing else
 * of jwg, so tun, the data plane and its config parsers share it without a package cycle
 * ({@code PackageDependencyTest} in dataplane checks).
 */
package jwg.tun.ip;
