package jwg.ice;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * ice4j's process-wide settings, applied once before the first agent exists. The cloud-metadata
 * harvester is off (it would send an HTTP request to 169.254.169.254 off this machine) and no
 * default STUN server is configured; consent freshness runs every second so a dead path is
 * noticed within a few seconds (RFC 7675 allows this for an application's own keepalives).
 */
final class Ice4jSettings {
    private static boolean done;

    private Ice4jSettings() {}

    static synchronized void configure() {
        if (done) return;
        done = true;
        set("ice4j.harvest.mapping.aws.enabled", "false");
        set("ice4j.harvest.mapping.aws.force", "false");
        set("ice4j.harvest.use-link-local-addresses", "false");
        set("ice4j.consent-freshness.interval", System.getProperty("jwg.ice.consentInterval", "1 second"));
        set("ice4j.consent-freshness.original-wait-interval", "500 milliseconds");
        set("ice4j.consent-freshness.max-wait-interval", "500 milliseconds");
        set("ice4j.consent-freshness.max-retransmissions", "4");
        set("ice4j.ice.termination-delay", "1 second");
        set("ice4j.software", "");
        set("ice4j.use-component-socket", "false");
        String debug = System.getProperty("jwg.ice.debug");
        if (debug != null) {
            Logger l = Logger.getLogger("org.ice4j");
            l.setLevel(Level.parse(debug));
            java.util.logging.Handler h = new java.util.logging.ConsoleHandler();
            h.setLevel(Level.ALL);
            l.addHandler(h);
        }
        if (debug == null) { // quiet unless asked (the jwg command's JWG_LOG=org.ice4j=fine sets a level first)
            quiet("org.ice4j");
            quiet("org.jitsi");
        }
    }

    private static final java.util.List<Logger> QUIETED = new java.util.ArrayList<>(); // JUL holds loggers weakly

    private static void quiet(String name) {
        Logger l = Logger.getLogger(name);
        if (l.getLevel() == null) l.setLevel(Level.WARNING);
        QUIETED.add(l);
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
