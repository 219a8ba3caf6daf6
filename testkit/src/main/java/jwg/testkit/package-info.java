/**
 * What the integration tests share: {@link jwg.testkit.Requires} (skip outside CI, fail in CI),
 * {@link jwg.testkit.Netns} (uniquely named network namespaces, removed on close),
 * {@link jwg.testkit.NatLab} (routers, NATs and coturn in namespaces), {@link jwg.testkit.Coturn},
 * {@link jwg.testkit.Daemon} (a background process with bounded waits) and
 * {@link jwg.testkit.Launcher} (the repository's {@code bin/jwg}); and, for the unit tests that
 * keep the package graph free of cycles, {@link jwg.testkit.PackageReferences}.
 */
package jwg.testkit;
