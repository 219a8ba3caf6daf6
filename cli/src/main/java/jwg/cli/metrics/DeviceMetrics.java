package jwg.cli.metrics;

import static jwg.cli.metrics.Exposition.Type.COUNTER;
import static jwg.cli.metrics.Exposition.Type.GAUGE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jwg.dataplane.Device;
import jwg.dataplane.DeviceStats;
import jwg.dataplane.config.UapiDevice;
import jwg.ice.ConnectionState;
import jwg.ice.Connectivity;
import jwg.ice.ConnectivityStatus;
import jwg.ice.PathType;
import jwg.noise.Counters;
import jwg.noise.Drop;
import jwg.noise.PublicKey;
import jwg.tun.LinuxTun;

/**
 * One scrape of an interface: reads the counters the device and the connectivity layer keep
 * anyway (per-peer transfer, drops by reason, protocol events, offloads, ICE state and path,
 * guard retries, signaling and relays) and writes them as a Prometheus page. Runs on the
 * endpoint's thread at scrape time; the packet path does nothing for it. Every series carries
 * {@code interface}; per-peer series carry {@code peer}, the public key in base64.
 */
public final class DeviceMetrics {
    private final Device device;
    private final Connectivity connectivity;

    /** {@code connectivity} is null on an interface without ICE. */
    public DeviceMetrics(Device device, Connectivity connectivity) {
        this.device = device;
        this.connectivity = connectivity;
    }

    /** The page. */
    public String scrape() {
        String ifc = device.name();
        Exposition x = new Exposition();
        List<PublicKey> keys = new ArrayList<>(device.peerKeys());
        keys.sort((a, b) -> a.toBase64().compareTo(b.toBase64()));
        List<Device.PeerTraffic> traffic = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<UapiDevice.PeerStats> stats = new ArrayList<>();
        for (PublicKey k : keys) {
            Device.PeerTraffic t = device.traffic(k);
            UapiDevice.PeerStats s = device.stats(k);
            if (t == null || s == null) continue; // removed meanwhile
            traffic.add(t);
            stats.add(s);
            names.add(k.toBase64());
        }

        x.family("jwg_peers", GAUGE, "Configured peers.").sample(names.size(), "interface", ifc);
        x.family(
                "jwg_peer_receive_bytes_total",
                COUNTER,
                "Bytes of WireGuard datagrams received from the peer and authenticated (handshakes included, as wg show's transfer).");
        for (int i = 0; i < names.size(); i++)
            x.sample(traffic.get(i).rxBytes(), "interface", ifc, "peer", names.get(i));
        x.family(
                "jwg_peer_transmit_bytes_total",
                COUNTER,
                "Bytes of WireGuard datagrams sent to the peer (handshakes included).");
        for (int i = 0; i < names.size(); i++)
            x.sample(traffic.get(i).txBytes(), "interface", ifc, "peer", names.get(i));
        x.family(
                "jwg_peer_receive_packets_total",
                COUNTER,
                "WireGuard datagrams received from the peer and authenticated.");
        for (int i = 0; i < names.size(); i++)
            x.sample(traffic.get(i).rxPackets(), "interface", ifc, "peer", names.get(i));
        x.family("jwg_peer_transmit_packets_total", COUNTER, "WireGuard datagrams sent to the peer.");
        for (int i = 0; i < names.size(); i++)
            x.sample(traffic.get(i).txPackets(), "interface", ifc, "peer", names.get(i));
        x.family(
                "jwg_peer_last_handshake_timestamp_seconds",
                GAUGE,
                "When the last handshake with the peer completed (Unix time; 0 = never).");
        for (int i = 0; i < names.size(); i++)
            x.sample(stats.get(i).lastHandshakeEpochNanos() / 1e9, "interface", ifc, "peer", names.get(i));
        x.family(
                "jwg_peer_handshake_age_seconds",
                GAUGE,
                "Seconds since the last handshake with the peer completed (no sample before the first).");
        for (int i = 0; i < names.size(); i++) {
            long age = traffic.get(i).handshakeAgeNanos();
            if (age >= 0) x.sample(age / 1e9, "interface", ifc, "peer", names.get(i));
        }

        drops(x, ifc);
        Counters pc = device.protocolCounters();
        x.family(
                "jwg_protocol_events_total",
                COUNTER,
                "WireGuard protocol events (handshake messages, keepalives, completed handshakes).");
        for (Counters.Event e : Counters.Event.values())
            x.sample(pc == null ? 0 : pc.get(e), "interface", ifc, "event", lower(e.name()));
        offloads(x, ifc);
        x.family("jwg_ice_enabled", GAUGE, "1 if the interface finds paths with ICE ('#! IceSignal'), else 0.")
                .sample(connectivity == null ? 0 : 1, "interface", ifc);
        if (connectivity != null) ice(x, ifc, connectivity.status());
        return x.text();
    }

