package org.filigrane.router;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the router: {@code RouterMain --config FILE [--foreground]} (what {@code filigrane route} calls, and what the
 * tests start as a child process so that they can kill it). With {@code --foreground} the JSON log lines go to
 * standard output (systemd's journal); otherwise they are appended to {@code router.log} in the spool. It runs until
 * SIGTERM/SIGINT, then stops accepting, lets running work finish and exits 0. Exit 2: the configuration is wrong;
 * 3: something it names cannot be used (key file, spool, port); each with one line on standard error.
 */
public final class RouterMain {
    private RouterMain() {
    }

    public static void main(String[] args) {
        Path config = null;
        boolean foreground = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> config = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--foreground" -> foreground = true;
                default -> {
                    System.err.println("filigrane route: unknown argument '" + args[i] + "' (use --config FILE "
                            + "[--foreground])");
                    System.exit(ConfigException.BAD_CONFIG);
                }
            }
        }
        if (config == null) {
            System.err.println("filigrane route: --config FILE is required");
            System.exit(ConfigException.BAD_CONFIG);
        }
        System.exit(run(config, foreground));
    }

    /** Starts, blocks until the JVM is asked to stop, returns the exit code (errors on standard error). */
    public static int run(Path configFile, boolean foreground) {
        Logger.getLogger("com.pixelmed").setLevel(Level.OFF);
        if (System.getProperty("filigrane.verbose") == null) {
            Logger.getLogger("org.filigrane.engine").setLevel(Level.WARNING);
        }
        RouterConfig config;
        Router router;
        try {
            config = RouterConfig.load(configFile);
            Log log = new Log(foreground ? System.out : logFile(config));
            router = Router.start(config, log);
        } catch (ConfigException e) {
            System.err.println("filigrane route: " + e.getMessage());
            return e.exitCode();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(router::close, "filigrane-shutdown"));
        try {
            router.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static PrintStream logFile(RouterConfig config) throws ConfigException {
        try {
            Files.createDirectories(config.spool());
            return new PrintStream(new FileOutputStream(config.spool().resolve("router.log").toFile(), true), true,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(ConfigException.BAD_RESOURCE, "cannot write the log in " + config.spool()
                    + ": " + e.getMessage());
        }
    }
}
