package org.filigrane.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.filigrane.engine.Capacity;
import org.filigrane.engine.CapacityExceededException;
import org.filigrane.engine.EmbedResult;
import org.filigrane.engine.IntegrityReport;
import org.filigrane.engine.Layer;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.TamperProfile;
import org.filigrane.engine.TamperedCell;
import org.filigrane.engine.VerificationReport;
import org.filigrane.engine.VerificationReport.Status;
import org.filigrane.engine.Volume;
import org.filigrane.engine.Watermarker;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.demo.Quality;
import org.filigrane.engine.spi.Backend;
import org.junit.jupiter.api.Test;

/**
 * Properties of the whole reversible pipeline (layers R and T) on one backend: bit-exact round trips on a thousand
 * random volumes, range safety, tamper localization, slice structure, keys, capacity refusal and quality.
 */
public abstract class PipelinePropertiesTest {
    private static final long BASE_SEED = Long.getLong("filigrane.seed", 20261121L);
    private static final IssuerKey KEY = IssuerKey.of("pipeline-properties-master-key!!".getBytes());
    private static final IssuerKey OTHER_KEY = IssuerKey.of("some-other-issuer-master-key-32b".getBytes());

    protected abstract Backend backend();

    private Watermarker watermarker(IssuerKey key) {
        return Watermarker.create(key, backend());
    }

    /**
     * The property of issue 8, item 8: every volume that {@code capacity} says fits the message is embedded and
     * round-trips bit for bit; a refusal is only allowed where capacity said it would not fit. Counts printed.
     */
    @Test
    void thousandRandomVolumesRoundTripBitForBit() throws Exception {
        Watermarker wm = watermarker(KEY);
        int roundTrips = 0;
        int refused = 0;
        int fits = 0;
        int fitsBeyondCapacity = 0;
        java.util.Map<String, Integer> byShape = new java.util.TreeMap<>();
        java.util.Map<String, Integer> byFormat = new java.util.TreeMap<>();
        int count = Integer.getInteger("filigrane.roundTrips", 1000);
        for (int i = 0; i < count; i++) {
            long seed = BASE_SEED + i;
            Volume v = RandomVolumes.any(seed);
            SplittableRandom r = new SplittableRandom(seed);
            String message = "m".repeat(r.nextInt(40));
            WatermarkSpec spec = WatermarkSpec.reversible("rcpt" + i, message)
                    .withProfile(r.nextBoolean() ? TamperProfile.DEFAULT : TamperProfile.PAPER);
            if (r.nextInt(4) == 0) {
                spec = spec.withLayers(EnumSet.of(Layer.REVERSIBLE));
            }
            String what = "seed " + seed + " " + v + " " + spec.layers();
            Volume snapshot = v.copy();
            Capacity capacity = wm.capacity(v, spec);
            // What capacity promises: its message bytes are the spare bits / 8, floored at 0, so 0 also stands for
            // "not even an empty message fits"; the bits tell the two apart. The message is ASCII.
            boolean promised = capacity.totalBits() - capacity.overheadBits() - 64 >= 8L * message.length();
            if (promised) {
                fits++;
            }
            EmbedResult result;
            try {
                result = wm.embed(v, spec);
            } catch (CapacityExceededException e) {
                assertTrue(snapshot.sameContent(v), "refusal changed the input, " + what);
                if (promised) {
                    fail("capacity said " + capacity + " fits a " + message.length() + "-byte message, but embed "
                            + "refused: " + what + ": " + e.getMessage());
                }
                refused++;
                if (Boolean.getBoolean("filigrane.explain")) {
                    System.out.println("refused " + what + " message " + message.length() + " " + capacity);
                }
                continue;
            }
            if (!promised) {
                fitsBeyondCapacity++;
            }
            assertTrue(snapshot.sameContent(v), "embedding changed the input, " + what);
            Volume marked = result.volume();
            assertDoesNotThrow(marked::checkRange, "value outside the stored range, " + what);
            VerificationReport report = wm.verify(marked);
            assertEquals(Status.AUTHENTIC, report.status(), what + ": " + report.detail());
            assertEquals(message, report.message(), what);
            Volume restored = wm.restore(marked);
            if (!restored.sameContent(v)) {
                fail("restore is not bit-exact, " + what);
            }
            roundTrips++;
            byShape.merge(v.rows() + "x" + v.columns(), 1, Integer::sum);
            byFormat.merge(v.format().toString(), 1, Integer::sum);
        }
        System.out.println("of " + count + " random volumes: capacity said fits " + fits + ", refused " + refused
                + ", round-tripped " + roundTrips + " (" + fitsBeyondCapacity + " beyond what capacity promised); by "
                + "shape " + byShape + "; by format " + byFormat);
        assertEquals(count, roundTrips + refused);
        assertTrue(roundTrips >= fits, "every volume that capacity said fits must round-trip");
        // Slices too small for the 144-bit header (1x1, 2x3 stacks) and noise over a wide range are refused by
        // design; every other shape and every format must round-trip often, or the test proves little.
        assertTrue(roundTrips >= count * 2 / 5, "only " + roundTrips + " of " + count + " volumes round-tripped");
        for (int[] shape : RandomVolumes.SHAPES) {
            if (shape[0] * shape[1] >= 63 && count >= 1000) {
                assertTrue(byShape.getOrDefault(shape[0] + "x" + shape[1], 0) >= 10, "shape " + shape[0] + "x"
                        + shape[1] + " rarely round-trips: " + byShape);
            }
        }
        for (PixelFormat f : RandomVolumes.FORMATS) {
            if (count >= 1000) {
                assertTrue(byFormat.getOrDefault(f.toString(), 0) >= 20, f + " rarely round-trips: " + byFormat);
            }
        }
    }

