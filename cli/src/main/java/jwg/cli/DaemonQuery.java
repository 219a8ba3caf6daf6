package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jwg.dataplane.UapiSocket;
import jwg.ice.StatusProtocol;

/**
 * What {@code jwg status} and {@code jwg doctor} share: ask the daemon of one interface, or of every
 * interface with a UAPI socket, for a {@link StatusProtocol} form, reporting the ones that cannot be
 * reached on {@code err}.
 */
final class DaemonQuery {
    private DaemonQuery() {}

    /** One interface's answer; {@code body} is null when it runs without ICE. */
    record Reply(String name, String body) {}

    /** The answers, and whether any interface could not be asked. */
    record Replies(List<Reply> replies, boolean failed) {}

    /** Null (after saying so on {@code err}) when there is no such interface at all. */
    static Replies ask(String command, String only, String form, PrintStream err) {
        Path dir = Daemon.uapiDirectory();
        List<String> names = only != null ? List.of(only) : Daemon.interfaceNames(dir);
        if (names.isEmpty()) {
            err.println("jwg " + command + ": no jwg interfaces" + (only == null ? "" : " named " + only));
            return null;
        }
        List<Reply> replies = new ArrayList<>();
        boolean failed = false;
        for (String name : names) {
            try {
                replies.add(new Reply(name, StatusProtocol.request(UapiSocket.pathFor(dir, name), form)));
            } catch (IOException e) {
                err.println("jwg " + command + ": unable to access interface " + name + ": " + e.getMessage());
                failed = true;
            }
        }
        return new Replies(replies, failed);
    }

    /** One JSON value, or an array of several. */
    static String jsonOf(List<String> objects) {
        return objects.size() == 1 ? objects.get(0) : "[" + String.join(",", objects) + "]";
    }
}
