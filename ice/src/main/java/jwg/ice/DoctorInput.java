package jwg.ice;

import java.util.List;

/**
 * What {@code jwg doctor} is given about one interface, taken by {@link Connectivity#doctorInput()}:
 * the device's fwmark (its STUN and TURN lookups carry it, as the device's packets do), the configured servers (with the TURN credentials it needs to test them; {@link IceServers.Turn}
 * never prints the password), this host's candidate addresses by the harvester's rules, and the
 * status snapshot. The doctor ({@code jwg.ice.doctor}) reads only this, never {@link Connectivity}
 * itself, and {@code jwg.ice} never names the doctor: the dependency points one way.
 */
public record DoctorInput(
        String interfaceName,
        long fwmark,
        IceServers servers,
        List<HostAddresses.HostAddress> hosts,
        ConnectivityStatus status) {
    public DoctorInput {
        hosts = List.copyOf(hosts);
    }
}
