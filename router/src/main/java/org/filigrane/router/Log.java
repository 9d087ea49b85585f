package org.filigrane.router;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;

/**
 * Structured log: one JSON object per line ({@code time}, {@code level}, {@code event}, then the event's fields),
 * so that journald, Loki or jq can filter by series, route or event without parsing prose. No key material and no
 * pixel data is ever logged.
 */
public final class Log {
    private final PrintStream out;

    public Log(PrintStream out) {
        this.out = out;
    }

    public void info(String event, Object... fields) {
        write("INFO", event, fields);
    }

    public void warn(String event, Object... fields) {
        write("WARN", event, fields);
    }

    public void error(String event, Object... fields) {
        write("ERROR", event, fields);
    }

    private void write(String level, String event, Object... fields) {
        Map<String, Object> m = Json.object();
        m.put("time", Instant.now().toString());
        m.put("level", level);
        m.put("event", event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            m.put(String.valueOf(fields[i]), fields[i + 1]);
        }
        String line = Json.write(m);
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
