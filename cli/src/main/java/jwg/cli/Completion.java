package jwg.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code jwg completion bash}: prints the bash completion script (the resource
 * {@code jwg/cli/completion/jwg.bash}, source file cli/src/main/resources/jwg/cli/completion/jwg.bash).
 * Install with {@code jwg completion bash > /etc/bash_completion.d/jwg} or source it from ~/.bashrc.
 */
final class Completion {
    private Completion() {}

    static final String USAGE = """
            usage: jwg completion bash
              prints the bash completion script; install it with
                jwg completion bash | sudo tee /etc/bash_completion.d/jwg >/dev/null
              or add to ~/.bashrc:  source <(jwg completion bash)
            """;
    static final String RESOURCE = "completion/jwg.bash";

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length != 1)
            return Command.usageError(err, USAGE, args.length == 0 ? "jwg completion: which shell?" : null);
        if (!args[0].equals("bash"))
            return Command.usageError(err, USAGE, "jwg completion: no completion for '" + args[0] + "' (bash only)");
        out.print(script());
        return 0;
    }

    static String script() throws IOException {
        try (InputStream in = Completion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException("the completion script is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
