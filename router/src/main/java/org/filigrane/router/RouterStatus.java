package org.filigrane.router;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The router's {@code status.json} (rewritten every second in the spool) as {@code filigrane route status} shows it.
 *
 * @param json the file as written
 * @param age  how long ago the router wrote it (a running router keeps it under about a second)
 */
public record RouterStatus(String json, Duration age, long seriesInFlight, long spoolBytes, long quarantineCount,
        long received, long forwarded, String lastError) {

    /** A status older than this means the router is not running (or is stuck). */
    public static final Duration STALE = Duration.ofSeconds(10);

    public static RouterStatus read(Path spool) throws IOException {
        String json;
        try {
            json = Files.readString(spool.resolve("status.json"), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(spool.resolve("status.json").toString(), null,
                    "no status: the router has not run with this spool");
        }
        Instant time = Instant.parse(text(json, "time"));
        Matcher err = Pattern.compile("\"lastError\":\\{[^}]*\"message\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return new RouterStatus(json, Duration.between(time, Instant.now()), number(json, "seriesInFlight"),
                number(json, "spoolBytes"), number(json, "quarantineCount"), number(json, "received"),
                number(json, "forwarded"), err.find() ? err.group(1) : null);
    }

    public boolean stale() {
        return age.compareTo(STALE) > 0;
    }

    private static String text(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
