package org.filigrane.engine;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

@EnabledIfSystemProperty(named = "filigrane.explore", matches = "true")
class RobustDebugTest {
    @Test
    void debug() {
        RobustLayer layer = new RobustLayer(new DctOnlyBackend(), RobustLayerTest.key(3));
        RobustTracer tracer = new RobustTracer(layer);
        RobustLayer.RecipientKey rk = new RobustLayer.RecipientKey(RobustLayerTest.key(4));
        int[] pattern = layer.pattern(rk, 77);
        byte[] chips = RobustTracer.markChips(pattern);
        String kind = System.getProperty("kind", "12-bit phantom");
        LeakPaths.Series s = kind.startsWith("ct") || kind.equals("nm")
                ? LeakPaths.real().stream().filter(x -> x.name().equals(kind)).findFirst().orElseThrow()
                : LeakPaths.phantom(kind, 11, 256);
        Volume marked = s.original().copy();
        layer.embed(marked, pattern, s.window());
        System.out.printf("PSNR %.2f%n", LeakPaths.psnrActualRange(s.original(), marked));
        RobustTracer.Geometry truth = null;
        for (LeakPaths.Export e : LeakPaths.EXPORTS) {
            Volume x = e.apply().apply(s, marked);
            Volume xo = e.apply().apply(s, s.original());
            int[] cm = new int[(x.rows() / 8) * (x.columns() / 8) * 64];
            int[] co = new int[cm.length];
            org.filigrane.engine.reference.ReferenceDct.forward(x, 0, 0, 0, cm);
            org.filigrane.engine.reference.ReferenceDct.forward(xo, 0, 0, 0, co);
            int across = x.columns() / 8;
            long agree = 0, disagree = 0, zero = 0, blocks = 0;
            double shift = 0;
            for (int b = 0; b < cm.length / 64; b++) {
                int by = b / across, bx = b % across;
                int dc = cm[b * 64] / 8;
                if (dc < 10 || dc > 245) continue;
                blocks++;
                int first = ((by % 16) * 16 + bx % 16) * 3;
                for (int slot = first; slot < first + 3; slot++) {
                    int f = cm[b * 64 + layer.coefficientOf[slot]];
                    int fo = co[b * 64 + layer.coefficientOf[slot]];
                    shift += pattern[slot] * (f - fo);
                    long sg = Integer.signum(f) * pattern[slot];
                    if (sg > 0) agree++; else if (sg < 0) disagree++; else zero++;
                }
            }
            System.out.printf("  %s: mid-gray blocks %d, chips agree %d disagree %d zero %d, mean push %.2f levels%n", e.name(), blocks, agree, disagree, zero, shift / Math.max(1, 3 * blocks));
            for (float q : new float[] {1f, 0.3f}) {
                Volume a = q == 1f ? x : ImageAttacks.jpeg8(x, q);
                List<RobustTracer.Geometry> gs = tracer.search(a, 0, false, 64);
                RobustTracer.Geometry best = null;
                double bt = -1e9;
                int rank = -1;
                for (int i = 0; i < gs.size(); i++) {
                    RobustTracer.Geometry g = gs.get(i);
                    double t = RobustTracer.correlation(chips, g) / Math.sqrt(g.squares());
                    if (t > bt) {
                        bt = t;
                        best = g;
                        rank = i;
                    }
                }
                System.out.printf("  %s q%.1f: top sync %.1f at %s %d,%d; best T %.1f (rank %d at %d,%d %s)%n", e.name(), q,
                        gs.get(0).sync(), gs.get(0).orientation(), gs.get(0).offsetRow(), gs.get(0).offsetColumn(), bt,
                        rank, best.offsetRow(), best.offsetColumn(), best.orientation());
            }
        }
    }
}
