package org.filigrane.batch;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The JSON Lines form of a {@link BatchRun.SeriesReport} (flat object, one line), with the time it was written
 * ({@code finished}, UTC): the series' order in time, hence the rate over a run (warm-up, then the steady state).
 */
final class Jsonl {
    private Jsonl() {
    }

    static String of(BatchRun.SeriesReport r, Instant finished) {
        StringBuilder sb = new StringBuilder("{");
        field(sb, "seriesInstanceUid", r.seriesUid());
        field(sb, "studyInstanceUid", r.studyUid());
        field(sb, "outcome", r.outcome());
        sb.append("\"ok\":").append(r.ok()).append(',');
        num(sb, "files", r.files());
        num(sb, "slices", r.slices());
        num(sb, "rows", r.rows());
        num(sb, "columns", r.columns());
        num(sb, "fileBytes", r.fileBytes());
        num(sb, "pixels", r.pixels());
        dbl(sb, "seconds", r.seconds());
        dbl(sb, "readSeconds", r.readSeconds());
        dbl(sb, "engineSeconds", r.engineSeconds());
        dbl(sb, "writeSeconds", r.writeSeconds());
        field(sb, "newSeriesInstanceUid", r.newSeriesUid());
        field(sb, "detail", r.detail());
        field(sb, "finished", finished.truncatedTo(ChronoUnit.MILLIS).toString());
        sb.setLength(sb.length() - 1);
        return sb.append('}').toString();
    }

    private static void num(StringBuilder sb, String k, long v) {
        sb.append('"').append(k).append("\":").append(v).append(',');
    }

    private static void dbl(StringBuilder sb, String k, double v) {
        sb.append('"').append(k).append("\":").append(String.format(Locale.ROOT, "%.4f", v)).append(',');
    }

    static void field(StringBuilder sb, String k, String v) {
        sb.append('"').append(k).append("\":");
        if (v == null) {
            sb.append("null,");
            return;
        }
        sb.append('"');
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append("\",");
    }
}
