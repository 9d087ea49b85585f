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
 * {@code -Dfiligrane.stress=true -Dtest=RobustTraceTableTest} ({@code -Dfiligrane.tableImages=N} phantoms per class).
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
        try (Watermarker wm = Watermarker.create(key, "reference")) {
            series.parallelStream().forEach(s -> {
                int index = series.indexOf(s);
                List<RobustCandidate> candidates = RobustTraceTest.candidates(20, 0x5EED_DB00L + index);
                RobustCandidate truth = candidates.get(index % 20);
                Volume marked;
                try {
                    marked = RobustTraceTest.mark(wm, s, truth);
                } catch (WatermarkException e) {
                    throw new IllegalStateException(e);
                }
                for (LeakPaths.Export e : LeakPaths.EXPORTS) {
                    Volume exported = e.apply().apply(s, marked);
                    for (int a = 0; a < attacks.size(); a++) {
                        LeakPaths.Attack attack = attacks.get(a);
                        Random random = new Random(0x5EED_DC00L + 1000L * index + a);
                        TraceResult r = wm.trace(attack.apply().apply(exported, random), candidates);
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
                    }
                }
                System.out.println("table: done " + s.kind() + " " + s.name());
            });
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
            for (int i = 0; i < 3; i++) {
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
