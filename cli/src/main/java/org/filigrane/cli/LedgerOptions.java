package org.filigrane.cli;

import java.nio.file.Path;
import org.filigrane.ledger.Ledger;
import picocli.CommandLine.Option;

/** Where the ledger of issued watermarks is: {@code --ledger PATH|JDBC-URL}, else FILIGRANE_LEDGER, else ~/.filigrane. */
final class LedgerOptions {
    @Option(names = "--ledger", paramLabel = "PATH|URL",
            description = "ledger of issued watermarks: an SQLite file or jdbc:postgresql://HOST:PORT/DB?user=U&"
                    + "password=P; default: FILIGRANE_LEDGER, else ~/.filigrane/ledger.db")
    String location;

    String location() {
        if (location != null && !location.isBlank()) {
            return location;
        }
        String env = Main.env.apply(Ledger.ENV);
        if (env != null && !env.isBlank()) {
            return env;
        }
        return Path.of(System.getProperty("user.home"), ".filigrane", "ledger.db").toString();
    }

    /**
     * The ledger for reading (list, verify, export, trace): a file that does not exist is an error, so that a typo
     * is not answered with an empty ledger that verifies.
     */
    Ledger openExisting() {
        String where = location();
        if (!where.startsWith("jdbc:") || where.startsWith("jdbc:sqlite:")) {
            Path file = Path.of(where.startsWith("jdbc:sqlite:") ? where.substring("jdbc:sqlite:".length()) : where);
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new org.filigrane.ledger.LedgerException("no ledger at " + file + " (embed creates it; choose "
                        + "another with --ledger or FILIGRANE_LEDGER)");
            }
        }
        return open();
    }

    /** The ledger for recording (embed): created when absent. */
    Ledger open() {
        try {
            return Ledger.open(location());
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
    }
}