    @Test
    void singleChangedPixelIsDetectedAndLocalized() throws Exception {
        Watermarker wm = watermarker(KEY);
        int trials = 0;
        for (PixelFormat f : List.of(PixelFormat.unsigned(16, 12), PixelFormat.unsigned(8, 8),
                PixelFormat.unsigned(16, 10))) {
            Volume v = Phantom.generate(BASE_SEED + f.bitsStored(), 10, 96, 112, f);
            EmbedResult embedded = wm.embed(v, WatermarkSpec.reversible("radiology", "tamper trials"));
            Volume marked = embedded.volume();
            // The block size is the one the volume's header records.
            BlockGridCheck grid = new BlockGridCheck(embedded.blockSize());
            SplittableRandom r = new SplittableRandom(BASE_SEED ^ f.hashCode());
            for (int t = 0; t < 170; t++, trials++) {
                int slice = r.nextInt(v.slices());
                int row = r.nextInt(v.rows());
                int col = r.nextInt(v.columns());
                int old = marked.get(slice, row, col);
                int now = switch (t % 3) {
                    case 0 -> old < f.max() ? old + 1 : old - 1;
                    case 1 -> old > f.min() ? old - 1 : old + 1;
                    default -> {
                        int x;
                        do {
                            x = f.min() + r.nextInt(f.max() - f.min() + 1);
                        } while (x == old);
                        yield x;
                    }
                };
                Volume tampered = marked.copy();
                tampered.set(slice, row, col, now);
                VerificationReport report = wm.verify(tampered);
                String what = f + " trial " + t + ": slice " + slice + " (" + row + "," + col + ") " + old + "->" + now;
                assertEquals(Status.TAMPERED, report.status(), what + ": " + report.detail());
                List<TamperedCell> cells = report.tamperedCells();
                assertEquals(1, cells.size(), what + ": cells " + cells);
                assertTrue(grid.contains(cells.get(0), slice, row, col), what + ": cells " + cells);
            }
        }
        System.out.println("single-pixel tamper trials localized: " + trials);
        assertTrue(trials >= 500);
    }

    /** Single-sample trials per noisy volume class: the bulk on the reference, fewer on the other backends. */
    private int localizationTrials() {
        return Integer.getInteger("filigrane.localizationTrials", backend().name().equals("reference") ? 1000 : 120);
    }

    /** The noisy volume classes of issue 9: 12-bit knee MR and signed 16-bit CT with realistic noise. */
    private static List<Volume> noisyVolumes() {
        return List.of(NoisyVolumes.knee12(BASE_SEED, 6, 160, 144), NoisyVolumes.ct16(BASE_SEED, 5, 192, 192));
    }

