/**
 * Configuration as users write it: the .conf format of wg and wg-quick
 * ({@link jwg.dataplane.config.ConfFile} → {@link jwg.dataplane.config.WgQuickConfig} /
 * {@link jwg.dataplane.config.DeviceConfig} / {@link jwg.dataplane.config.PeerConfig}) and the
 * cross-platform UAPI text protocol ({@link jwg.dataplane.config.UapiProtocol}: a
 * {@link jwg.dataplane.config.UapiSet} is parsed and validated whole before anything is applied;
 * {@link jwg.dataplane.config.UapiGet} answers in wireguard-go's order). Errors name the file, line
 * or key ({@link jwg.dataplane.config.ConfigException}, {@link jwg.dataplane.config.UapiException})
 * and never carry secrets.
 */
package jwg.dataplane.config;
