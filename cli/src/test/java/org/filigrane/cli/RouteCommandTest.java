package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code filigrane route} and {@code route status} as a user meets them (the router itself: module router). */
class RouteCommandTest {
    @TempDir
    Path tmp;

    @Test
    void helpAndConfigurationErrors() throws Exception {
        CliTest.Run help = CliTest.run("route", "--help");
        assertEquals(0, help.code(), help.all());
        assertTrue(help.out().contains("status") && help.out().contains("--foreground"), help.out());
        assertEquals(2, CliTest.run("route").code(), "no --config");
        Path conf = tmp.resolve("route.conf");
        Files.writeString(conf, "listen.port = 11112\nspool = " + tmp.resolve("spool") + "\nroute.x.mode = copy\n");
        assertEquals(2, CliTest.run("route", "--config", conf).code(), "a wrong configuration");
        Files.writeString(conf, "listen.port = 11112\nspool = " + tmp.resolve("spool") + "\nroute.x.mode = embed\n"
                + "route.x.recipient = B\nroute.x.key = missing.key\nroute.x.destination = P@localhost:104\n");
        assertEquals(3, CliTest.run("route", "--config", conf).code(), "a key file that is not there");
    }

    @Test
    void statusReadsTheStatusFile() throws Exception {
        CliTest.Run none = CliTest.run("route", "status", "--spool", tmp);
        assertEquals(3, none.code(), none.all());
        assertTrue(none.err().startsWith("filigrane: no status") && none.err().strip().lines().count() == 1,
                none.err());
        Files.writeString(tmp.resolve("status.json"), "{\"time\":\"" + Instant.now() + "\",\"seriesInFlight\":2,"
                + "\"spoolBytes\":3000000,\"quarantineCount\":1,\"received\":40,\"forwarded\":38,\"lastError\":"
                + "{\"event\":\"series_quarantined\",\"message\":\"incomplete series\"},\"series\":[]}\n");
        CliTest.Run s = CliTest.run("route", "status", "--spool", tmp);
        assertEquals(0, s.code(), s.all());
        assertTrue(s.out().startsWith("running") && s.out().contains("series in flight: 2")
                && s.out().contains("quarantine: 1") && s.out().contains("last error: incomplete series"), s.out());
        Files.writeString(tmp.resolve("status.json"), "{\"time\":\"2020-01-01T00:00:00Z\",\"seriesInFlight\":0}\n");
        CliTest.Run old = CliTest.run("route", "status", "--spool", tmp);
        assertEquals(1, old.code());
        assertTrue(old.out().startsWith("NOT RUNNING"), old.out());
    }
}
