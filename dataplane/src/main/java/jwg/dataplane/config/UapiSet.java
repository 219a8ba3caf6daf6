package jwg.dataplane.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import jwg.tun.ip.IpPrefix;
import jwg.tun.ip.UntrustedText;

/**
 * A parsed and validated UAPI {@code set=1} request: the operations in the order they came.
 * Parsing checks every line before anything is applied, so a malformed request changes nothing
 * (wireguard-go applies line by line and may leave half a change behind; jwg does not).
 * {@link #applyTo} is then a pure function from one {@link DeviceConfig} to the next, with
 * wireguard-go's semantics. Errno values follow wireguard-go: a line without '=' is -EPROTO,
 * an unknown key or bad value is -EINVAL.
 */
public record UapiSet(List<Op> ops) {
    public UapiSet {
        ops = List.copyOf(ops);
    }

    /** One line of a set request. Device operations come first; peer operations follow a {@link Peer}. */
    public sealed interface Op {}

    /** {@code private_key}: null removes the key (all-zero hex). */
    public record SetPrivateKey(PrivateKey key) implements Op {}

    public record SetListenPort(int port) implements Op {}

    public record SetFwmark(long mark) implements Op {}

    /** {@code replace_peers=true}: remove every peer. */
    public record ReplacePeers() implements Op {}

    /** {@code public_key}: select (and create, unless {@link UpdateOnly} follows) the peer. */
    public record Peer(PublicKey key) implements Op {}

    /** {@code update_only=true}: do not create the selected peer if it did not exist. */
    public record UpdateOnly() implements Op {}

    /** {@code remove=true}: remove the selected peer. */
    public record RemovePeer() implements Op {}

    /** {@code preshared_key}: null (all-zero hex) removes it. */
    public record SetPresharedKey(PresharedKey key) implements Op {}

    public record SetEndpoint(PeerEndpoint endpoint) implements Op {}

    public record SetPersistentKeepalive(int seconds) implements Op {}

    /** {@code replace_allowed_ips=true}: clear the selected peer's allowed IPs. */
    public record ReplaceAllowedIps() implements Op {}

    /** {@code allowed_ip=prefix}: route the prefix to the selected peer (moving it from another peer). */
    public record AddAllowedIp(IpPrefix prefix) implements Op {}

    /** {@code allowed_ip=-prefix} (newer wg): remove the prefix if the selected peer has it. */
    public record RemoveAllowedIp(IpPrefix prefix) implements Op {}

    // ------------------------------------------------------------------------------ parsing

