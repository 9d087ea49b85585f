package org.filigrane.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The JSON Lines form of a {@link BatchRun.SeriesReport} (flat object, one line, written with jackson-core), with the
 * time it was written ({@code finished}, UTC): the series' order in time, hence the rate over a run (warm-up, then
 * the steady state).
 */
final class Jsonl {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Jsonl() {
    }

    static String of(BatchRun.SeriesReport r, Instant finished) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("seriesInstanceUid", r.seriesUid());
            g.writeStringField("studyInstanceUid", r.studyUid());
            g.writeStringField("outcome", r.outcome());
            g.writeBooleanField("ok", r.ok());
            g.writeNumberField("files", r.files());
            g.writeNumberField("slices", r.slices());
            g.writeNumberField("rows", r.rows());
            g.writeNumberField("columns", r.columns());
            g.writeNumberField("fileBytes", r.fileBytes());
            g.writeNumberField("pixels", r.pixels());
            seconds(g, "seconds", r.seconds());
            seconds(g, "readSeconds", r.readSeconds());
            seconds(g, "engineSeconds", r.engineSeconds());
            seconds(g, "writeSeconds", r.writeSeconds());
            g.writeStringField("newSeriesInstanceUid", r.newSeriesUid());
            g.writeStringField("detail", r.detail());
            g.writeStringField("finished", finished.truncatedTo(ChronoUnit.MILLIS).toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Seconds to the tenth of a millisecond, as the report has always written them (null if not a number). */
    private static void seconds(JsonGenerator g, String name, double s) throws IOException {
        if (Double.isFinite(s)) {
            g.writeNumberField(name, BigDecimal.valueOf(s).setScale(4, RoundingMode.HALF_UP));
        } else {
            g.writeNullField(name);
        }
    }
}