    private void drops(Exposition x, String ifc) {
        x.family(
                "jwg_drops_total",
                COUNTER,
                "Packets dropped, by layer (device: routing, I/O, offloads; protocol: the WireGuard core) and reason.");
        for (DeviceStats.Drop d : DeviceStats.Drop.values())
            x.sample(device.stats().get(d), "interface", ifc, "layer", "device", "reason", lower(d.name()));
        Counters pc = device.protocolCounters();
        for (Drop d : Drop.values())
            x.sample(pc == null ? 0 : pc.get(d), "interface", ifc, "layer", "protocol", "reason", lower(d.name()));
    }

    private void offloads(Exposition x, String ifc) {
        Device.Offloads o = device.offloads();
        int f = o.tunFlags();
        x.family(
                "jwg_offload_enabled",
                GAUGE,
                "1 if the offload is in force (TUN virtio header, TCP/UDP segmentation on the TUN, UDP GSO/GRO on the socket).");
        x.sample(o.tunVnetHeader() ? 1 : 0, "interface", ifc, "offload", "tun_vnet_header");
        x.sample(
                (f & LinuxTun.TUN_F_TSO4) != 0 && (f & LinuxTun.TUN_F_TSO6) != 0 ? 1 : 0,
                "interface",
                ifc,
                "offload",
                "tun_tso");
        x.sample(
                (f & LinuxTun.TUN_F_USO4) != 0 && (f & LinuxTun.TUN_F_USO6) != 0 ? 1 : 0,
                "interface",
                ifc,
                "offload",
                "tun_uso");
        x.sample(o.udpGso() ? 1 : 0, "interface", ifc, "offload", "udp_gso");
        x.sample(o.udpGro() ? 1 : 0, "interface", ifc, "offload", "udp_gro");
    }

