package org.filigrane.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

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

    private static final ObjectReader READER = new ObjectMapper().reader();

    public static RouterStatus read(Path spool) throws IOException {
        String json;
        try {
            json = Files.readString(spool.resolve("status.json"), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(spool.resolve("status.json").toString(), null,
                    "no status: the router has not run with this spool");
        }
        JsonNode status;
        try {
            status = READER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException(spool.resolve("status.json") + " is not the router's status: "
                    + e.getOriginalMessage(), e);
        }
        if (status == null || !status.path("time").isTextual()) {
            throw new IOException(spool.resolve("status.json") + " is not the router's status: no time");
        }
        Instant time;
        try {
            time = Instant.parse(status.path("time").asText());
        } catch (DateTimeParseException e) {
            throw new IOException(spool.resolve("status.json") + " is not the router's status: bad time", e);
        }
        JsonNode error = status.path("lastError").path("message");
        return new RouterStatus(json, Duration.between(time, Instant.now()), number(status, "seriesInFlight"),
                number(status, "spoolBytes"), number(status, "quarantineCount"), number(status, "received"),
                number(status, "forwarded"), error.isTextual() ? error.asText() : null);
    }

    public boolean stale() {
        return age.compareTo(STALE) > 0;
    }

    /** A top-level count, or -1 where the status has none. */
    private static long number(JsonNode status, String key) {
        JsonNode n = status.path(key);
        return n.canConvertToLong() && n.isIntegralNumber() ? n.asLong() : -1;
    }
}
