package org.filigrane.cli;

import java.util.List;
import java.util.Map;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.ledger.IssueRecord;
import org.filigrane.ledger.Ledger;
import org.filigrane.ledger.LedgerEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code filigrane ledger list|verify|export}: the record of issued watermarks. */
@Command(name = "ledger", description = "The ledger of issued watermarks: list, verify or export it.",
        subcommands = {LedgerCommand.ListEntries.class, LedgerCommand.Verify.class, LedgerCommand.Export.class})
final class LedgerCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose: ledger list, ledger verify or "
                + "ledger export (see --help)");
    }

    /** The main fields of an entry (list, trace). */
    static Map<String, Object> summary(LedgerEntry e) {
        IssueRecord r = e.record();
        Map<String, Object> m = Json.object();
        m.put("seq", e.seq());
        m.put("time", r.time().toString());
        m.put("issuerKeyId", r.issuerKeyId());
        m.put("recipient", r.recipient());
        m.put("robustId", r.robustIdText());
        m.put("originalSeriesInstanceUid", r.originalSeriesUid());
        m.put("newSeriesInstanceUid", r.newSeriesUid());
        m.put("objects", r.newSopUids().size());
        return m;
    }

    /** Everything stored for an entry (export). */
    static Map<String, Object> full(LedgerEntry e) {
        IssueRecord r = e.record();
        Map<String, Object> m = summary(e);
        m.remove("objects");
        m.put("originalSopInstanceUids", r.originalSopUids());
        m.put("newSopInstanceUids", r.newSopUids());
        m.put("originalPixelSha256", r.originalPixelSha256Hex());
        m.put("payloadSha256", r.payloadSha256Hex());
        m.put("prevHash", e.prevHashHex());
        m.put("hash", e.hashHex());
        m.put("signature", e.signatureHex());
        return m;
    }

    @Command(name = "list", description = "One line per issued watermark, oldest first.")
    static final class ListEntries extends CommandBase {
        @Mixin
        LedgerOptions ledgerOptions = new LedgerOptions();

        @Override
        Integer execute() {
            try (Ledger ledger = ledgerOptions.openExisting()) {
                List<LedgerEntry> all = ledger.list();
                if (json) {
                    Map<String, Object> m = Json.object();
                    m.put("command", "ledger list");
                    m.put("ledger", ledger.describe());
                    m.put("entries", all.stream().map(e -> (Object) summary(e)).toList());
                    out().println(Json.write(m));
                } else {
                    out().println(ledger.describe() + ": " + all.size() + " entr" + (all.size() == 1 ? "y" : "ies"));
                    for (LedgerEntry e : all) {
                        IssueRecord r = e.record();
                        out().println(e.seq() + "  " + r.time() + "  issuer " + r.issuerKeyId() + "  recipient '"
                                + r.recipient() + "'" + (r.robustId() == null ? "" : "  robust ID " + r.robustIdText())
                                + "  series " + r.newSeriesUid() + " (" + r.newSopUids().size() + " object(s))");
                    }
                }
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "verify", description = "Check the chain and every signature; name the first broken or edited "
            + "entry (exit 4 then).")
    static final class Verify extends CommandBase {
        @Mixin
        LedgerOptions ledgerOptions = new LedgerOptions();

        @Mixin
        TrustOptions trust = new TrustOptions();

        @Override
        Integer execute() throws Exception {
            TrustedIssuers trusted = trust.trusted(err());
            try (Ledger ledger = ledgerOptions.openExisting()) {
                Ledger.VerifyResult v = ledger.verify(trusted);
                int code = v.ok() ? ExitCode.OK : ExitCode.TAMPERED;
                if (json) {
                    Map<String, Object> m = Json.object();
                    m.put("command", "ledger verify");
                    m.put("exitCode", code);
                    m.put("ledger", ledger.describe());
                    m.put("ok", v.ok());
                    m.put("entries", v.entries());
                    m.put("firstBadSeq", v.firstBadSeq());
                    m.put("reason", v.reason());
                    m.put("headHash", v.headHashHex());
                    m.put("trustedIssuers", trusted.keys().stream().map(k -> (Object) k.keyId()).toList());
                    out().println(Json.write(m));
                } else if (v.ok()) {
                    out().println("OK: " + v.entries() + " entr" + (v.entries() == 1 ? "y" : "ies") + " in "
                            + ledger.describe() + ", chain and signatures valid; head hash " + v.headHashHex()
                            + " (keep it elsewhere: removing the newest entries shows only there)");
                } else {
                    out().println("BROKEN at entry " + v.firstBadSeq() + ": " + v.reason() + " (" + v.entries()
                            + " entries in " + ledger.describe() + "; the entries before it are valid)");
                }
                return code;
            }
        }
    }

    @Command(name = "export", description = "Every entry with its hashes and signature, as JSON (--json is implied).")
    static final class Export extends CommandBase {
        @Mixin
        LedgerOptions ledgerOptions = new LedgerOptions();

        @Override
        Integer execute() {
            try (Ledger ledger = ledgerOptions.openExisting()) {
                List<LedgerEntry> all = ledger.list();
                Map<String, Object> m = Json.object();
                m.put("command", "ledger export");
                m.put("ledger", ledger.describe());
                m.put("format", "filigrane-ledger/v1");
                m.put("entries", all.stream().map(e -> (Object) full(e)).toList());
                out().println(Json.write(m));
            }
            return ExitCode.OK;
        }
    }
}