    private static void ice(Exposition x, String ifc, ConnectivityStatus s) {
        List<ConnectivityStatus.Peer> peers = new ArrayList<>(s.peers());
        peers.sort((a, b) -> a.publicKey().compareTo(b.publicKey()));
        x.family(
                "jwg_peer_ice_state",
                GAUGE,
                "The peer's connection state (1 for the current one): idle, connecting or connected. ICE peers only.");
        for (ConnectivityStatus.Peer p : peers) {
            for (ConnectionState st : ConnectionState.values())
                x.sample(p.state() == st ? 1 : 0, "interface", ifc, "peer", p.publicKey(), "state", lower(st.name()));
        }
        x.family(
                "jwg_peer_path",
                GAUGE,
                "The peer's path type (1 for the current one): p2p_host, p2p_reflexive, p2p_birthday, relayed or none. ICE peers only.");
        for (ConnectivityStatus.Peer p : peers) {
            for (PathType t : PathType.values())
                x.sample(p.path() == t ? 1 : 0, "interface", ifc, "peer", p.publicKey(), "path", lower(t.name()));
        }
        x.family(
                "jwg_peer_relayed",
                GAUGE,
                "1 while the peer's traffic goes through a TURN relay, else 0 (alert on P2P -> relayed).");
        for (ConnectivityStatus.Peer p : peers)
            x.sample(p.path() == PathType.RELAYED ? 1 : 0, "interface", ifc, "peer", p.publicKey());
        x.family(
                "jwg_peer_path_changes_total", COUNTER, "Times the peer's path changed (connected, switched or lost).");
        for (ConnectivityStatus.Peer p : peers) x.sample(p.pathChanges(), "interface", ifc, "peer", p.publicKey());
        x.family(
                "jwg_peer_guard_retries_total",
                COUNTER,
                "Connection attempts the reconnect guard started for the peer.");
        for (ConnectivityStatus.Peer p : peers) x.sample(p.guardRetries(), "interface", ifc, "peer", p.publicKey());
        x.family(
                "jwg_peer_ice_sessions_total",
                COUNTER,
                "ICE sessions for the peer, by outcome: started, connected, failed.");
        for (ConnectivityStatus.Peer p : peers) {
            x.sample(p.sessionsStarted(), "interface", ifc, "peer", p.publicKey(), "outcome", "started");
            x.sample(p.sessionsConnected(), "interface", ifc, "peer", p.publicKey(), "outcome", "connected");
            x.sample(p.sessionsFailed(), "interface", ifc, "peer", p.publicKey(), "outcome", "failed");
        }
        x.family(
                "jwg_peer_rtt_seconds",
                GAUGE,
                "Round-trip time of the selected direct pair's last ICE check (no sample when relayed or unknown).");
        for (ConnectivityStatus.Peer p : peers)
            if (p.rttMillis() >= 0) x.sample(p.rttMillis() / 1000, "interface", ifc, "peer", p.publicKey());

        x.family("jwg_signal_connected", GAUGE, "1 while the signaling server is reachable, else 0.")
                .sample(
                        s.signal().connected() ? 1 : 0,
                        "interface",
                        ifc,
                        "server",
                        withoutUserInfo(s.signal().server()));
        x.family("jwg_signal_messages_total", COUNTER, "Signaling messages, by direction: sent, received.");
        x.sample(s.signal().sent(), "interface", ifc, "direction", "sent");
        x.sample(s.signal().received(), "interface", ifc, "direction", "received");
        Map<String, Integer> relayedVia = new HashMap<>();
        for (ConnectivityStatus.Peer p : peers) if (p.relay() != null) relayedVia.merge(p.relay(), 1, Integer::sum);
        x.family("jwg_relays_configured", GAUGE, "TURN relays configured ('#! IceTurn').")
                .sample(s.relays().size(), "interface", ifc);
        x.family("jwg_relay_peers", GAUGE, "Peers whose selected path goes through this relay (ours or the peer's).");
        for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(relayedVia).entrySet())
            x.sample(e.getValue(), "interface", ifc, "relay", e.getKey());
        if (s.stun() != null) {
            x.family(
                    "jwg_stun_datagrams_total",
                    COUNTER,
                    "STUN/TURN datagrams on the WireGuard socket, by direction: sent, received.");
            x.sample(s.stun().sent(), "interface", ifc, "direction", "sent");
            x.sample(s.stun().received(), "interface", ifc, "direction", "received");
            x.family(
                    "jwg_stun_drops_total",
                    COUNTER,
                    "STUN datagrams dropped: unroutable (no ICE agent wanted it), queue_full.");
            x.sample(s.stun().unroutable(), "interface", ifc, "reason", "unroutable");
            x.sample(s.stun().queueFull(), "interface", ifc, "reason", "queue_full");
        }
        x.family("jwg_ice_ready", GAUGE, "1 once the start-up ICE gathering is done.")
                .sample(s.ready() ? 1 : 0, "interface", ifc);
    }

    /** The signaling URL without any user:password@ (secrets stay off the page). */
    static String withoutUserInfo(String url) {
        try {
            java.net.URI u = new java.net.URI(url);
            if (u.getRawUserInfo() == null) return url;
            return new java.net.URI(
                            u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), u.getFragment())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            return "(unparsable)";
        }
    }

    private static String lower(String enumName) {
        return enumName.toLowerCase(Locale.ROOT);
    }
}