    @Test
    void everySingleSampleChangeInNoisyVolumesIsLocalizedToItsCell() throws Exception {
        Watermarker wm = watermarker(KEY);
        for (Volume v : noisyVolumes()) {
            EmbedResult result = wm.embed(v, WatermarkSpec.reversible("radiology", "noisy trials"));
            Volume marked = result.volume();
            int size = result.blockSize();
            String label = v + " blocks " + size + " threshold " + result.threshold();
            System.out.printf("%s: %d of %d blocks fully protected (%.3f%%), %d unprotected, PSNR %.2f dB%n", label,
                    result.fullyProtected(), result.blocks(), 100.0 * result.fullyProtected() / result.blocks(),
                    result.unprotected(), Quality.psnr(v, marked, -1));
            assertTrue(size <= 32, label);
            assertTrue(1000L * result.fullyProtected() >= 999L * result.blocks(), label + ": only "
                    + result.fullyProtected() + " of " + result.blocks() + " blocks fully protected");
            assertEquals(Status.AUTHENTIC, wm.verify(marked).status(), label);
            PixelFormat f = v.format();
            SplittableRandom r = new SplittableRandom(BASE_SEED ^ v.rows());
            int trials = localizationTrials();
            for (int t = 0; t < trials; t++) {
                // A third of the trials on the leading slice or the slice borders, where codes and edges are special.
                int slice = t % 6 == 0 ? 0 : r.nextInt(v.slices());
                int row = t % 6 == 1 ? (r.nextBoolean() ? 0 : v.rows() - 1) : r.nextInt(v.rows());
                int col = t % 6 == 2 ? (r.nextBoolean() ? 0 : v.columns() - 1) : r.nextInt(v.columns());
                int old = marked.get(slice, row, col);
                int now = switch (t % 4) {
                    case 0 -> old < f.max() ? old + 1 : old - 1;
                    case 1 -> old > f.min() ? old - 1 : old + 1;
                    case 2 -> Math.max(f.min(), Math.min(f.max(), old + (r.nextBoolean() ? 1 : -1) * (2
                            + r.nextInt(400))));
                    default -> {
                        int x;
                        do {
                            x = f.min() + r.nextInt(f.max() - f.min() + 1);
                        } while (x == old);
                        yield x;
                    }
                };
                if (now == old) {
                    now = old + 1;
                }
                Volume tampered = marked.copy();
                tampered.set(slice, row, col, now);
                VerificationReport report = wm.verify(tampered);
                String what = label + " trial " + t + ": slice " + slice + " (" + row + "," + col + ") " + old + "->"
                        + now;
                assertEquals(Status.TAMPERED, report.status(), what + ": " + report.detail());
                List<TamperedCell> cells = report.tamperedCells();
                assertEquals(1, cells.size(), what + ": cells " + cells);
                assertTrue(new BlockGridCheck(size).contains(cells.get(0), slice, row, col), what + ": cells " + cells);
                assertTrue(report.missingSlices().isEmpty() && report.unexpectedSlices().isEmpty()
                        && report.movedSlices().isEmpty(), what + ": " + report.detail());
                // A +1 that flips a carried bit leaves the restored slice intact: the cell fails, the hash holds.
                assertTrue(List.of(slice).containsAll(report.alteredSlices()), what + ": " + report.detail());
            }
            System.out.println(label + ": " + trials + " single-sample changes, every one localized to its cell");
        }
    }

    @Test
    void paperProfileNamesOnlyTheChangedSlice() throws Exception {
        // Issue 9: with PAPER, a +1 in one slice also reported the next, untouched slice as altered.
        Watermarker wm = watermarker(KEY);
        Volume v = NoisyVolumes.knee12(BASE_SEED + 5, 4, 90, 108);
        EmbedResult result = wm.embed(v, WatermarkSpec.reversible("radiology", "paper").withProfile(
                TamperProfile.PAPER));
        Volume marked = result.volume();
        SplittableRandom r = new SplittableRandom(BASE_SEED + 5);
        for (int t = 0; t < 40; t++) {
            int slice = r.nextInt(v.slices());
            int row = r.nextInt(v.rows());
            int col = r.nextInt(v.columns());
            Volume tampered = marked.copy();
            tampered.set(slice, row, col, marked.get(slice, row, col) + (t % 2 == 0 ? 1 : -1));
            VerificationReport report = wm.verify(tampered);
            String what = "PAPER trial " + t + ": slice " + slice + " (" + row + "," + col + "): " + report.detail();
            assertEquals(Status.TAMPERED, report.status(), what);
            assertEquals(1, report.tamperedCells().size(), what);
            assertTrue(new BlockGridCheck(18).contains(report.tamperedCells().get(0), slice, row, col), what);
            assertTrue(List.of(slice).containsAll(report.alteredSlices()), what);
        }
    }

