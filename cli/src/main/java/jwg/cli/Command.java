package jwg.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * One {@code jwg} subcommand: the names it answers to, its usage text (printed on stdout for
 * {@code -h}/{@code --help} with exit 0, on stderr with exit {@link #USAGE_ERROR} when its
 * arguments are wrong), and what runs it. The conventions are those of the BSD sysexits and
 * most Unix tools: 0 done, 1 failed, 2 the command line was wrong.
 */
record Command(List<String> names, String usage, Handler handler) {

    /** The exit status of a command line that does not parse. */
    static final int USAGE_ERROR = 2;

    @FunctionalInterface
    interface Handler {
        int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception;
    }

    static Command of(String name, String usage, Handler handler) {
        return new Command(List.of(name), usage, handler);
    }

    /** A command that takes no arguments: anything after it is a usage error. */
    static Command bare(String name, String usage, Handler handler) {
        return new Command(List.of(name), usage, (args, in, out, err) -> {
            if (args.length > 0)
                return usageError(err, usage, "jwg " + name + ": unexpected argument '" + args[0] + "'");
            return handler.run(args, in, out, err);
        });
    }

    /** Prints {@code message} (if any) and the usage on {@code err}; returns {@link #USAGE_ERROR}. */
    static int usageError(PrintStream err, String usage, String message) {
        if (message != null) err.println(message);
        err.print(usage.endsWith("\n") ? usage : usage + "\n");
        return USAGE_ERROR;
    }

    /** True if -h or --help comes before any {@code --} (after it, the arguments belong to another program). */
    static boolean asksForHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--")) return false;
            if (a.equals("-h") || a.equals("--help")) return true;
        }
        return false;
    }
}
