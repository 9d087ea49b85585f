package org.filigrane.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TraceResult;
import org.filigrane.ledger.Ledger;
import org.filigrane.ledger.LedgerEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "trace", description = "Name the recipient of found images (PNG, JPEG, DICOM files or series "
        + "folders) from layer D and the ledger. Exit 0 when one is named, 6 when none is.")
final class TraceCommand extends CommandBase {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "PNG or JPEG images, DICOM files or folders")
    List<Path> files;

    @Mixin
    KeyOptions engine = new KeyOptions();

    @Mixin
    LedgerOptions ledgerOptions = new LedgerOptions();

    @Override
    Integer execute() throws Exception {
        IssuerKey key = engine.key(err());
        List<LedgerEntry> candidates;
        String where;
        try (Ledger ledger = ledgerOptions.openExisting()) {
            candidates = ledger.withRobustIds();
            where = ledger.describe();
        }
        Tracer tracer = new Tracer(open(key, engine.backend),
                org.filigrane.engine.TrustedIssuers.of(key.publicKey()), key.keyId(), candidates);
        if (!json && !tracer.rejected().isEmpty()) {
            err().println("filigrane: warning: " + tracer.rejected().size() + " ledger record(s) do not check out "
                    + "and are not scored: " + String.join("; ", tracer.rejected()));
        }
        List<Object> results = new ArrayList<>();
        int named = 0;
        int unreadable = 0;
        try (Progress p = Progress.start("tracing", files.size(), !quiet && !json)) {
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                List<TraceInputs.Item> items;
                try {
                    items = TraceInputs.read(f);
                } catch (DicomInputException e) {
                    unreadable++;
                    Map<String, Object> m = Json.object();
                    m.put("file", f.toString());
                    m.put("error", e.getMessage());
                    results.add(m);
                    if (!json) {
                        err().println("filigrane: " + e.getMessage());
                    }
                    p.consumer().accept(i + 1);
                    continue;
                }
                for (TraceInputs.Item item : items) {
                    Tracer.Result r = tracer.trace(item.volume());
                    named += r.found() ? 1 : 0;
                    results.add(resultJson(item.name(), r));
                    if (!json) {
                        out().println(line(item.name(), r, tracer));
                    }
                }
                p.consumer().accept(i + 1);
            }
        }
        int code = named > 0 ? ExitCode.OK : unreadable == files.size() ? ExitCode.BAD_INPUT
                : ExitCode.NOT_WATERMARKED;
        if (json) {
            Map<String, Object> m = Json.object();
            m.put("command", "trace");
            m.put("exitCode", code);
            m.put("ledger", where);
            m.put("candidates", tracer.candidates());
            m.put("otherIssuerRecords", tracer.otherIssuers());
            m.put("rejectedRecords", tracer.rejected());
            m.put("named", named);
            m.put("results", results);
            out().println(Json.write(m));
        }
        return code;
    }

    private static Map<String, Object> resultJson(String name, Tracer.Result r) {
        TraceResult t = r.trace();
        Map<String, Object> m = Json.object();
        m.put("file", name);
        m.put("found", r.found());
        m.put("recipient", r.found() ? t.recipient() : null);
        m.put("robustId", r.found() ? Long.toUnsignedString(t.robustId()) : null);
        m.put("score", t.score());
        m.put("falsePositiveProbability", t.falsePositiveProbability());
        m.put("falsePositiveLimit", TraceResult.FALSE_POSITIVE_LIMIT);
        m.put("markPresent", t.markPresent());
        m.put("orientation", t.orientation());
        m.put("scale", t.scale());
        m.put("slicesMatched", t.slicesMatched());
        m.put("slicesTried", r.slicesTried());
        m.put("candidatesScored", t.candidatesScored());
        List<Object> records = new ArrayList<>();
        for (LedgerEntry e : r.matches()) {
            records.add(LedgerCommand.summary(e));
        }
        m.put("records", records);
        return m;
    }

    private static String line(String name, Tracer.Result r, Tracer tracer) {
        TraceResult t = r.trace();
        if (r.found()) {
            StringBuilder sb = new StringBuilder();
            LedgerEntry first = r.matches().get(0);
            sb.append(String.format(Locale.ROOT, "%s: recipient '%s' (robust ID %s, score %.1f, false-positive "
                    + "probability %.1e, %d of %d slice(s), %s, scale %.2f); ledger entry %d, issued %s, "
                    + "series %s -> %s",
                    name, t.recipient(), Long.toUnsignedString(t.robustId()), t.score(),
                    t.falsePositiveProbability(), t.slicesMatched(), r.slicesTried(), t.orientation(), t.scale(),
                    first.seq(), first.record().time(), first.record().originalSeriesUid(),
                    first.record().newSeriesUid()));
            for (LedgerEntry e : r.matches().subList(1, r.matches().size())) {
                sb.append(String.format(Locale.ROOT, "%n  also issued as this: entry %d, series %s", e.seq(),
                        e.record().newSeriesUid()));
            }
            return sb.toString();
        }
        String skipped = tracer.rejected().isEmpty() ? "" : "; " + tracer.rejected().size() + " ledger record(s) do "
                + "not check out and were not scored: " + String.join("; ", tracer.rejected());
        if (t.markPresent()) {
            return name + ": this issuer's layer D is present, but no record of it among the ledger's "
                    + tracer.candidates() + " candidate(s) scores above the threshold (another ledger?)" + skipped;
        }
        return String.format(Locale.ROOT, "%s: no recipient found (%d slice(s), %d candidate(s); best false-positive "
                + "probability %.1e, needs <= %.0e)%s", name, r.slicesTried(), tracer.candidates(),
                t.falsePositiveProbability(), TraceResult.FALSE_POSITIVE_LIMIT, skipped);
    }
}