    @Test
    void sliceAttacksAreNamedExactly() throws Exception {
        Watermarker wm = watermarker(KEY);
        for (Volume v : List.of(NoisyVolumes.ct16(BASE_SEED + 1, 8, 96, 96),
                Phantom.generate(BASE_SEED, 8, 64, 80, PixelFormat.unsigned(16, 12)))) {
            Volume marked = wm.embed(v, WatermarkSpec.reversible("radiology", "slices")).volume();
            Volume other = wm.embed(v.format().signed() ? NoisyVolumes.ct16(BASE_SEED + 2, 8, 96, 96)
                    : Phantom.generate(BASE_SEED + 2, 8, 64, 80, PixelFormat.unsigned(16, 12)),
                    WatermarkSpec.reversible("radiology", "another series")).volume();
            record Case(String name, int[] order, List<Integer> missing, List<Integer> unexpected,
                    List<Integer> moved) {
            }
            List<Case> cases = List.of(
                    new Case("swap 2,5", new int[] {0, 1, 5, 3, 4, 2, 6, 7}, List.of(), List.of(), List.of(2, 5)),
                    new Case("swap 0,1", new int[] {1, 0, 2, 3, 4, 5, 6, 7}, List.of(), List.of(), List.of(0, 1)),
                    new Case("remove first", new int[] {1, 2, 3, 4, 5, 6, 7}, List.of(0), List.of(), List.of()),
                    new Case("remove middle", new int[] {0, 1, 2, 4, 5, 6, 7}, List.of(3), List.of(), List.of()),
                    new Case("remove last", new int[] {0, 1, 2, 3, 4, 5, 6}, List.of(7), List.of(), List.of()),
                    new Case("duplicate 4", new int[] {0, 1, 2, 3, 4, 4, 5, 6, 7}, List.of(), List.of(5), List.of()),
                    new Case("move 6 to 1", new int[] {0, 6, 1, 2, 3, 4, 5, 7}, List.of(), List.of(), List.of(1)),
                    new Case("reverse 3..5", new int[] {0, 1, 2, 5, 4, 3, 6, 7}, List.of(), List.of(), List.of(3, 5)));
            for (Case c : cases) {
                VerificationReport report = wm.verify(marked.withSlices(c.order()));
                String what = v + " " + c.name() + ": " + report.detail();
                assertEquals(Status.TAMPERED, report.status(), what);
                assertEquals(c.missing(), report.missingSlices(), what);
                assertEquals(c.unexpected(), report.unexpectedSlices(), what);
                assertEquals(c.moved(), report.movedSlices(), what);
                assertEquals(!c.moved().isEmpty(), report.slicesReordered(), what);
                // No untouched slice is ever reported altered, and no block of one is named.
                assertEquals(List.of(), report.alteredSlices(), what);
                assertEquals(List.of(), report.tamperedCells(), what);
            }
            // A slice of another watermarked series inserted at 3, and one replacing slice 6.
            for (int replace = 0; replace < 2; replace++) {
                List<short[]> slices = new java.util.ArrayList<>();
                for (int s = 0; s < marked.slices(); s++) {
                    if (s == 3 && replace == 0) {
                        slices.add(other.slice(3).clone());
                    }
                    slices.add(s == 6 && replace == 1 ? other.slice(6).clone() : marked.slice(s).clone());
                }
                VerificationReport report = wm.verify(Volume.wrap(v.rows(), v.columns(), v.format(),
                        slices.toArray(short[][]::new)));
                String what = v + (replace == 0 ? " foreign slice inserted at 3: " : " slice 6 replaced: ")
                        + report.detail();
                assertEquals(Status.TAMPERED, report.status(), what);
                if (replace == 0) {
                    assertEquals(List.of(3), report.unexpectedSlices(), what);
                    assertEquals(List.of(), report.missingSlices(), what);
                } else {
                    assertEquals(List.of(6), report.alteredSlices(), what);
                }
                assertEquals(List.of(), report.movedSlices(), what);
                int named = replace == 0 ? 3 : 6;
                assertTrue(report.tamperedCells().stream().allMatch(cell -> cell.slice() == named), what);
            }
        }
    }

