package jwg.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The one logging setup of every jwg process: java.util.logging (jwg's own classes, ice4j and
 * jitsi-utils alike) to standard error, one line per record. Under systemd (JOURNAL_STREAM set)
 * each line starts with its syslog priority ({@code <4>} for a warning) and no time, which
 * journald adds; elsewhere (a terminal, a daemon's log file) with the time.
 *
 * <p>{@code JWG_LOG} sets levels: a bare level for jwg ({@code fine}), or {@code LOGGER=LEVEL}
 * pairs separated by commas ({@code org.ice4j=fine,jwg.dataplane=finest}). ice4j and jitsi-utils
 * log warnings only unless a pair names them: at INFO they narrate every check and harvest.
 */
final class Logs {
    static final String ENV = "JWG_LOG";
    private static final String[] QUIET = {"org.ice4j", "org.jitsi"};

    private static final java.util.List<Logger> PINNED = new java.util.ArrayList<>();

    private Logs() {}

    private static Logger pin(String name) {
        Logger l = Logger.getLogger(name);
        PINNED.add(l);
        return l;
    }

    /** Applies the setup for {@code spec} (the JWG_LOG value, null = info); returns the refusal, or null. */
    static String configure(String spec, boolean journal, PrintStream err) {
        Level root = Level.INFO;
        java.util.Map<String, Level> named = new java.util.LinkedHashMap<>();
        if (spec != null && !spec.isBlank()) {
            for (String part : spec.split(",")) {
                String p = part.strip();
                if (p.isEmpty()) continue;
                int eq = p.indexOf('=');
                Level level = level(eq < 0 ? p : p.substring(eq + 1).strip());
                if (level == null) {
                    return ENV + ": '" + p
                            + "' is not LEVEL or LOGGER=LEVEL (levels: off, severe, warning, info, fine, finer, finest, all)";
                }
                if (eq < 0) root = level;
                else named.put(p.substring(0, eq).strip(), level);
            }
        }
        LogManager.getLogManager().reset(); // no default ConsoleHandler, no logging.properties
        Logger rootLogger = Logger.getLogger("");
        rootLogger.setLevel(root);
        Handler h = new StreamHandler(err, new LineFormatter(journal)) {
            @Override
            public synchronized void publish(LogRecord r) {
                super.publish(r);
                flush(); // a line at a time: a daemon's log and the journal are read live
            }
        };
        h.setLevel(Level.ALL);
        rootLogger.addHandler(h);
        PINNED.clear(); // LogManager holds loggers weakly: a level set here must not be collected with them
        for (String q : QUIET) pin(q).setLevel(Level.WARNING);
        named.forEach((name, level) -> pin(name).setLevel(level));
        return null;
    }

    static Level level(String s) {
        try {
            return Level.parse(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code <P>Logger: message} for journald, {@code 2026-12-02 11:00:00.123 LEVEL Logger: message} elsewhere. */
    static final class LineFormatter extends Formatter {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
        private final boolean journal;

        LineFormatter(boolean journal) {
            this.journal = journal;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(128);
            if (journal) b.append('<').append(priority(r.getLevel())).append('>');
            else
                b.append(TIME.format(Instant.ofEpochMilli(r.getMillis())))
                        .append(' ')
                        .append(r.getLevel().getName())
                        .append(' ');
            String name = r.getLoggerName() == null ? "" : r.getLoggerName();
            b.append(name.substring(name.lastIndexOf('.') + 1)).append(": ").append(formatMessage(r));
            if (r.getThrown() != null) {
                java.io.StringWriter w = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                b.append('\n').append(w.toString().stripTrailing());
            }
            return b.append('\n').toString();
        }

        /** sd-daemon(3) priorities: 3 error, 4 warning, 6 info, 7 debug. */
        static int priority(Level l) {
            int v = l.intValue();
            return v >= Level.SEVERE.intValue()
                    ? 3
                    : v >= Level.WARNING.intValue() ? 4 : v >= Level.INFO.intValue() ? 6 : 7;
        }
    }
}