    /** Parses the lines of a set request (without "set=1" and the final empty line). */
    public static UapiSet parse(List<String> lines) throws UapiException {
        List<Op> ops = new ArrayList<>(lines.size());
        boolean device = true;
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq < 0)
                throw new UapiException(UapiException.EPROTO, "failed to parse line " + UntrustedText.quote(line));
            String key = line.substring(0, eq), value = line.substring(eq + 1);
            if (key.equals("public_key")) {
                device = false;
                ops.add(new Peer(PublicKey.fromHex(hexKey(key, value))));
            } else {
                Op op = device ? deviceLine(key, value) : peerLine(key, value);
                if (op != null) ops.add(op);
            }
        }
        return new UapiSet(ops);
    }

    private static Op deviceLine(String key, String value) throws UapiException {
        return switch (key) {
            case "private_key" -> {
                // all zeros removes the key; test the text, because a PrivateKey is clamped (never zero)
                String hex = hexKey(key, value);
                yield new SetPrivateKey(hex.chars().allMatch(c -> c == '0') ? null : PrivateKey.fromHex(hex));
            }
            case "listen_port" -> new SetListenPort((int) unsigned(key, value, 0xFFFF));
            case "fwmark" -> new SetFwmark(unsigned(key, value, 0xFFFF_FFFFL));
            case "replace_peers" -> {
                mustBeTrue(key, value);
                yield new ReplacePeers();
            }
            default -> throw invalid("invalid UAPI device key: " + UntrustedText.quote(key));
        };
    }

    private static Op peerLine(String key, String value) throws UapiException {
        return switch (key) {
            case "update_only" -> {
                mustBeTrue(key, value);
                yield new UpdateOnly();
            }
            case "remove" -> {
                mustBeTrue(key, value);
                yield new RemovePeer();
            }
            case "preshared_key" -> {
                PresharedKey k = PresharedKey.fromHex(hexKey(key, value));
                yield new SetPresharedKey(k.isZero() ? null : k);
            }
            case "endpoint" -> {
                try {
                    yield new SetEndpoint(PeerEndpoint.parseNumeric(value));
                } catch (IllegalArgumentException e) {
                    throw invalid("failed to set endpoint: " + e.getMessage());
                }
            }
            case "persistent_keepalive_interval" -> new SetPersistentKeepalive((int) unsigned(key, value, 0xFFFF));
            case "replace_allowed_ips" -> {
                mustBeTrue(key, value);
                yield new ReplaceAllowedIps();
            }
            case "allowed_ip" -> allowedIp(value);
            case "protocol_version" -> {
                if (!value.equals("1")) throw invalid("invalid protocol version: " + UntrustedText.quote(value));
                yield null;
            }
            default -> throw invalid("invalid UAPI peer key: " + UntrustedText.quote(key));
        };
    }

    private static Op allowedIp(String value) throws UapiException {
        boolean remove = value.startsWith("-");
        String text = remove ? value.substring(1) : value;
        if (text.indexOf('/') < 0)
            throw invalid("failed to set allowed ip: " + UntrustedText.quote(value) + " has no /length");
        try {
            IpPrefix p = IpPrefix.parse(text).network();
            return remove ? new RemoveAllowedIp(p) : new AddAllowedIp(p);
        } catch (IllegalArgumentException e) {
            throw invalid("failed to set allowed ip: " + e.getMessage());
        }
    }

    private static UapiException invalid(String message) {
        return new UapiException(UapiException.EINVAL, message);
    }

    private static void mustBeTrue(String key, String value) throws UapiException {
        if (!value.equals("true"))
            throw invalid("failed to set " + key + ", invalid value: " + UntrustedText.quote(value));
    }

    /** 64 hex digits (either case, as Go's hex decoder); the value is not echoed (it may be a secret). */
    private static String hexKey(String key, String value) throws UapiException {
        boolean ok = value.length() == 64;
        for (int i = 0; ok && i < 64; i++) ok = Character.digit(value.charAt(i), 16) >= 0 && value.charAt(i) < 0x80;
        if (!ok) throw invalid("failed to set " + key + ": not 64 hex digits");
        return value;
    }

    /** Decimal digits only, as Go's strconv.ParseUint(value, 10, bits). */
    private static long unsigned(String key, String value, long max) throws UapiException {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid("failed to parse " + key + ": " + UntrustedText.quote(value) + " is not a number");
        }
        String digits = value.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 19 || Long.parseLong(digits) > max) {
            throw invalid("failed to parse " + key + ": " + UntrustedText.quote(value) + " is out of range 0.." + max);
        }
        return Long.parseLong(digits);
    }

    // ------------------------------------------------------------------------------ applying

    /**
     * The configuration after this request, as wireguard-go would leave the device: peers keep
     * their order, new peers go last; a peer whose public key is the device's own is ignored; a
     * new private key drops the peer that has the matching public key; an allowed IP moves from
     * whichever peer had it.
     */
    public DeviceConfig applyTo(DeviceConfig current) {
        PrivateKey privateKey = current.privateKey();
        PublicKey own = current.publicKey();
        int port = current.listenPort();
        long mark = current.fwmark();
        Map<PublicKey, Draft> peers = new LinkedHashMap<>();
        Map<IpPrefix, Draft> owners = new HashMap<>();
        for (PeerConfig p : current.peers()) peers.put(p.publicKey(), new Draft(p, owners));

        Draft selected = null; // null: no peer, or a dummy (ignored) peer
        boolean created = false;
        for (Op op : ops) {
            switch (op) {
                case SetPrivateKey(PrivateKey k) -> {
                    privateKey = k;
                    own = k == null ? null : k.publicKey();
                    if (own != null) remove(peers, owners, own);
                }
                case SetListenPort(int p) -> port = p;
                case SetFwmark(long m) -> mark = m;
                case ReplacePeers() -> {
                    peers.clear();
                    owners.clear();
                }
                case Peer(PublicKey k) -> {
                    selected = null;
                    if (!k.equals(own)) {
                        selected = peers.get(k);
                        created = selected == null;
                        if (created) peers.put(k, selected = new Draft(PeerConfig.of(k), owners));
                    }
                }
                case UpdateOnly() -> {
                    if (selected != null && created) {
                        remove(peers, owners, selected.key);
                        selected = null;
                    }
                }
                case RemovePeer() -> {
                    if (selected != null) remove(peers, owners, selected.key);
                    selected = null;
                }
                case SetPresharedKey(PresharedKey k) -> {
                    if (selected != null) selected.presharedKey = k;
                }
                case SetEndpoint(PeerEndpoint e) -> {
                    if (selected != null) selected.endpoint = e;
                }
                case SetPersistentKeepalive(int s) -> {
                    if (selected != null) selected.keepalive = s;
                }
                case ReplaceAllowedIps() -> {
                    if (selected != null) selected.clearIps(owners);
                }
                case AddAllowedIp(IpPrefix prefix) -> {
                    if (selected != null) selected.addIp(prefix, owners);
                }
                case RemoveAllowedIp(IpPrefix prefix) -> {
                    if (selected != null && owners.get(prefix) == selected) selected.removeIp(prefix, owners);
                }
            }
        }
        List<PeerConfig> out = new ArrayList<>(peers.size());
        for (Draft d : peers.values()) out.add(d.build());
        return new DeviceConfig(privateKey, port, mark, out);
    }

    private static void remove(Map<PublicKey, Draft> peers, Map<IpPrefix, Draft> owners, PublicKey key) {
        Draft d = peers.remove(key);
        if (d != null) d.clearIps(owners);
    }

    /** A peer being changed; {@code owners} maps each allowed IP to the one peer that has it. */
    private static final class Draft {
        final PublicKey key;
        PresharedKey presharedKey;
        PeerEndpoint endpoint;
        int keepalive;
        final LinkedHashSet<IpPrefix> ips = new LinkedHashSet<>();

        Draft(PeerConfig p, Map<IpPrefix, Draft> owners) {
            key = p.publicKey();
            presharedKey = p.presharedKey();
            endpoint = p.endpoint();
            keepalive = p.persistentKeepalive();
            for (IpPrefix ip : p.allowedIps()) addIp(ip, owners);
        }

        void addIp(IpPrefix ip, Map<IpPrefix, Draft> owners) {
            Draft previous = owners.put(ip, this);
            if (previous != null && previous != this) previous.ips.remove(ip);
            ips.add(ip);
        }

        void removeIp(IpPrefix ip, Map<IpPrefix, Draft> owners) {
            ips.remove(ip);
            owners.remove(ip, this);
        }

        void clearIps(Map<IpPrefix, Draft> owners) {
            for (IpPrefix ip : ips) owners.remove(ip, this);
            ips.clear();
        }

        PeerConfig build() {
            return new PeerConfig(key, presharedKey, endpoint, new ArrayList<>(ips), keepalive);
        }
    }
}