    /** Whether a reported cell is the one holding the pixel. */
    private record BlockGridCheck(int size) {
        boolean contains(TamperedCell c, int slice, int row, int col) {
            return c.slice() == slice && c.blockRow() == row / size && c.blockColumn() == col / size;
        }
    }

    @Test
    void integrityScreenPassesUntouchedVolumesFastAndFindsTheBlock() throws Exception {
        Watermarker wm = watermarker(KEY);
        for (TamperProfile profile : TamperProfile.values()) {
            // 144 is a multiple of both block sizes: thin edge blocks may lack room for their column code, and a
            // column that cannot be checked sends the screen down the slow path.
            Volume v = Phantom.generate(BASE_SEED, 9, 144, 144, PixelFormat.unsigned(16, 12));
            EmbedResult embedded = wm.embed(v, WatermarkSpec.reversible("pacs", "screen").withProfile(profile));
            Volume marked = embedded.volume();
            IntegrityReport clean = wm.checkIntegrity(marked);
            assertTrue(clean.watermarked() && clean.intact(), profile + ": " + clean);
            // PAPER's leading blocks carry 48 bits and often lack room for all four column codes.
            assertTrue(clean.fastPath() || profile == TamperProfile.PAPER, profile + ": " + clean);
            assertEquals(profile, clean.profile());
            Volume tampered = marked.copy();
            tampered.set(5, 50, 60, tampered.get(5, 50, 60) + 1);
            IntegrityReport report = wm.checkIntegrity(tampered);
            assertTrue(report.watermarked() && !report.intact(), profile + ": " + report);
            int size = embedded.blockSize();
            assertEquals(List.of(5), report.cells().stream().map(TamperedCell::slice).toList(), report.toString());
            assertEquals(50 / size, report.cells().get(0).blockRow());
            assertEquals(60 / size, report.cells().get(0).blockColumn());
            assertTrue(!wm.checkIntegrity(marked.withSlices(0, 1, 2, 4, 3, 5, 6, 7, 8)).intact());
        }
        assertTrue(!wm.checkIntegrity(Phantom.generate(BASE_SEED, 3, 64, 64, PixelFormat.unsigned(16, 12)))
                .watermarked());
    }

    @Test
    void removedInsertedAndSwappedSlicesAreDetected() throws Exception {
        Watermarker wm = watermarker(KEY);
        Volume v = Phantom.generate(BASE_SEED, 12, 64, 80, PixelFormat.unsigned(16, 12));
        Volume marked = wm.embed(v, WatermarkSpec.reversible("radiology", "structure")).volume();
        int[] removed = {0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11};
        int[] duplicated = {0, 1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10, 11};
        int[] swapped = {0, 1, 2, 3, 4, 6, 5, 7, 8, 9, 10, 11};
        int[] lastRemoved = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        for (int[] order : List.of(removed, duplicated, swapped, lastRemoved)) {
            VerificationReport report = wm.verify(marked.withSlices(order));
            assertEquals(Status.TAMPERED, report.status(), java.util.Arrays.toString(order) + ": " + report);
            assertTrue(report.failedColumns() > 0, "column codes must catch slice changes: " + report);
        }
        VerificationReport r = wm.verify(marked.withSlices(removed));
        assertEquals(List.of(5), r.missingSlices(), r.toString());
        assertTrue(wm.verify(marked.withSlices(swapped)).slicesReordered());
        // A slice from another acquisition slipped in at position 6.
        Volume other = Phantom.generate(BASE_SEED + 1, 1, 64, 80, PixelFormat.unsigned(16, 12));
        short[][] withForeign = new short[13][];
        for (int s = 0, k = 0; s < 13; s++) {
            withForeign[s] = s == 6 ? other.slice(0) : marked.slice(k++);
        }
        VerificationReport inserted = wm.verify(Volume.wrap(64, 80, marked.format(), withForeign));
        assertEquals(Status.TAMPERED, inserted.status(), inserted.toString());
        assertEquals(List.of(6), inserted.unexpectedSlices(), inserted.toString());
    }

