package org.filigrane.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.engine.IssuerKey;
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
                org.filigrane.engine.TrustedIssuers.of(key.publicKey()), candidates);
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
                        out().println(line(item.name(), r));
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
            m.put("named", named);
            m.put("results", results);
            out().println(Json.write(m));
        }
        return code;
    }

    private static Map<String, Object> resultJson(String name, Tracer.Result r) {
        Map<String, Object> m = Json.object();
        m.put("file", name);
        m.put("found", r.found());
        m.put("recipient", r.found() ? r.matches().get(0).record().recipient() : null);
        m.put("robustId", r.robustId() == null ? null : Long.toUnsignedString(r.robustId()));
        m.put("score", r.score());
        m.put("falsePositiveProbability", r.falsePositiveProbability());
        m.put("orientation", r.orientation());
        m.put("slicesDecoded", r.slicesDecoded());
        m.put("slicesTried", r.slicesTried());
        List<Object> records = new ArrayList<>();
        for (LedgerEntry e : r.matches()) {
            records.add(LedgerCommand.summary(e));
        }
        m.put("records", records);
        m.put("rejectedRecords", r.rejected());
        return m;
    }

    private static String line(String name, Tracer.Result r) {
        if (r.found()) {
            StringBuilder sb = new StringBuilder();
            LedgerEntry first = r.matches().get(0);
            sb.append(String.format(Locale.ROOT, "%s: recipient '%s' (robust ID %s, score %.2f: %d of %d slices, %s); "
                    + "ledger entry %d, issued %s, series %s -> %s", name, first.record().recipient(),
                    Long.toUnsignedString(r.robustId()), r.score(), r.slicesDecoded(), r.slicesTried(),
                    r.orientation(), first.seq(), first.record().time(), first.record().originalSeriesUid(),
                    first.record().newSeriesUid()));
            for (LedgerEntry e : r.matches().subList(1, r.matches().size())) {
                sb.append(String.format(Locale.ROOT, "%n  also issued with this ID: entry %d, recipient '%s', series %s",
                        e.seq(), e.record().recipient(), e.record().newSeriesUid()));
            }
            return sb.toString();
        }
        if (r.detected() && !r.rejected().isEmpty()) {
            return name + ": robust ID " + Long.toUnsignedString(r.robustId()) + " decoded, but its ledger record "
                    + "does not check out: " + String.join("; ", r.rejected());
        }
        if (r.detected()) {
            return name + ": robust ID " + Long.toUnsignedString(r.robustId()) + " decoded, but the ledger has no "
                    + "record of it (another issuer or another ledger?)";
        }
        return name + ": no recipient found (" + r.slicesTried() + " slice(s) examined)";
    }
}
