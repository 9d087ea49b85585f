package org.filigrane.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.filigrane.engine.IssuerKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterConfigTest {
    @TempDir
    Path dir;

    @BeforeEach
    void keys() throws IOException {
        IssuerKey k = IssuerKey.generate();
        Files.writeString(dir.resolve("issuer.key"), k.toHex());
        Files.setPosixFilePermissions(dir.resolve("issuer.key"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("issuer.pub"), k.publicKey().toPem());
    }

    RouterConfig parse(String text) throws ConfigException {
        return RouterConfig.parse("route.conf", List.of(text.split("\n")), dir);
    }

    ConfigException refused(String text) {
        return assertThrows(ConfigException.class, () -> parse(text));
    }

    static final String GOOD = """
            # comment
            listen.aet = FILIGRANE
            listen.port = 11112
            spool = spool
            route.partner.calling = PACS
            route.partner.mode = embed
            route.partner.recipient = Hospital B
            route.partner.robust-id = 42
            route.partner.key = issuer.key
            route.partner.destination = PARTNER@partner.example.org:104
            route.in.called = FILIGRANE_IN
            route.in.mode = verify
            route.in.trust = issuer.pub
            route.in.destination = PACS@10.0.0.5:11112
            """;

    @Test
    void theDocumentedExampleIsValid() throws Exception {
        // docs/route.conf.example is what the README shows; it must stay a valid configuration.
        Path example = Path.of("..", "docs", "route.conf.example");
        String text = Files.readString(example).replace("/etc/filigrane/issuer.key", dir.resolve("issuer.key")
                .toString()).replace("/etc/filigrane/partner.pub", dir.resolve("issuer.pub").toString());
        RouterConfig c = RouterConfig.parse("example", List.of(text.split("\n")), dir);
        assertTrue(c.routes().size() >= 2);
    }

    @Test
    void routesAreChosenInFileOrderByCallingAndCalledAe() throws Exception {
        RouterConfig c = parse(GOOD);
        assertEquals(dir.resolve("spool"), c.spool());
        assertEquals(5000, c.quietMillis());
        assertEquals("partner", c.routeFor("PACS", "FILIGRANE").name());
        assertEquals(42L, c.routeFor("PACS", "FILIGRANE").robustId());
        assertEquals("in", c.routeFor("OTHER", "FILIGRANE_IN").name());
        assertEquals("partner", c.routeFor("PACS", "FILIGRANE_IN").name(), "the first match wins");
        assertNull(c.routeFor("OTHER", "FILIGRANE"));
        assertEquals(java.util.Set.of("FILIGRANE", "FILIGRANE_IN"), c.calledAeTitles());
        assertEquals("partner.example.org", c.routes().get(0).destHost());
        assertEquals(104, c.routes().get(0).destPort());
    }

    @Test
    void mistakesAreOneLineWithTheLineNumberAndExitCode2() {
        ConfigException e = refused(GOOD + "route.partner.colour = red\n");
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().startsWith("route.conf line 15: unknown key 'route.partner.colour'"), e.getMessage());
        assertTrue(refused(GOOD.replace("listen.port = 11112", "listen.port = 70000")).getMessage()
                .contains("not in 1..65535"));
        assertTrue(refused(GOOD + "listen.port = 11113\n").getMessage().contains("set twice (first on line 3)"));
        assertTrue(refused(GOOD.replace("route.in.mode = verify", "route.in.mode = copy")).getMessage()
                .contains("is not embed, verify or restore"));
        assertTrue(refused(GOOD.replace("PARTNER@partner.example.org:104", "partner.example.org:104"))
                .getMessage().contains("is not AE@host:port"));
        assertTrue(refused(GOOD.replace("route.partner.recipient = Hospital B\n", "")).getMessage()
                .contains("'route.partner.recipient' is required"));
        assertTrue(refused(GOOD + "route.partner.trust = issuer.pub\n").getMessage().contains("not allowed here"));
        assertTrue(refused(GOOD + "route.in.key = issuer.key\n").getMessage().contains("only embed routes"));
        assertTrue(refused(GOOD.replace("= FILIGRANE_IN", "= A_TITLE_LONGER_THAN_16")).getMessage()
                .contains("1 to 16"));
        assertTrue(refused("listen.port = 1\nspool = s\n").getMessage().contains("no route"));
        assertTrue(refused(GOOD + "just words\n").getMessage().contains("expected 'key = value'"));
        for (String m : List.of(refused(GOOD + "x = 1\n").getMessage())) {
            assertTrue(!m.contains("\n"), "one line: " + m);
        }
    }

    @Test
    void unusableKeyFilesAreExitCode3() throws Exception {
        ConfigException missing = refused(GOOD.replace("= issuer.key", "= nowhere.key"));
        assertEquals(3, missing.exitCode());
        assertTrue(missing.getMessage().contains("nowhere.key cannot be used: no such file"), missing.getMessage());
        Files.writeString(dir.resolve("bad.pub"), "not a key");
        ConfigException bad = refused(GOOD.replace("= issuer.pub", "= bad.pub"));
        assertEquals(3, bad.exitCode());
        ConfigException hex = refused(GOOD.replace("= issuer.key", "= issuer.pub"));
        assertEquals(3, hex.exitCode(), "a public key where the private key belongs");
    }

    @Test
    void theCommandExitsWith2Or3AndOneLine() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, GOOD + "route.partner.colour = red\n");
        assertEquals(2, RouterMain.run(conf, true));
        Files.writeString(conf, GOOD.replace("= issuer.key", "= nowhere.key"));
        assertEquals(3, RouterMain.run(conf, true));
        assertEquals(2, RouterMain.run(dir.resolve("absent.conf"), true));
    }
}
