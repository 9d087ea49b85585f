package org.filigrane.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.dicom.DicomWatermarking.RestoreRefusedException;
import org.filigrane.engine.CapacityExceededException;
import org.filigrane.engine.WatermarkException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code filigrane} command. */
@Command(name = "filigrane", mixinStandardHelpOptions = true, version = "filigrane 0.1.0",
        description = "Reversible, tamper-localizing watermarks for DICOM series.",
        footerHeading = "%n", footer = {"Keys: 'filigrane keygen -o issuer.key' writes the private key (embed: "
                + "--key-file FILE or FILIGRANE_KEY, hex) and issuer.pub beside it (verify/restore: --public-key FILE, "
                + "repeatable, or FILIGRANE_PUBLIC_KEY, paths separated by ':').", "",
                ExitCode.HELP})
public final class Main implements Runnable {
    /**
     * The subcommands by name (each its class's {@code @Command} name), in the order --help lists them. A new
     * command is one class (see {@link CommandBase}) and one line here.
     */
    static final Map<String, Class<?>> COMMANDS = commands(
            "embed", EmbedCommand.class,
            "verify", VerifyCommand.class,
            "restore", RestoreCommand.class,
            "inspect", InspectCommand.class,
            "capacity", CapacityCommand.class,
            "keygen", KeygenCommand.class,
            "demo", Demo.class,
            "bench", Bench.class,
            "ledger", LedgerCommand.class,
            "trace", TraceCommand.class,
            "route", RouteCommand.class,
            "batch", BatchCommand.class);

    /** Environment lookup (tests replace it). */
    static Function<String, String> env = System::getenv;
    /** Keeps PixelMed's loggers quiet: the adapter turns what they would log into clear errors. */
    private static final Logger PIXELMED_LOG = Logger.getLogger("com.pixelmed");
    /** One INFO line per run about the backend is noise on a terminal; warnings (a skipped backend) stay. */
    private static final Logger ENGINE_LOG = Logger.getLogger("org.filigrane.engine");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: "
                + String.join(", ", spec.subcommands().keySet()) + " (see --help)");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command and returns its exit code; never calls System.exit. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (System.getProperty("filigrane.verbose") == null) {
            PIXELMED_LOG.setLevel(Level.OFF);
            ENGINE_LOG.setLevel(Level.WARNING);
        }
        CommandLine cl = new CommandLine(new Main());
        // picocli builds each registered command's model by reflection (a third of a one-shot embed's start-up
        // with all twelve): a run that names its command gets only that one; anything else (--help, a typo that
        // picocli suggests a name for) gets them all.
        Class<?> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null) {
            cl.addSubcommand(args[0], named);
        } else if (!(args.length == 1 && (args[0].equals("--version") || args[0].equals("-V")))) {
            COMMANDS.forEach(cl::addSubcommand);
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // @list.txt is the adapter's list of input files (paths relative to the list), not picocli's argument file.
        cl.setExpandAtFiles(false);
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            int code = exitCode(e);
            commandLine.getErr().println("filigrane: " + message(e));
            boolean debug = commandLine.getCommand() instanceof CommandBase b && b.debug
                    || Boolean.getBoolean("filigrane.debug");
            if (debug) {
                e.printStackTrace(commandLine.getErr());
            } else if (code == ExitCode.INTERNAL) {
                commandLine.getErr().println("filigrane: this is a bug; run again with --debug for the details "
                        + "and report them");
            }
            commandLine.getErr().flush();
            return code;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static Map<String, Class<?>> commands(Object... nameThenClass) {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            m.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    static String message(Throwable e) {
        if (e instanceof UnsupportedOperationException) {
            return "layer D (robust recipient ID) is not available in this build yet";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    static int exitCode(Throwable e) {
        if (e instanceof KeyOptions.KeyException) {
            return ExitCode.USAGE;
        }
        if (e instanceof OutputException) {
            return ExitCode.OUTPUT_REFUSED;
        }
        if (e instanceof DicomInputException d) {
            return d.kind() == DicomInputException.Kind.OUTPUT_EXISTS
                    || d.kind() == DicomInputException.Kind.OUTPUT_FAILED ? ExitCode.OUTPUT_REFUSED
                    : ExitCode.BAD_INPUT;
        }
        if (e instanceof java.io.IOException) {
            // Reading inputs turns I/O problems into DicomInputException; what is left is the environment.
            return ExitCode.IO;
        }
        if (e instanceof org.filigrane.ledger.LedgerException) {
            return ExitCode.BAD_INPUT;
        }
        if (e instanceof CapacityExceededException) {
            return ExitCode.CAPACITY;
        }
        if (e instanceof RestoreRefusedException r) {
            return CommandBase.statusCode(r.verification().status());
        }
        if (e instanceof WatermarkException) {
            return ExitCode.TAMPERED;
        }
        if (e instanceof UsageException || e instanceof UnsupportedOperationException) {
            return ExitCode.USAGE;
        }
        if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).startsWith("backend")
                || e instanceof IllegalArgumentException && String.valueOf(e.getMessage()).startsWith("no backend")) {
            return ExitCode.USAGE;
        }
        return ExitCode.INTERNAL;
    }

    /** A problem with the command line found while running (no key, bad value). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
