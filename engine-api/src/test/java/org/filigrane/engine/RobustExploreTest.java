package org.filigrane.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

@EnabledIfSystemProperty(named = "filigrane.explore", matches = "true")
class RobustExploreTest {
    @Test
    void explore() throws Exception {
        MasterKey key = MasterKey.of(RobustLayerTest.key(9));
        String only = System.getProperty("explore.attacks", "");
        try (Watermarker wm = Watermarker.create(key, "reference")) {
            List<LeakPaths.Series> series = new ArrayList<>();
            for (String k : LeakPaths.PHANTOM_KINDS) {
                series.add(LeakPaths.phantom(k, 11, 256));
            }
            series.addAll(LeakPaths.real());
            List<RobustCandidate> candidates = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                candidates.add(new RobustCandidate("recipient-" + i, 1000 + i));
            }
            for (LeakPaths.Series s : series) {
                RobustCandidate truth = candidates.get(Math.abs(s.name().hashCode()) % 20);
                WatermarkSpec spec = new WatermarkSpec(truth.recipient(), "", java.util.EnumSet.of(Layer.ROBUST),
                        TamperProfile.DEFAULT, truth.robustId(), s.window());
                long t0 = System.nanoTime();
                Volume marked = wm.embed(s.original(), spec).volume();
                long t1 = System.nanoTime();
                System.out.printf("%s %s %s: PSNR(range) %.2f dB, SSIM(window) %.4f, embed %.0f ms%n", s.kind(),
                        s.name(), s.original().format(), LeakPaths.psnrActualRange(s.original(), marked),
                        LeakPaths.ssimInWindow(s.original(), marked, s.window()), (t1 - t0) / 1e6);
                for (LeakPaths.Export e : LeakPaths.EXPORTS) {
                    Volume exported = e.apply().apply(s, marked);
                    StringBuilder line = new StringBuilder("   " + e.name() + ":");
                    List<LeakPaths.Attack> attacks = new ArrayList<>(LeakPaths.ATTACKS);
                    attacks.addAll(LeakPaths.STRETCH);
                    for (LeakPaths.Attack a : attacks) {
                        if (!only.isEmpty() && !only.contains(a.name())) {
                            continue;
                        }
                        Volume attacked = a.apply().apply(exported, new Random(5));
                        long t2 = System.nanoTime();
                        TraceResult r = wm.trace(attacked, candidates);
                        long t3 = System.nanoTime();
                        String verdict = !r.found() ? "-" : r.recipient().equals(truth.recipient()) ? "ok" : "WRONG";
                        line.append(String.format(" [%s %s %.1f %s %.0fms]", a.name(), verdict, r.score(),
                                r.markPresent() ? "S" : "", (t3 - t2) / 1e6));
                    }
                    System.out.println(line);
                }
            }
        }
    }
}
