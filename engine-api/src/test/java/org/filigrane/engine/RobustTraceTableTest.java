package org.filigrane.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The full robustness table of docs/FORMAT-D.md: every series class, the three 8-bit exports, every attack of
 * issue 10 (plus 0.5x and 45 degrees), counted as correct / wrong / none, with 20 candidates per trace. Prints a
 * Markdown table; asserts only that no wrong recipient is named. Run with
 * {@code -Dfiligrane.stress=true -Dtest=RobustTraceTableTest} ({@code -Dfiligrane.tableImages=N} phantoms per class;
 * subsets: {@code -Dfiligrane.tableAttacks=a,b}, {@code -Dfiligrane.tableExports=a,b},
 * {@code -Dfiligrane.tableSeries=class or name,...}, {@code -Dfiligrane.tableScaleOne=true}).
 */
@EnabledIfSystemProperty(named = "filigrane.stress", matches = "true")
class RobustTraceTableTest {

    @Test
    void fullTable() throws Exception {
        int phantoms = Integer.getInteger("filigrane.tableImages", 3);
        List<LeakPaths.Series> series = new ArrayList<>();
        for (String kind : LeakPaths.PHANTOM_KINDS) {
            for (int i = 0; i < phantoms; i++) {
                series.add(LeakPaths.phantom(kind, 0x5EED_DA00L + 100 * series.size() + i, 256));
            }
        }
        series.addAll(LeakPaths.real());
        // -Dfiligrane.tableSeries=a,b (classes or names): only those series are traced, with the seeds and
        // candidates they have in the whole table.
        String onlySeries = System.getProperty("filigrane.tableSeries");
        List<String> seriesNames = onlySeries == null ? null : List.of(onlySeries.split(","));
        boolean[] chosen = new boolean[series.size()];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = seriesNames == null || seriesNames.contains(series.get(i).kind())
                    || seriesNames.contains(series.get(i).name());
        }
        List<String> classes = new ArrayList<>();
        for (LeakPaths.Series s : series) {
            if (!classes.contains(s.kind())) {
                classes.add(s.kind());
            }
        }
        List<LeakPaths.Attack> attacks = new ArrayList<>(LeakPaths.ATTACKS);
        attacks.addAll(LeakPaths.STRETCH);
        // counts[attack][class] = {correct, wrong, none}
        Map<String, AtomicIntegerArray> counts = new ConcurrentHashMap<>();
        List<String> wrongs = java.util.Collections.synchronizedList(new ArrayList<>());
        IssuerKey key = IssuerKey.of(RobustLayerTest.key(41));
        long start = System.nanoTime();
        // Optional subsets for partial runs: -Dfiligrane.tableAttacks=a,b (names), -Dfiligrane.tableScaleOne=true
        // (scale-1 pass only: no rescale search). Exports run DICOM window first, each over every series at once.
        String only = System.getProperty("filigrane.tableAttacks");
        if (only != null) {
            List<String> names = List.of(only.split(","));
            attacks.removeIf(a -> !names.contains(a.name()));
        }
        boolean rescaleSearch = !Boolean.getBoolean("filigrane.tableScaleOne");
        List<LeakPaths.Export> exports = new ArrayList<>(LeakPaths.EXPORTS);
        java.util.Collections.reverse(exports);
        String onlyExports = System.getProperty("filigrane.tableExports");
        if (onlyExports != null) {
            List<String> names = List.of(onlyExports.split(","));
            exports.removeIf(e -> !names.contains(e.name()));
        }
        try (Watermarker wm = Watermarker.create(key, "reference")) {
            List<List<RobustCandidate>> candidateLists = new ArrayList<>();
            List<Volume> marked = java.util.stream.IntStream.range(0, series.size()).parallel().mapToObj(index -> {
                RobustCandidate truth = RobustTraceTest.candidates(20, 0x5EED_DB00L + index).get(index % 20);
                if (!chosen[index]) {
                    return series.get(index).original();
                }
                try {
                    return RobustTraceTest.mark(wm, series.get(index), truth);
                } catch (WatermarkException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            for (int index = 0; index < series.size(); index++) {
                candidateLists.add(RobustTraceTest.candidates(20, 0x5EED_DB00L + index));
            }
            for (LeakPaths.Export e : exports) {
                List<Volume> exported = new ArrayList<>();
                for (int index = 0; index < series.size(); index++) {
                    exported.add(e.apply().apply(series.get(index), marked.get(index)));
                }
                java.util.stream.IntStream.range(0, series.size() * attacks.size()).parallel().forEach(job -> {
                    int index = job / attacks.size();
                    int a = job % attacks.size();
                    if (!chosen[index]) {
                        return;
                    }
                    LeakPaths.Series s = series.get(index);
                    List<RobustCandidate> candidates = candidateLists.get(index);
                    RobustCandidate truth = candidates.get(index % 20);
                    LeakPaths.Attack attack = attacks.get(a);
                    Random random = new Random(0x5EED_DC00L + 1000L * index + a);
                    TraceResult r = wm.trace(attack.apply().apply(exported.get(index), random), candidates,
                            rescaleSearch);
                    int outcome = !r.found() ? 2 : r.recipient().equals(truth.recipient())
                            && r.robustId() == truth.robustId() ? 0 : 1;
                    System.out.printf(Locale.ROOT, "trace|%s|%s|%s|%s|%d|%.2f|%.2f%n", s.kind(), s.name(),
                            e.name(), attack.name(), outcome, r.score(), r.scale());
                    if (outcome == 1) {
                        wrongs.add(s.name() + " / " + e.name() + " / " + attack.name() + ": " + r);
                    }
                    counts.computeIfAbsent(attack.name() + "|" + s.kind(), k -> new AtomicIntegerArray(3))
                            .incrementAndGet(outcome);
                    counts.computeIfAbsent(attack.name() + "|" + e.name(), k -> new AtomicIntegerArray(3))
                            .incrementAndGet(outcome);
                });
                System.out.println("table: done " + e.name());
            }
        }
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%nFull table (%d series, %.0f s): correct / wrong / none%n%n",
                series.size(), (System.nanoTime() - start) / 1e9));
        List<String> columns = new ArrayList<>(classes);
        LeakPaths.EXPORTS.forEach(e -> columns.add(e.name()));
        table.append("| attack | ").append(String.join(" | ", columns)).append(" | all |\n");
        table.append("| --- |").append(" --- |".repeat(columns.size() + 1)).append('\n');
        Map<String, int[]> totals = new LinkedHashMap<>();
        for (LeakPaths.Attack attack : attacks) {
            table.append("| ").append(attack.name()).append(" |");
            int[] all = new int[3];
            for (String c : columns) {
                AtomicIntegerArray x = counts.get(attack.name() + "|" + c);
                if (x == null) {
                    table.append(" - |");
                    continue;
                }
                table.append(String.format(" %d / %d / %d |", x.get(0), x.get(1), x.get(2)));
                if (classes.contains(c)) {
                    for (int i = 0; i < 3; i++) {
                        all[i] += x.get(i);
                    }
                }
            }
            int n = all[0] + all[1] + all[2];
            table.append(String.format(Locale.ROOT, " %d / %d / %d (%.1f %%) |%n", all[0], all[1], all[2],
                    100.0 * all[0] / n));
            totals.put(attack.name(), all);
        }
        int[] listed = new int[3];
        for (LeakPaths.Attack attack : LeakPaths.ATTACKS) {
            for (int i = 0; i < 3 && totals.containsKey(attack.name()); i++) {
                listed[i] += totals.get(attack.name())[i];
            }
        }
        int n = listed[0] + listed[1] + listed[2];
        table.append(String.format(Locale.ROOT, "%nIssue 10's attack list together: %d / %d / %d (%.2f %% correct)%n",
                listed[0], listed[1], listed[2], 100.0 * listed[0] / n));
        System.out.println(table);
        wrongs.forEach(w -> System.out.println("WRONG: " + w));
        org.junit.jupiter.api.Assertions.assertTrue(wrongs.isEmpty(), wrongs.toString());
    }
}
