package org.filigrane.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.filigrane.router.ConfigException;
import org.filigrane.router.RouterConfig;
import org.filigrane.router.RouterMain;
import org.filigrane.router.RouterStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code filigrane route}: the watermarking DICOM router (module {@code router}); {@code route status}. */
@Command(name = "route", mixinStandardHelpOptions = true, description = "Run the watermarking DICOM router: receive C-STORE, watermark, verify or "
        + "restore each complete series on its route, forward it with C-STORE, quarantine what fails.",
        subcommands = RouteCommand.Status.class,
        footer = {"", "Exit codes: 0 stopped by SIGTERM/SIGINT, 2 the configuration is wrong, 3 something it names "
                + "(key file, spool, port) cannot be used.", "See the README: 'Put Filigrane between your PACS and a "
                + "partner'."})
final class RouteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "router configuration file")
    Path config;

    @Option(names = "--foreground", description = "log JSON lines to standard output (for systemd) instead of "
            + "SPOOL/router.log")
    boolean foreground;

    @Override
    public Integer call() {
        if (config == null) {
            throw new Main.UsageException("say which configuration: filigrane route --config FILE");
        }
        return RouterMain.run(config, foreground);
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a running router's state: series in flight, spool size, "
            + "quarantine count, last error (from SPOOL/status.json).")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "router configuration file")
        Path config;

        @Option(names = "--spool", paramLabel = "DIR", description = "the spool directory (instead of --config)")
        Path spool;

        @Option(names = "--json", description = "print the status file as written")
        boolean json;

        @Override
        public Integer call() {
            Path dir = spool;
            if (dir == null) {
                if (config == null) {
                    throw new Main.UsageException("say which router: --config FILE or --spool DIR");
                }
                try {
                    dir = RouterConfig.load(config).spool();
                } catch (ConfigException e) {
                    throw new Main.UsageException(e.getMessage());
                }
            }
            RouterStatus s;
            try {
                s = RouterStatus.read(dir);
            } catch (IOException | RuntimeException e) {
                spec.commandLine().getErr().println("filigrane: " + (e instanceof java.nio.file.NoSuchFileException n
                        ? n.getReason() + " (" + n.getFile() + ")" : "cannot read the router's status in " + dir
                        + ": " + e.getMessage()));
                return ExitCode.BAD_INPUT;
            }
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(s.json());
            } else {
                out.printf(Locale.ROOT, "%s (status written %d s ago)%n", s.stale() ? "NOT RUNNING or stuck"
                        : "running", s.age().toSeconds());
                out.printf(Locale.ROOT, "series in flight: %d%nspool: %.1f MB%nquarantine: %d%nreceived: %d "
                        + "instance(s), forwarded: %d (since start)%nlast error: %s%n", s.seriesInFlight(),
                        s.spoolBytes() / 1e6, s.quarantineCount(), s.received(), s.forwarded(),
                        s.lastError() == null ? "none" : s.lastError());
            }
            return s.stale() ? ExitCode.INTERNAL : ExitCode.OK;
        }
    }
}
