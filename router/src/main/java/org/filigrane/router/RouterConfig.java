package org.filigrane.router;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.IssuerPublicKey;
import org.filigrane.engine.TrustedIssuers;

/**
 * The router's configuration: one text file of {@code key = value} lines ({@code #} starts a comment), read and
 * checked completely before anything listens. Global keys name the listening AE, the spool and the timings; each
 * route is a group of {@code route.NAME.*} keys, and routes are tried in the order they first appear. The README
 * ("Put Filigrane between your PACS and a partner") documents every key with an example.
 */
public record RouterConfig(String aeTitle, int port, Path spool, long quietMillis, long incompleteMillis,
        int workers, int retryAttempts, long retryFirstMillis, long retryMaxMillis, String backend, int httpPort,
        String ledger, List<Route> routes) {

    /** How a route treats a series. */
    public enum Mode {
        /** Watermark for a recipient, forward the watermarked copy (never the original). */
        EMBED,
        /** Forward only what verifies AUTHENTIC; quarantine the rest with its report. */
        VERIFY,
        /** Verify, remove the watermark, forward the original pixels; quarantine what is not AUTHENTIC. */
        RESTORE
    }

    /**
     * One route. {@code calling}/{@code called} null: any. For EMBED, {@code issuer} signs; for VERIFY and RESTORE,
     * {@code trusted} are the issuers whose watermarks count as AUTHENTIC.
     */
    public record Route(String name, String calling, String called, Mode mode, String destAe, String destHost,
            int destPort, String ourAe, String recipient, String message, Long robustId, IssuerKey issuer,
            TrustedIssuers trusted, boolean queryInDoubt, int associations) {

        boolean matches(String callingAe, String calledAe) {
            return (calling == null || calling.equals(callingAe)) && (called == null || called.equals(calledAe));
        }

        public String destination() {
            return destAe + "@" + destHost + ":" + destPort;
        }
    }

    private static final Set<String> GLOBAL = Set.of("listen.aet", "listen.port", "spool", "quiet-seconds",
            "incomplete-seconds", "workers", "retry.attempts", "retry.first-seconds", "retry.max-seconds", "backend",
            "status.http-port", "ledger");
    private static final Set<String> ROUTE = Set.of("calling", "called", "mode", "destination", "recipient",
            "message", "robust-id", "key", "trust", "in-doubt", "calling-aet", "associations");

    /** The first route for this pair of AE titles, or null. */
    public Route routeFor(String callingAe, String calledAe) {
        for (Route r : routes) {
            if (r.matches(callingAe, calledAe)) {
                return r;
            }
        }
        return null;
    }

    /** Called AE titles this router answers to: its own and any a route selects on. */
    public Set<String> calledAeTitles() {
        Set<String> s = new java.util.LinkedHashSet<>();
        s.add(aeTitle);
        for (Route r : routes) {
            if (r.called() != null) {
                s.add(r.called());
            }
        }
        return s;
    }

    /** Reads and checks {@code file}; key files are read too, so a bad key stops the start, not the first series. */
    public static RouterConfig load(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(ConfigException.BAD_CONFIG, file + ": cannot read the configuration: "
                    + oneLine(e));
        }
        return parse(file.toString(), lines, file.toAbsolutePath().getParent());
    }

    static RouterConfig parse(String source, List<String> lines, Path base) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> where = new LinkedHashMap<>();
        List<String> routeNames = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String at = source + " line " + (i + 1);
            if (eq < 0) {
                throw bad(at + ": expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (key.startsWith("route.")) {
                String rest = key.substring("route.".length());
                int dot = rest.lastIndexOf('.');
                if (dot <= 0 || !ROUTE.contains(rest.substring(dot + 1))) {
                    throw bad(at + ": unknown key '" + key + "' (route keys: route.NAME." + String.join("|",
                            new java.util.TreeSet<>(ROUTE)) + ")");
                }
                String name = rest.substring(0, dot);
                if (!name.matches("[A-Za-z0-9_-]+")) {
                    throw bad(at + ": route name '" + name + "' may hold only letters, digits, '-' and '_'");
                }
                if (!routeNames.contains(name)) {
                    routeNames.add(name);
                }
            } else if (!GLOBAL.contains(key)) {
                throw bad(at + ": unknown key '" + key + "' (known: " + String.join(", ", new java.util.TreeSet<>(
                        GLOBAL)) + ", route.NAME.*)");
            }
            if (values.containsKey(key)) {
                throw bad(at + ": '" + key + "' is set twice (first on line " + where.get(key) + ")");
            }
            values.put(key, value);
            where.put(key, i + 1);
        }
        Reader r = new Reader(source, values, where);
        String aet = r.ae("listen.aet", "FILIGRANE");
        int port = r.integer("listen.port", null, 1, 65535);
        String spoolText = r.required("spool");
        Path spool = resolve(base, spoolText);
        long quiet = r.seconds("quiet-seconds", "5", 0);
        long incomplete = r.seconds("incomplete-seconds", "600", 1);
        int workers = r.integer("workers", "2", 1, 64);
        int attempts = r.integer("retry.attempts", "6", 1, 1000);
        long first = r.seconds("retry.first-seconds", "2", 0);
        long max = r.seconds("retry.max-seconds", "300", 0);
        String backend = r.optional("backend", "auto");
        int http = r.integer("status.http-port", "0", 0, 65535);
        // The ledger: a SQLite file (relative to the configuration) or a JDBC URL shared with other writers.
        String ledgerText = r.optional("ledger", spool.resolve("ledger.db").toString());
        String ledger = ledgerText.startsWith("jdbc:") ? ledgerText : resolve(base, ledgerText).toString();
        if (routeNames.isEmpty()) {
            throw bad(source + ": no route; add at least route.NAME.mode and route.NAME.destination");
        }
        List<Route> routes = new ArrayList<>();
        for (String name : routeNames) {
            routes.add(route(r, name, aet, base));
        }
        return new RouterConfig(aet, port, spool, quiet, incomplete, workers, attempts, first, max, backend, http,
                ledger, List.copyOf(routes));
    }

    private static Route route(Reader r, String name, String listenAe, Path base) throws ConfigException {
        String p = "route." + name + ".";
        String modeText = r.required(p + "mode");
        Mode mode;
        try {
            mode = Mode.valueOf(modeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad(r.at(p + "mode") + ": mode '" + modeText + "' is not embed, verify or restore");
        }
        String calling = r.aeOrAny(p + "calling");
        String called = r.aeOrAny(p + "called");
        String dest = r.required(p + "destination");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([^@]+)@(.+):(\\d+)").matcher(dest);
        if (!m.matches()) {
            throw bad(r.at(p + "destination") + ": destination '" + dest + "' is not AE@host:port");
        }
        String destAe = checkAe(r.at(p + "destination"), m.group(1).strip());
        int destPort;
        try {
            destPort = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            destPort = -1;
        }
        if (destPort < 1 || destPort > 65535) {
            throw bad(r.at(p + "destination") + ": port " + m.group(3) + " is not in 1..65535");
        }
        String ourAe = r.ae(p + "calling-aet", listenAe);
        int associations = r.integer(p + "associations", "4", 1, 32);
        String inDoubt = r.optional(p + "in-doubt", "query");
        if (!inDoubt.equals("query") && !inDoubt.equals("resend")) {
            throw bad(r.at(p + "in-doubt") + ": in-doubt '" + inDoubt + "' is not query or resend");
        }
        String recipient = null;
        String message = null;
        Long robust = null;
        IssuerKey issuer = null;
        TrustedIssuers trusted = null;
        if (mode == Mode.EMBED) {
            recipient = r.required(p + "recipient");
            message = r.optional(p + "message", "");
            String id = r.optional(p + "robust-id", null);
            if (id != null) {
                try {
                    robust = Long.parseUnsignedLong(id);
                } catch (NumberFormatException e) {
                    throw bad(r.at(p + "robust-id") + ": robust-id '" + id + "' is not an unsigned 64-bit number");
                }
            }
            Path keyFile = resolve(base, r.required(p + "key"));
            try {
                issuer = IssuerKey.fromFile(keyFile);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(ConfigException.BAD_RESOURCE, r.at(p + "key") + ": issuer key "
                        + keyFile + " cannot be used: " + oneLine(e));
            }
            r.forbid(p + "trust", "an embed route signs with its key; trust is for verify and restore routes");
        } else {
            String list = r.required(p + "trust");
            List<IssuerPublicKey> keys = new ArrayList<>();
            for (String f : list.split(",")) {
                Path pub = resolve(base, f.strip());
                try {
                    keys.add(IssuerPublicKey.fromFile(pub));
                } catch (IOException | IllegalArgumentException e) {
                    throw new ConfigException(ConfigException.BAD_RESOURCE, r.at(p + "trust") + ": public key "
                            + pub + " cannot be used: " + oneLine(e));
                }
            }
            trusted = TrustedIssuers.of(keys);
            for (String k : List.of("recipient", "message", "robust-id", "key")) {
                r.forbid(p + k, "only embed routes take " + k);
            }
        }
        return new Route(name, calling, called, mode, destAe, m.group(2).strip(), destPort, ourAe, recipient,
                message, robust, issuer, trusted, inDoubt.equals("query"), associations);
    }

    private static String oneLine(Exception e) {
        String s = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return s.replace('\n', ' ');
    }

    private static Path resolve(Path base, String p) {
        Path path = Path.of(p);
        return path.isAbsolute() || base == null ? path : base.resolve(path);
    }

    private static ConfigException bad(String message) {
        return new ConfigException(ConfigException.BAD_CONFIG, message);
    }

    static String checkAe(String at, String ae) throws ConfigException {
        if (ae.isEmpty() || ae.length() > 16 || ae.contains("\\") || !ae.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw bad(at + ": AE title '" + ae + "' must be 1 to 16 printable ASCII characters without '\\'");
        }
        return ae;
    }

    /** Values with their line numbers for messages. */
    private record Reader(String source, Map<String, String> values, Map<String, Integer> where) {
        String at(String key) {
            Integer line = where.get(key);
            return source + (line != null ? " line " + line : "");
        }

        String required(String key) throws ConfigException {
            String v = values.get(key);
            if (v == null || v.isEmpty()) {
                throw bad(at(key) + ": '" + key + "' is required");
            }
            return v;
        }

        String optional(String key, String dflt) {
            String v = values.get(key);
            return v == null || v.isEmpty() ? dflt : v;
        }

        void forbid(String key, String why) throws ConfigException {
            if (values.containsKey(key)) {
                throw bad(at(key) + ": '" + key + "' is not allowed here: " + why);
            }
        }

        String ae(String key, String dflt) throws ConfigException {
            return checkAe(at(key), optional(key, dflt));
        }

        String aeOrAny(String key) throws ConfigException {
            String v = optional(key, null);
            return v == null || v.equals("*") ? null : checkAe(at(key), v);
        }

        int integer(String key, String dflt, int min, int max) throws ConfigException {
            String v = dflt == null ? required(key) : optional(key, dflt);
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw bad(at(key) + ": '" + key + "' = '" + v + "' is not a whole number");
            }
            if (n < min || n > max) {
                throw bad(at(key) + ": '" + key + "' = " + n + " is not in " + min + ".." + max);
            }
            return n;
        }

        long seconds(String key, String dflt, double min) throws ConfigException {
            String v = optional(key, dflt);
            double s;
            try {
                s = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw bad(at(key) + ": '" + key + "' = '" + v + "' is not a number of seconds");
            }
            if (!(s >= min) || s > 1e7) {
                throw bad(at(key) + ": '" + key + "' = " + v + " must be at least " + min + " seconds");
            }
            return Math.round(s * 1000);
        }
    }
}
