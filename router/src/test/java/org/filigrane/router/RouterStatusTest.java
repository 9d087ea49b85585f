package org.filigrane.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status.json} read back as {@code filigrane route status} shows it: a JSON parser, not patterns. */
class RouterStatusTest {
    @TempDir
    Path spool;

    @Test
    void topLevelCountsAndTheLastErrorAreReadWhateverTheNestingAndEscapes() throws IOException {
        Map<String, Object> series = Json.object();
        series.put("received", 99); // a series' own count, before the top-level one
        series.put("lastError", Map.of("message", "not this one"));
        Map<String, Object> error = Json.object();
        error.put("event", "forward_failed");
        error.put("message", "peer said \"no\"\nthen closed, {brace}");
        Map<String, Object> status = Json.object();
        status.put("series", List.of(series));
        status.put("time", Instant.now().toString());
        status.put("seriesInFlight", 2);
        status.put("spoolBytes", 3_000_000_000L);
        status.put("quarantineCount", 1);
        status.put("received", 40);
        status.put("forwarded", 38);
        status.put("lastError", error);
        Files.writeString(spool.resolve("status.json"), Json.write(status) + "\n");

        RouterStatus s = RouterStatus.read(spool);
        assertEquals(2, s.seriesInFlight());
        assertEquals(3_000_000_000L, s.spoolBytes());
        assertEquals(1, s.quarantineCount());
        assertEquals(40, s.received());
        assertEquals(38, s.forwarded());
        assertEquals("peer said \"no\"\nthen closed, {brace}", s.lastError());
        assertFalse(s.stale());
    }

    @Test
    void aDamagedStatusIsAnErrorAndMissingCountsAreMinusOne() throws IOException {
        Files.writeString(spool.resolve("status.json"), "{\"time\":\"2020-01-01T00:00:00Z\",\"seriesInFlight\":");
        IOException e = assertThrows(IOException.class, () -> RouterStatus.read(spool));
        assertTrue(e.getMessage().contains("is not the router's status"), e.getMessage());

        Files.writeString(spool.resolve("status.json"), "{\"time\":\"2020-01-01T00:00:00Z\",\"lastError\":null}");
        RouterStatus old = RouterStatus.read(spool);
        assertEquals(-1, old.received());
        assertEquals(null, old.lastError());
        assertTrue(old.stale());

        Files.writeString(spool.resolve("status.json"), "[1, 2]");
        assertThrows(IOException.class, () -> RouterStatus.read(spool));
    }
}
