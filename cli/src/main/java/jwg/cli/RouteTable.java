package jwg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * wg-quick's {@code Table}: where {@code jwg up} puts the routes to the peers' AllowedIPs.
 * {@code auto} (or no Table) and {@code main}: the main table; {@code off}: no routes; a number
 * or a name from iproute2's rt_tables: that table. A default route (/0) in the main table would
 * need wg-quick's policy routing, which {@code jwg up} does not set up; in a table of its own it
 * is an ordinary route, as wg-quick adds it.
 *
 * @param number the table (unsigned 32 bits), 0 when off
 * @param auto   Table was auto or absent
 */
record RouteTable(int number, boolean auto) {
    static final int MAIN = jwg.tun.netlink.Rtnetlink.MAIN_TABLE;
    static final RouteTable OFF = new RouteTable(0, false);
    private static final List<Path> NAMES = List.of(
            Path.of("/etc/iproute2/rt_tables"),
            Path.of("/usr/share/iproute2/rt_tables"),
            Path.of("/usr/lib/iproute2/rt_tables"));

    boolean off() {
        return number == 0;
    }

    boolean main() {
        return number == MAIN;
    }

    /** The Table value of a .conf (null = absent); refuses an unknown name or table 0 with the reason. */
    static RouteTable of(String table) {
        if (table == null || table.equalsIgnoreCase("auto")) return new RouteTable(MAIN, true);
        if (table.equalsIgnoreCase("off")) return OFF;
        if (table.chars().allMatch(Character::isDigit)) {
            int n;
            try {
                n = Integer.parseUnsignedInt(table);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Table " + table + " is larger than 4294967295");
            }
            if (n == 0)
                throw new IllegalArgumentException(
                        "Table 0 is no routing table (off, auto, main, 1..4294967295 or a name)");
            return new RouteTable(n, false);
        }
        Integer n = named(table);
        if (n == null)
            throw new IllegalArgumentException(
                    "Table " + table + ": no routing table of that name in " + NAMES.get(0) + " or rt_tables.d");
        return new RouteTable(n, false);
    }

    /** A table's number by name, as iproute2 reads rt_tables ("NUMBER NAME" lines, # comments, rt_tables.d/*.conf too). */
    private static Integer named(String name) {
        if (name.equalsIgnoreCase("main")) return MAIN;
        List<Path> files = new ArrayList<>(NAMES);
        for (Path f : NAMES) {
            Path d = f.resolveSibling("rt_tables.d");
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> p.toString().endsWith(".conf")).sorted().forEach(files::add);
            } catch (IOException ignored) {
                // unreadable: as if absent
            }
        }
        for (Path f : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                continue;
            }
            for (String line : lines) {
                String[] w = line.replaceAll("#.*", "").strip().split("\\s+");
                if (w.length == 2 && w[1].equals(name)) {
                    try {
                        return Integer.decode(w[0].toLowerCase(Locale.ROOT));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }
}