    @Test
    void wrongKeyIsNotAuthenticAndForeignVolumesAreNotWatermarked() throws Exception {
        Volume v = Phantom.generate(BASE_SEED, 3, 64, 64, PixelFormat.unsigned(16, 12));
        Volume marked = watermarker(KEY).embed(v, WatermarkSpec.reversible("radiology", "keys")).volume();
        VerificationReport wrong = watermarker(OTHER_KEY).verify(marked);
        assertEquals(Status.NOT_AUTHENTIC, wrong.status(), wrong.detail());
        assertThrows(org.filigrane.engine.WatermarkException.class, () -> watermarker(OTHER_KEY).restore(marked));
        Watermarker wm = watermarker(KEY);
        for (int i = 0; i < 40; i++) {
            Volume foreign = i % 4 == 0 ? RandomVolumes.noise(BASE_SEED + i, PixelFormat.unsigned(16, 16), 2, 40, 50)
                    : RandomVolumes.any(BASE_SEED * 31 + i);
            VerificationReport report = assertDoesNotThrow(() -> wm.verify(foreign));
            assertEquals(Status.NOT_WATERMARKED, report.status(), "foreign volume " + i + " " + foreign);
        }
        assertEquals(Status.NOT_WATERMARKED, wm.verify(v).status());
    }

    /**
     * {@code verifyAndRestore} (one search, used by the DICOM self-check and restore) says exactly what
     * {@code verify} says, and restores, to exactly {@code restore}'s pixels, when and only when that is AUTHENTIC:
     * on authentic volumes of every format, on damaged ones, on another issuer's and on foreign ones.
     */
    @Test
    void verifyAndRestoreInOneSearchAgreesWithVerifyThenRestore() throws Exception {
        Watermarker wm = watermarker(KEY);
        Watermarker other = watermarker(OTHER_KEY);
        SplittableRandom r = new SplittableRandom(BASE_SEED ^ 0x5eed);
        int authentic = 0;
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            long seed = BASE_SEED + 7919L * i;
            Volume v = RandomVolumes.any(seed);
            Volume marked;
            try {
                marked = wm.embed(v, WatermarkSpec.reversible("rcpt", "one search")).volume();
            } catch (CapacityExceededException e) {
                continue;
            }
            // Unchanged, a few samples changed (which may leave it authentic only if nothing changed), and another
            // issuer's key: each must agree with verify then restore.
            Volume damaged = marked.copy();
            for (int k = 1 + r.nextInt(5); k > 0; k--) {
                int s = r.nextInt(v.slices());
                int row = r.nextInt(v.rows());
                int col = r.nextInt(v.columns());
                int x = damaged.get(s, row, col);
                damaged.set(s, row, col, x == v.format().min() ? x + 1 : x - 1);
            }
            for (Volume candidate : List.of(marked, damaged)) {
                for (Watermarker w : List.of(wm, other)) {
                    String what = "seed " + seed + " " + v + (candidate == marked ? " unchanged" : " damaged")
                            + (w == wm ? "" : ", other issuer");
                    Watermarker.Checked checked = w.verifyAndRestore(candidate);
                    assertEquals(w.verify(candidate), checked.report(), what);
                    if (checked.report().status() == Status.AUTHENTIC) {
                        authentic++;
                        assertTrue(checked.restored().sameContent(w.restore(candidate)), what);
                        assertTrue(checked.restored().sameContent(v), what);
                    } else {
                        refused++;
                        // (restore alone may still succeed where T's blocks failed but R's hash holds: this
                        // call restores only what verifies AUTHENTIC, which is all its callers accept.)
                        assertEquals(null, checked.restored(), what);
                    }
                }
            }
            Volume foreign = RandomVolumes.any(seed * 31 + 1);
            Watermarker.Checked none = wm.verifyAndRestore(foreign);
            assertEquals(Status.NOT_WATERMARKED, none.report().status(), "foreign " + foreign);
            assertEquals(null, none.restored());
        }
        System.out.println("verifyAndRestore: " + authentic + " authentic, " + refused + " refused");
        assertTrue(authentic >= 10 && refused >= 30, authentic + " authentic, " + refused + " refused");
    }

    @Test
    void damagedVolumesGiveAVerdictNeverAnException() throws Exception {
        Watermarker wm = watermarker(KEY);
        Volume v = Phantom.generate(BASE_SEED, 4, 64, 48, PixelFormat.unsigned(16, 12));
        Volume marked = wm.embed(v, WatermarkSpec.reversible("radiology", "damage")).volume();
        SplittableRandom r = new SplittableRandom(BASE_SEED);
        for (int t = 0; t < 150; t++) {
            Volume damaged = marked.copy();
            // Low bits of the header rows, whole rows, or scattered pixels: each can wreck a different decoder stage.
            int changes = 1 + r.nextInt(200);
            for (int k = 0; k < changes; k++) {
                int slice = t % 3 == 0 ? 0 : r.nextInt(v.slices());
                int row = t % 3 == 0 ? r.nextInt(4) : r.nextInt(v.rows());
                int col = r.nextInt(v.columns());
                int x = damaged.get(slice, row, col);
                damaged.set(slice, row, col, t % 2 == 0 ? x ^ 1 : r.nextInt(4096));
            }
            if (damaged.sameContent(marked)) {
                continue;
            }
            VerificationReport report = assertDoesNotThrow(() -> wm.verify(damaged), "trial " + t);
            assertTrue(report.status() != Status.AUTHENTIC, "trial " + t + " passed as authentic");
            assertThrows(org.filigrane.engine.WatermarkException.class, () -> wm.restore(damaged), "trial " + t);
        }
    }

    @Test
    void payloadOverCapacityIsRefusedBeforeAnyPixelChanges() {
        Watermarker wm = watermarker(KEY);
        Volume v = Phantom.generate(BASE_SEED, 2, 64, 64, PixelFormat.unsigned(8, 8));
        Volume snapshot = v.copy();
        Capacity capacity = wm.capacity(v, WatermarkSpec.reversible("r", ""));
        String tooLong = "x".repeat((int) capacity.totalBits() / 8 + 1);
        CapacityExceededException e = assertThrows(CapacityExceededException.class,
                () -> wm.embed(v, WatermarkSpec.reversible("r", tooLong)));
        assertTrue(e.neededBits() > e.availableBits(), e.getMessage());
        assertTrue(snapshot.sameContent(v), "input changed by a refused embed");
        // And what capacity promises does fit.
        String fits = "y".repeat((int) capacity.messageBytes());
        assertDoesNotThrow(() -> wm.embed(v, WatermarkSpec.reversible("r", fits)));
    }

    @Test
    void qualityAtThousandBitsPerSlice() throws Exception {
        Watermarker wm = watermarker(KEY);
        for (PixelFormat f : List.of(PixelFormat.unsigned(8, 8), PixelFormat.unsigned(16, 12))) {
            int slices = 6;
            Volume v = Phantom.generate(BASE_SEED, slices, 256, 256, f);
            // 1,024 payload bits per slice in all: the message fills what the fixed fields leave.
            int overhead = 8 * (1 + 2 + 9 + 4 + 8 + 1 + 4 + 4 * slices + 64);
            String message = "p".repeat((1024 * slices - overhead) / 8);
            EmbedResult r = wm.embed(v, WatermarkSpec.reversible("radiology", message));
            double worst = Double.MAX_VALUE;
            for (int s = 0; s < slices; s++) {
                worst = Math.min(worst, Quality.psnr(v, r.volume(), s));
            }
            double volume = Quality.psnr(v, r.volume(), -1);
            System.out.printf("%s R+T at 1024 bits/slice: PSNR volume %.2f dB, worst slice %.2f dB%n", f, volume,
                    worst);
            double floor = f.bitsStored() == 8 ? 45 : 65;
            assertTrue(worst >= floor, f + " worst slice PSNR " + worst + " < " + floor);
        }
    }
}
